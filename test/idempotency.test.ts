/**
 * Idempotency keys that never hide a case (IETF httpapi Idempotency-Key): the same key with the
 * same request answers the first outcome; with another body, action or whistle it is 422
 * idempotency_conflict and files or changes nothing — under concurrency too.
 */
import { startStack, filing, quietPolicy, type Stack } from './support/stack';
import { fileWhistle, must } from './support/whistles';

let stack: Stack;
beforeAll(async () => { stack = await startStack({ policy: quietPolicy(600) }); });
afterAll(async () => { await stack?.stop(); });

const count = async () => (await stack.pool.query('SELECT count(*)::int AS n FROM whistles')).rows[0].n as number;
const file = (key: string, body = filing(), as = 'xiguan') => stack.call(as, 'POST', '/v1/whistles', body, { 'idempotency-key': key });

test('ten identical filings at once under one key: one whistle, every answer the same', async () => {
  const before = await count();
  const answers = await Promise.all(Array.from({ length: 10 }, () => file('same-ten')));
  expect(answers.map((a) => a.status)).toEqual(Array(10).fill(201));
  expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
  expect(await count()).toBe(before + 1);
  const { rows } = await stack.pool.query("SELECT count(*)::int AS n FROM whistle_events WHERE whistle_id = $1 AND type = 'filed'", [answers[0].body.id]);
  expect(rows[0].n).toBe(1);
});

test('two different bodies at once under one key: one 201, one 422, one whistle', async () => {
  const before = await count();
  const [a, b] = await Promise.all([file('two-bodies', filing({ title: '甲' })), file('two-bodies', filing({ title: '乙' }))]);
  expect([a.status, b.status].sort()).toEqual([201, 422]);
  const conflict = a.status === 422 ? a : b;
  expect(conflict.body.error).toMatchObject({ code: 'idempotency_conflict', messageZh: expect.any(String) });
  expect(await count()).toBe(before + 1);
});

test('a key reused for another body later is 422; the same body again returns the first whistle; keys are per account', async () => {
  const first = await file('reuse-1');
  expect(first.status).toBe(201);
  const again = await file('reuse-1');
  expect([again.status, again.body.id]).toEqual([201, first.body.id]);
  const other = await file('reuse-1', filing({ description: '另一件事' }));
  expect(other.status).toBe(422);
  // Same parsed body, keys in another order: the same request.
  const reordered = JSON.parse(JSON.stringify(filing()));
  const shuffled = Object.fromEntries(Object.entries(reordered).reverse());
  expect((await file('reuse-1', shuffled)).body.id).toBe(first.body.id);
  const elsewhere = await file('reuse-1', filing(), 'dongguan');
  expect(elsewhere.status).toBe(201);
  expect(elsewhere.body.id).not.toBe(first.body.id);
});

test('an action\'s key: the same action again is applied once; another action, body or whistle under it is 422 and changes nothing', async () => {
  const w = await fileWhistle(stack);
  const key = { 'idempotency-key': 'act-1' };
  const accepted = await stack.call('wuhang', 'POST', `/v1/whistles/${w.id}/accept`, undefined, key);
  expect(accepted.status).toBe(200);
  const retried = await stack.call('wuhang', 'POST', `/v1/whistles/${w.id}/accept`, undefined, key);
  expect(retried.status).toBe(200);
  expect(retried.body.timeline.filter((e: { type: string }) => e.type === 'accepted')).toHaveLength(1);
  const progress = await stack.call('wuhang', 'POST', `/v1/whistles/${w.id}/progress`, { note: '进展' }, key);
  expect(progress.status).toBe(422);
  const w2 = await fileWhistle(stack);
  expect((await stack.call('wuhang', 'POST', `/v1/whistles/${w2.id}/accept`, undefined, key)).status).toBe(422);
  expect((await stack.call('center', 'GET', `/v1/whistles/${w2.id}`)).body.status).toBe('filed');
  // A filing's key cannot be reused for an action either (keys are per account across endpoints).
  await must(stack, 'wuhang', w.id, 'progress', { note: '一' });
  const keyed = await file('shared-key');
  expect(keyed.status).toBe(201);
  expect((await stack.call('xiguan', 'POST', `/v1/whistles/${keyed.body.id}/withdraw`, { reason: 'x' }, { 'idempotency-key': 'shared-key' })).status).toBe(422);
  // Help requests share the scope.
  const help = await stack.call('xiguan', 'POST', '/v1/help-requests', { title: '陪同就医', description: '需要陪同', communityId: 'xiguan' }, { 'idempotency-key': 'shared-key' });
  expect(help.status).toBe(422);
});
