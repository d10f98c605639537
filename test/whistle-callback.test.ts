/**
 * The center's practice on a whistle's way (国办函〔2025〕66号), through the API against a real
 * Temporal dev server: the ruling on a return (派单异议审核) when the center dispatches again, the
 * callback of the reporter (回访) within `callback.within` of the latest resolution, once per
 * resolution, the center's list of callbacks due, where a whistle came from (`source`, 未诉先办
 * filed dispatched and idempotently), and the knowledge base's articles for the holder and the center.
 */
import { startStack, eventually, quietPolicy, type Stack } from './support/stack';
import { act, dispatchedWhistle, escalatedWhistle, fileWhistle, must, types } from './support/whistles';

const CALLBACK_SECONDS = 8;
let stack: Stack;
beforeAll(async () => { stack = await startStack({ policy: { ...quietPolicy(600), callback: { within: { seconds: CALLBACK_SECONDS } } } }); });
afterAll(async () => { await stack?.stop(); });

const view = async (id: string, as = 'center') => (await stack.call(as, 'GET', `/v1/whistles/${id}`)).body;
const entries = async (id: string, type: string) =>
  (await stack.pool.query('SELECT unit_id, data, note FROM whistle_events WHERE whistle_id = $1 AND type = $2 ORDER BY seq', [id, type])).rows;
const callbackDue = async (as = 'center') => stack.call(as, 'GET', '/v1/whistles?callbackDue=true&limit=100');
const dueIds = async () => ((await callbackDue()).body.items as Array<{ id: string }>).map((i) => i.id);

/** A whistle the street resolved (a reporter with a phone unless told otherwise). */
async function resolvedByStreet(overrides: Record<string, unknown> = {}) {
  const w = await fileWhistle(stack, 'xiguan', overrides);
  await must(stack, 'wuhang', w.id, 'accept');
  await must(stack, 'wuhang', w.id, 'resolve', { result: '已处理' });
  return w.id;
}

describe('派单异议审核: the ruling on a return', () => {
  test('a triage after a return needs returnRuling (400 without, in Chinese); the ruling is on the timeline for the returning department', async () => {
    const id = await dispatchedWhistle(stack, ['urban']);
    await must(stack, 'urban', id, 'return', { reason: '不属于城管职能', kind: 'not_our_function' });
    const without = await act(stack, 'center', id, 'triage', { list: 'immediate', departmentIds: ['water'] });
    expect(without.status).toBe(400);
    expect(without.body.error.code).toBe('validation_failed');
    expect(without.body.error.messageZh).toMatch(/退单/);
    expect((await act(stack, 'center', id, 'triage', { list: 'immediate', departmentIds: ['water'], returnRuling: 'maybe' })).status).toBe(400);
    expect((await view(id)).status).toBe('escalated');
    const ruled = await must(stack, 'center', id, 'triage', { list: 'immediate', departmentIds: ['water'], returnRuling: 'rejected' });
    expect(ruled).toMatchObject({ status: 'dispatched', holder: 'water' });
    expect(types(ruled).slice(-3)).toEqual(['returned', 'return_ruled', 'triaged']);
    // The triage dialog shows the return's kind (退单类型) from the timeline, in the answer and in a read.
    expect(ruled.timeline.find((e: { type: string }) => e.type === 'returned')).toMatchObject({ actor: 'urban', kind: 'not_our_function' });
    expect((await view(id)).timeline.find((e: { type: string }) => e.type === 'returned')).toMatchObject({ kind: 'not_our_function' });
    expect(await entries(id, 'return_ruled')).toEqual([{ unit_id: 'urban', data: { ruling: 'rejected', kind: 'not_our_function' }, note: 'the return was rejected' }]);
  });

  test('returnRuling on any other triage is 400: escalated by the street, and reopened after a return was ruled on', async () => {
    const id = await escalatedWhistle(stack);
    const refused = await act(stack, 'center', id, 'triage', { list: 'immediate', departmentIds: ['urban'], returnRuling: 'upheld' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.messageZh).toMatch(/不是由部门退回/);
    const dispatched = await must(stack, 'center', id, 'triage', { list: 'immediate', departmentIds: ['urban'] });
    expect(types(dispatched)).not.toContain('return_ruled');
    // Returned, ruled (upheld), handled, then reopened: the next arrival is no return.
    await must(stack, 'urban', id, 'return', { reason: '非本单位职责' });
    await must(stack, 'center', id, 'triage', { list: 'immediate', departmentIds: ['water'], returnRuling: 'upheld' });
    await must(stack, 'water', id, 'accept');
    await must(stack, 'water', id, 'resolve', { result: '已处理' });
    await must(stack, 'xiguan', id, 'evaluate', { rating: 'unsatisfied' });
    expect((await act(stack, 'center', id, 'triage', { list: 'immediate', departmentIds: ['water'], returnRuling: 'upheld' })).status).toBe(400);
    await must(stack, 'center', id, 'triage', { list: 'immediate', departmentIds: ['water'] });
    expect(await entries(id, 'return_ruled')).toEqual([{ unit_id: 'urban', data: { ruling: 'upheld', kind: 'other' }, note: 'the return was upheld' }]);
  });
});

describe('回访: the callback of the reporter', () => {
  test('the center calls back once per resolution: the body is checked, the timeline and the view say it, the status stays', async () => {
    const id = await resolvedByStreet();
    expect((await view(id)).allowedActions).toContain('callback');
    expect((await view(id)).callback).toBeNull();
    expect((await act(stack, 'xiguan', id, 'callback', { reached: true, rating: 'satisfied' })).status).toBe(403);
    expect((await act(stack, 'wuhang', id, 'callback', { reached: true, rating: 'satisfied' })).status).toBe(403);
    const noRating = await act(stack, 'center', id, 'callback', { reached: true });
    expect(noRating.status).toBe(400);
    expect(noRating.body.error.messageZh).toMatch(/回访评价/);
    expect((await act(stack, 'center', id, 'callback', { reached: 'yes', rating: 'satisfied' })).status).toBe(400);
    const done = await must(stack, 'center', id, 'callback', { reached: true, rating: 'basically_satisfied', note: '群众基本满意' });
    expect(done.status).toBe('resolved');
    expect(done.callback).toEqual({ reached: true, rating: 'basically_satisfied', note: '群众基本满意', at: expect.any(String), by: expect.any(String) });
    expect(types(done).at(-1)).toBe('callback');
    expect(done.allowedActions).not.toContain('callback');
    expect(await entries(id, 'callback')).toEqual([
      { unit_id: 'wuhang', data: { reached: true, rating: 'basically_satisfied', note: '群众基本满意' }, note: '群众基本满意' }]);
    const again = await act(stack, 'center', id, 'callback', { reached: false });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('invalid_state');
    // Read back: the same callback, and the evaluation still open to the community.
    expect(await view(id)).toMatchObject({ status: 'resolved', callback: done.callback });
    expect((await view(id, 'xiguan')).allowedActions).toEqual(['evaluate']);
  });

  test('a reporter not reached needs no rating; a closed whistle may still be called back within the window', async () => {
    const id = await resolvedByStreet();
    await must(stack, 'xiguan', id, 'evaluate', { rating: 'satisfied' });
    expect((await view(id)).allowedActions).toEqual(['callback']);
    const done = await must(stack, 'center', id, 'callback', { reached: false, note: '电话无人接听' });
    expect(done).toMatchObject({ status: 'closed', callback: { reached: false, rating: null, note: '电话无人接听' } });
    // The callback was this resolution's last chance: the workflow has ended, and a second one is 409.
    await stack.client.workflow.getHandle(`whistle-${id}`).result();
    expect((await act(stack, 'center', id, 'callback', { reached: true, rating: 'satisfied' })).status).toBe(409);
  });

  test('after the window a callback is 409, resolved or closed (the closed whistle\'s workflow ends with its window)', async () => {
    const resolved = await resolvedByStreet();
    const closed = await resolvedByStreet();
    await must(stack, 'xiguan', closed, 'evaluate', { rating: 'satisfied' });
    await stack.client.workflow.getHandle(`whistle-${closed}`).result();
    const late = await act(stack, 'center', closed, 'callback', { reached: true, rating: 'satisfied' });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('invalid_state');
    await eventually(async () => !(await view(resolved)).allowedActions.includes('callback'), 20_000, 'the callback window to pass');
    const tooLate = await act(stack, 'center', resolved, 'callback', { reached: true, rating: 'satisfied' });
    expect(tooLate.status).toBe(409);
    expect(tooLate.body.error.messageZh).toMatch(/回访期限已过/);
    expect(types(await view(resolved))).not.toContain('callback');
  }, 60_000);

  test('reopened and resolved again: the earlier callback is no longer current and the new resolution gets a window of its own', async () => {
    const id = await resolvedByStreet();
    await must(stack, 'center', id, 'callback', { reached: true, rating: 'unsatisfied', note: '问题仍在' });
    const reopened = await must(stack, 'xiguan', id, 'evaluate', { rating: 'unsatisfied' });
    expect(reopened).toMatchObject({ status: 'escalated', callback: null });
    expect((await act(stack, 'center', id, 'callback', { reached: true, rating: 'satisfied' })).status).toBe(409);
    await must(stack, 'center', id, 'triage', { list: 'immediate', departmentIds: ['urban'] });
    await must(stack, 'urban', id, 'accept');
    await must(stack, 'urban', id, 'resolve', { result: '已彻底处理' });
    expect((await view(id)).allowedActions).toContain('callback');
    const second = await must(stack, 'center', id, 'callback', { reached: true, rating: 'satisfied' });
    expect(second.callback).toMatchObject({ reached: true, rating: 'satisfied', note: null });
    const rows = await entries(id, 'callback');
    expect(rows.map((r) => [r.unit_id, r.data.rating])).toEqual([['wuhang', 'unsatisfied'], ['urban', 'satisfied']]);
  });
});

describe('callbackDue=true: the callbacks due', () => {
  test('resolved and closed whistles with a phone on record, window open, no callback for the latest resolution; the center only', async () => {
    const due = await resolvedByStreet();
    const dueClosed = await resolvedByStreet();
    await must(stack, 'xiguan', dueClosed, 'evaluate', { rating: 'satisfied' });
    const noPhone = await resolvedByStreet({ reporter: undefined });
    const calledBack = await resolvedByStreet();
    await must(stack, 'center', calledBack, 'callback', { reached: true, rating: 'satisfied' });
    const open = (await fileWhistle(stack)).id;
    const listed = await dueIds();
    expect(listed).toEqual(expect.arrayContaining([due, dueClosed]));
    for (const id of [noPhone, calledBack, open]) expect(listed).not.toContain(id);
    expect((await callbackDue()).body.items.find((i: { id: string }) => i.id === dueClosed)).toMatchObject({ status: 'closed' });
    for (const as of ['xiguan', 'wuhang', 'urban', 'supervision']) expect((await callbackDue(as)).status).toBe(403);
    expect((await stack.call('center', 'GET', '/v1/whistles?callbackDue=yes')).status).toBe(400);
    // Once the window has passed it is no longer due.
    await eventually(async () => !(await dueIds()).includes(due), 20_000, 'the window to pass');
  }, 60_000);
});

describe('source, 未诉先办 and the knowledge base', () => {
  test('a community\'s filing is community; an Open311 client\'s is open311', async () => {
    expect((await fileWhistle(stack)).source).toBe('community');
    const res = await stack.app.inject({
      method: 'POST', url: '/open311/v2/requests.json', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ api_key: 'dev-xiguan', service_code: 'utilities', address_string: '江景花园5号楼',
        description: `路灯不亮 ${Date.now()}`, last_name: '李', first_name: '大爷', phone: '13800000001' }).toString(),
    });
    expect(res.statusCode).toBe(201);
    const id = JSON.parse(res.body)[0].service_request_id as string;
    expect((await view(id)).source).toBe('open311');
  });

  test('a proactive whistle is filed by the center dispatched at once, without a caller, once per round, occurrence and community', async () => {
    const input = { roundId: `round-${Date.now()}`, occurrence: '2026-06-01T00:00:00Z', communityId: 'xiguan', title: '汛前排水设施排查',
      description: '汛期前检查小区排水设施', category: 'utilities', list: 'immediate' as const, departmentIds: ['water', 'urban'],
      leadDepartmentId: 'urban' };
    const first = await stack.app.services.whistles.filing.fileProactive(input);
    expect(first.filed).toBe(true);
    const w = await view(first.id);
    expect(w).toMatchObject({
      source: 'proactive', status: 'dispatched', list: 'immediate', holder: 'urban', communityId: 'xiguan', streetId: 'wuhang',
      departments: [{ id: 'water', lead: false, status: 'dispatched' }, { id: 'urban', lead: true, status: 'dispatched' }],
    });
    expect(w.dueAt).not.toBeNull();
    expect(types(w)).toEqual(['filed', 'triaged']);
    expect(w.timeline.map((e: { actor: string }) => e.actor)).toEqual(['system', 'system']);
    expect(await stack.app.services.whistles.filing.fileProactive(input)).toEqual({ id: first.id, filed: false });
    expect(await stack.app.services.whistles.filing.fileProactive({ ...input, occurrence: '2026-07-01T00:00:00Z' }))
      .toMatchObject({ filed: true });
    // No street stage: the street is not told to accept; the departments are, and handle it.
    const told = await stack.pool.query('SELECT recipient_org_id FROM notifications WHERE subject_id = $1 AND kind = $2', [first.id, 'whistle_filed']);
    expect(told.rows).toEqual([]);
    expect((await act(stack, 'wuhang', first.id, 'accept')).status).toBe(409); // dispatched: nothing for the street to accept
    await must(stack, 'urban', first.id, 'accept');
    const resolved = await must(stack, 'urban', first.id, 'resolve', { result: '已排查' });
    expect(resolved).toMatchObject({ status: 'resolved', source: 'proactive' });
  });

  test('knowledge: related articles for the holder and the center, [] for everyone else', async () => {
    const made = await stack.call('center', 'POST', '/v1/knowledge', {
      title: `下水道堵塞疏通指引 ${Date.now()}`, body: '下水道堵塞、污水外溢时的疏通流程与责任单位', categories: ['utilities'],
    });
    expect(made.status).toBe(201);
    const w = await fileWhistle(stack);
    const ids = (v: { knowledge: Array<{ id: string; title: string }> }) => v.knowledge.map((k) => k.id);
    const center = await view(w.id, 'center');
    expect(center.knowledge.length).toBeLessThanOrEqual(5);
    expect(ids(center)).toContain(made.body.id);
    expect(center.knowledge.find((k: { id: string }) => k.id === made.body.id)).toEqual({ id: made.body.id, title: made.body.title });
    expect(ids(await view(w.id, 'wuhang'))).toContain(made.body.id); // the holder
    expect((await view(w.id, 'xiguan')).knowledge).toEqual([]);
    expect((await view(w.id, 'supervision')).knowledge).toEqual([]);
    await must(stack, 'wuhang', w.id, 'escalate', { reason: '无权处理' });
    expect((await view(w.id, 'wuhang')).knowledge).toEqual([]); // no longer the holder
  });
});
