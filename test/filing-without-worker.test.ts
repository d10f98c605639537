/**
 * Filing costs a start: with no worker running at all, a filing is 201, the whistle is in the read
 * model (its view, the street's queue, its deadlines counted from the filing), and once a worker
 * comes it carries on from there with nothing lost. A start that fails leaves nothing behind —
 * not even the reporter's phone.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { buildApp } from '../api/app';
import { createLogger } from '../lib/logger';
import { createWorker } from '../worker/worker';
import { checkWhistle } from '../scripts/reconcile';
import { whistleIdFor } from '../api/services/whistles';
import { startStack, eventually, filing, quietPolicy, type Stack } from './support/stack';

let stack: Stack;
beforeAll(async () => { stack = await startStack({ noWorker: true, policy: quietPolicy(600) }); });
afterAll(async () => { await stack?.stop(); });

test('with every worker down a filing is 201, visible at once, in the street\'s queue, its deadlines counted from filing; a worker then carries it on', async () => {
  const res = await stack.call('xiguan', 'POST', '/v1/whistles', filing(), { 'idempotency-key': 'no-worker-1' });
  expect(res.status).toBe(201);
  const w = res.body;
  expect(w).toMatchObject({ status: 'filed', holder: 'wuhang', allowedActions: ['withdraw'] });
  expect(Date.parse(w.dueAt) - Date.parse(w.filedAt)).toBe(600_000);
  const read = await stack.call('wuhang', 'GET', `/v1/whistles/${w.id}`);
  expect(read.status).toBe(200);
  expect(read.body.timeline).toEqual([{ at: w.filedAt, type: 'filed', actor: 'xiguan', actorName: '西关社区', note: null }]);
  expect(read.body.allowedActions).toEqual(expect.arrayContaining(['accept', 'escalate']));
  const queue = (await stack.call('wuhang', 'GET', '/v1/whistles?holder=me&limit=100')).body.items.map((i: { id: string }) => i.id);
  expect(queue).toContain(w.id);
  const { rows } = await stack.pool.query("SELECT recipient_org_id FROM notifications WHERE subject_id = $1 AND kind = 'whistle_filed'", [w.id]);
  expect(rows).toEqual([{ recipient_org_id: 'wuhang' }]);
  // A retry while still no worker runs: the same whistle.
  expect((await stack.call('xiguan', 'POST', '/v1/whistles', filing(), { 'idempotency-key': 'no-worker-1' })).body.id).toBe(w.id);

  // A worker comes: the street accepts, and the read model equals the workflow.
  const connection = await NativeConnection.connect({ address: stack.config.temporalAddress });
  const worker = await createWorker({
    config: stack.config, connection, pool: stack.pool, policy: stack.policy,
    workflowBundle: { codePath: process.env.WHISTLE_TEST_BUNDLE! },
  });
  const running = worker.run();
  try {
    const accepted = await stack.call('wuhang', 'POST', `/v1/whistles/${w.id}/accept`);
    expect(accepted.status).toBe(200);
    expect(accepted.body.dueAt).toBe(w.dueAt);
    await eventually(async () => (await checkWhistle(stack.client, stack.pool, w.id)).length === 0, 20_000, 'read model equal to the workflow');
  } finally {
    worker.shutdown();
    await running;
    await connection.close();
  }
});

test('a filing whose start fails is 503 and leaves no whistle and no phone behind', async () => {
  const PHONE = `139${String(Date.now()).slice(-8)}`;
  const connection = await Connection.connect({ address: stack.config.temporalAddress });
  await connection.close();
  const app = await buildApp({
    config: stack.config, pool: stack.pool, temporal: new Client({ connection }), policy: stack.policy,
    logger: createLogger({ level: 'silent', production: false }),
  });
  try {
    const res = await app.inject({
      method: 'POST', url: '/v1/whistles', payload: filing({ reporter: { name: '王阿姨', phone: PHONE } }),
      headers: { authorization: 'Bearer dev-xiguan', 'content-type': 'application/json', 'idempotency-key': 'start-fails-1' },
    });
    expect(res.statusCode).toBe(503);
    const id = whistleIdFor('xiguan', 'start-fails-1');
    const phones = await stack.pool.query('SELECT count(*)::int AS n FROM whistle_reporters WHERE phone = $1 OR whistle_id = $2', [PHONE, id]);
    expect(phones.rows[0].n).toBe(0);
    const whistles = await stack.pool.query('SELECT count(*)::int AS n FROM whistles WHERE id = $1', [id]);
    expect(whistles.rows[0].n).toBe(0);
  } finally {
    await app.close();
  }
});
