/**
 * The whistle section of the contract, action by action: who may act, in which status, what
 * changes; filing and its validation; visibility. Deadlines are long here (see whistle-timers).
 */
import { startStack, filing, type Stack } from './support/stack';
import { act, dispatchedWhistle, escalatedWhistle, fileWhistle, must, resolvedWhistle, types } from './support/whistles';
import type { Json } from './support/json';

const LONG = { seconds: 600 };
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    policy: {
      street: { acceptWithin: LONG, acceptWithinUrgent: LONG, handleWithin: LONG },
      center: { triageWithin: LONG }, department: { acceptWithin: LONG },
      lists: { immediate: LONG, phased: LONG, understanding: LONG }, phased: { progressEvery: LONG }, evaluation: { window: LONG },
      maxReopens: 1,
    },
  });
});
afterAll(async () => { await stack.stop(); });

describe('filing (吹哨)', () => {
  test('a community blows the whistle: 201, filed, held by its street, timeline starts with the filing', async () => {
    const res = await stack.call('xiguan', 'POST', '/v1/whistles', filing({ urgent: true }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'filed', communityId: 'xiguan', streetId: 'wuhang', holder: 'wuhang', urgent: true, list: null,
      departments: [], overdue: false, reopenCount: 0, resolvedAt: null, closedAt: null, result: null, evaluation: null,
      category: 'utilities', location: { communityId: 'xiguan', address: '江景花园3号楼' },
    });
    expect(Date.parse(res.body.dueAt)).toBeGreaterThan(Date.parse(res.body.filedAt));
    expect(res.body.timeline).toEqual([{ at: res.body.filedAt, type: 'filed', actor: 'xiguan', actorName: '西关社区', note: null }]);
    expect(JSON.stringify(res.body)).not.toContain('13800000000');
  });

  test('a compound files for its community; the whistle goes to that community\'s street', async () => {
    const res = await stack.call('qinjiang-shuicheng', 'POST', '/v1/whistles', filing({ location: { compoundId: 'qinjiang-shuicheng' } }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ communityId: 'qinjiang', streetId: 'hangcheng', holder: 'hangcheng' });
  });

  test.each([
    ['an unknown field', { colour: 'red' }],
    ['an unknown category', { category: 'weather' }],
    ['an empty title', { title: '' }],
    ['a title over 200 characters', { title: '长'.repeat(201) }],
    ['a description over 5000 characters', { description: 'x'.repeat(5001) }],
    ['a latitude beyond 90°', { location: { lat: 91 } }],
    ['a longitude as text', { location: { lng: '119.5' } }],
    ['an unknown field in the location', { location: { floor: 3 } }],
    ['a title of the wrong type', { title: 42 }],
    ['urgent as text', { urgent: 'yes' }],
    ['a reporter without phone', { reporter: { name: '李' } }],
    ['a compound of another community', { location: { compoundId: 'dongguan-dongfang' } }],
  ])('%s is 400 validation_failed and files nothing', async (_what, overrides) => {
    const before = await stack.pool.query('SELECT count(*)::int AS n FROM whistles');
    const res = await stack.call('xiguan', 'POST', '/v1/whistles', filing(overrides as Record<string, unknown>));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    const after = await stack.pool.query('SELECT count(*)::int AS n FROM whistles');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  test('a missing title, description or category is 400', async () => {
    for (const field of ['title', 'description', 'category']) {
      const body = filing();
      delete body[field];
      const res = await stack.call('xiguan', 'POST', '/v1/whistles', body);
      expect([field, res.status]).toEqual([field, 400]);
    }
  });

  test('a filing without a location is for the caller\'s community; a compound\'s account files for its compound', async () => {
    const body = filing();
    delete body.location;
    const community = await stack.call('xiguan', 'POST', '/v1/whistles', body);
    expect(community.status).toBe(201);
    expect(community.body.location).toEqual({ communityId: 'xiguan' });
    expect(community.body.streetId).toBe('wuhang');
    const compound = await stack.call('xiguan-jiangjing', 'POST', '/v1/whistles', body);
    expect(compound.status).toBe(201);
    expect(compound.body.location).toEqual({ communityId: 'xiguan', compoundId: 'xiguan-jiangjing' });
  });

  test('only community accounts file; a street, a department or a resident is 403', async () => {
    for (const as of ['wuhang', 'urban', 'xiguan-resident-1', 'center']) {
      const res = await stack.call(as, 'POST', '/v1/whistles', filing());
      expect([as, res.status, res.body.error.code]).toEqual([as, 403, 'forbidden']);
    }
  });

  test('a community cannot file for another community (403)', async () => {
    const res = await stack.call('xiguan', 'POST', '/v1/whistles', filing({ location: { communityId: 'dongguan' } }));
    expect(res.status).toBe(403);
  });

  test('the same Idempotency-Key from the same account returns the same whistle, even concurrently', async () => {
    const key = `key-${Date.now()}`;
    const results = await Promise.all(Array.from({ length: 6 }, () =>
      stack.call('xiguan', 'POST', '/v1/whistles', filing(), { 'idempotency-key': key })));
    const ids = new Set(results.map((r) => r.body.id));
    expect(results.map((r) => r.status)).toEqual(Array(6).fill(201));
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    const rows = await stack.pool.query('SELECT count(*)::int AS n FROM whistle_events WHERE whistle_id = $1 AND type = $2', [id, 'filed']);
    expect(rows.rows[0].n).toBe(1);
    const other = await stack.call('dongguan', 'POST', '/v1/whistles', filing(), { 'idempotency-key': key });
    expect(other.body.id).not.toBe(id);
  });

  test('a retried filing after the whistle ended returns that whistle, not a new one', async () => {
    const key = `ended-${Date.now()}`;
    const first = await stack.call('xiguan', 'POST', '/v1/whistles', filing(), { 'idempotency-key': key });
    await must(stack, 'xiguan', first.body.id, 'withdraw', { reason: '已自行解决' });
    const again = await stack.call('xiguan', 'POST', '/v1/whistles', filing(), { 'idempotency-key': key });
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.status).toBe('withdrawn');
  });
});

describe('visibility', () => {
  test('the filing community, its street, the center and supervisors see it; others get not_found', async () => {
    const w = await fileWhistle(stack);
    for (const as of ['xiguan', 'wuhang', 'center', 'supervision']) {
      expect([as, (await stack.call(as, 'GET', `/v1/whistles/${w.id}`)).status]).toEqual([as, 200]);
    }
    for (const as of ['dongguan', 'hangcheng', 'urban', 'xiguan-member-1', 'xiguan-resident-1', 'xiguan-jiangjing']) {
      const res = await stack.call(as, 'GET', `/v1/whistles/${w.id}`);
      expect([as, res.status, res.body.error?.code]).toEqual([as, 404, 'not_found']);
    }
  });

  test('a department sees a whistle once it is dispatched to it, and still after returning it', async () => {
    const id = await dispatchedWhistle(stack, ['urban']);
    expect((await stack.call('urban', 'GET', `/v1/whistles/${id}`)).status).toBe(200);
    expect((await stack.call('water', 'GET', `/v1/whistles/${id}`)).status).toBe(404);
    await must(stack, 'urban', id, 'return', { reason: '不属于本部门' });
    expect((await stack.call('urban', 'GET', `/v1/whistles/${id}`)).status).toBe(200);
  });

  test('an unknown whistle is 404 for reads and actions', async () => {
    expect((await stack.call('center', 'GET', '/v1/whistles/doesnotexist')).status).toBe(404);
    expect((await act(stack, 'center', 'doesnotexist', 'triage', { list: 'immediate', departmentIds: ['urban'] })).status).toBe(404);
  });
});

describe('the street answers first (镇街优先报到)', () => {
  test('the street accepts (报到), reports progress and resolves; feedback goes to the community', async () => {
    const w = await fileWhistle(stack);
    expect((await must(stack, 'wuhang', w.id, 'accept')).status).toBe('street_handling');
    const progressed = await must(stack, 'wuhang', w.id, 'progress', { note: '已派人查看' });
    expect(progressed.timeline.at(-1)).toMatchObject({ type: 'progress', actor: 'wuhang', note: '已派人查看' });
    const resolved = await must(stack, 'wuhang', w.id, 'resolve', { result: '已疏通' });
    expect(resolved).toMatchObject({ status: 'resolved', result: '已疏通', outcome: 'solved', holder: 'xiguan' });
    expect(resolved.resolvedAt).toEqual(expect.any(String));
    const feedback = await stack.pool.query("SELECT count(*)::int AS n FROM notifications WHERE subject_id = $1 AND kind = 'feedback' AND recipient_org_id = 'xiguan'", [w.id]);
    expect(feedback.rows[0].n).toBe(1);
  });

  test('accept: twice is 409, by another street 404, by the community or the center 403', async () => {
    const w = await fileWhistle(stack);
    expect((await act(stack, 'xiguan', w.id, 'accept')).status).toBe(403);
    expect((await act(stack, 'center', w.id, 'accept')).status).toBe(403);
    expect((await act(stack, 'hangcheng', w.id, 'accept')).status).toBe(404);
    await must(stack, 'wuhang', w.id, 'accept');
    const twice = await act(stack, 'wuhang', w.id, 'accept');
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('invalid_state');
  });

  test('accept with a body is 400; progress before accepting is 409; resolve without result is 400', async () => {
    const w = await fileWhistle(stack);
    expect((await act(stack, 'wuhang', w.id, 'accept', { note: 'x' })).status).toBe(400);
    expect((await act(stack, 'wuhang', w.id, 'progress', { note: '进展' })).status).toBe(409);
    expect((await act(stack, 'wuhang', w.id, 'resolve', { result: '好' })).status).toBe(409);
    await must(stack, 'wuhang', w.id, 'accept');
    expect((await act(stack, 'wuhang', w.id, 'resolve', {})).status).toBe(400);
    expect((await act(stack, 'wuhang', w.id, 'resolve', { result: 'x', outcome: 'maybe' })).status).toBe(400);
  });

  test('accept takes no body: none, null or {} is the same accept; a field or another value is 400 and accepts nothing', async () => {
    for (const body of [{ note: 'x' }, [], '"x"', 'true']) {
      const w = await fileWhistle(stack);
      const refused = await act(stack, 'wuhang', w.id, 'accept', body);
      expect([JSON.stringify(body), refused.status, refused.body.error.code]).toEqual([JSON.stringify(body), 400, 'validation_failed']);
      expect((await stack.call('wuhang', 'GET', `/v1/whistles/${w.id}`)).body.status).toBe('filed');
    }
    expect((await act(stack, 'wuhang', (await fileWhistle(stack)).id, 'accept', { note: 'x' })).body.error.message).toBe('body: unknown field "note"');
    for (const body of [undefined, 'null', {}, '']) {
      const w = await fileWhistle(stack);
      const accepted = await act(stack, 'wuhang', w.id, 'accept', body);
      expect([JSON.stringify(body), accepted.status, accepted.body.status]).toEqual([JSON.stringify(body), 200, 'street_handling']);
    }
  });

  test('the street escalates from filed or street_handling; the whistle goes to the center', async () => {
    const a = await fileWhistle(stack);
    const up = await must(stack, 'wuhang', a.id, 'escalate', { reason: '涉及市政管网' });
    expect(up).toMatchObject({ status: 'escalated', holder: 'center' });
    expect(up.timeline.at(-1)).toMatchObject({ type: 'escalated', actor: 'wuhang', note: '涉及市政管网' });
    const b = await fileWhistle(stack);
    await must(stack, 'wuhang', b.id, 'accept');
    expect((await must(stack, 'wuhang', b.id, 'escalate', { reason: '需要部门' })).status).toBe('escalated');
    expect((await act(stack, 'wuhang', b.id, 'escalate', { reason: 'again' })).status).toBe(409);
  });

  test('a supervisor escalates early; the center or a community may not (403)', async () => {
    const w = await fileWhistle(stack);
    expect((await act(stack, 'center', w.id, 'escalate', { reason: 'x' })).status).toBe(403);
    expect((await act(stack, 'xiguan', w.id, 'escalate', { reason: 'x' })).status).toBe(403);
    const up = await must(stack, 'supervision', w.id, 'escalate', { reason: '群众反映强烈' });
    expect(up.timeline.at(-1)).toMatchObject({ type: 'escalated', actor: 'supervision' });
  });

  test('the filing community withdraws while the street holds it; later it is 409; others 403', async () => {
    const w = await fileWhistle(stack);
    expect((await act(stack, 'wuhang', w.id, 'withdraw', { reason: 'x' })).status).toBe(403);
    const gone = await must(stack, 'xiguan', w.id, 'withdraw', { reason: '已自行解决' });
    expect(gone).toMatchObject({ status: 'withdrawn', holder: null });
    expect((await act(stack, 'wuhang', w.id, 'accept')).status).toBe(409);
    const id = await escalatedWhistle(stack);
    expect((await act(stack, 'xiguan', id, 'withdraw', { reason: 'x' })).status).toBe(409);
  });
});

describe('retrying an action', () => {
  test('an action retried with the same Idempotency-Key is applied once and answered again', async () => {
    const w = await fileWhistle(stack);
    const key = { 'idempotency-key': `accept-${w.id}` };
    const first = await stack.call('wuhang', 'POST', `/v1/whistles/${w.id}/accept`, undefined, key);
    const again = await stack.call('wuhang', 'POST', `/v1/whistles/${w.id}/accept`, undefined, key);
    expect([first.status, again.status]).toEqual([200, 200]);
    const note = { 'idempotency-key': `progress-${w.id}` };
    await stack.call('wuhang', 'POST', `/v1/whistles/${w.id}/progress`, { note: '已到现场' }, note);
    const retried = await stack.call('wuhang', 'POST', `/v1/whistles/${w.id}/progress`, { note: '已到现场' }, note);
    expect(retried.status).toBe(200);
    const view = (await stack.call('wuhang', 'GET', `/v1/whistles/${w.id}`)).body;
    expect(types(view)).toEqual(['filed', 'accepted', 'progress']);
    // Without a key the second accept is refused as usual.
    expect((await act(stack, 'wuhang', w.id, 'accept')).status).toBe(409);
  });
});

describe('the center sorts into three lists (三单) and dispatches (精准派单)', () => {
  test('triage dispatches several departments with a lead; the lead holds it; due date follows the list', async () => {
    const id = await escalatedWhistle(stack);
    const view = await must(stack, 'center', id, 'triage', { list: 'phased', departmentIds: ['urban', 'water'], leadDepartmentId: 'water', note: '阶段性' });
    expect(view).toMatchObject({
      status: 'dispatched', list: 'phased', holder: 'water',
      departments: [{ id: 'urban', lead: false, status: 'dispatched' }, { id: 'water', lead: true, status: 'dispatched' }],
    });
    expect(view.timeline.at(-1)).toMatchObject({ type: 'triaged', actor: 'center', note: '阶段性' });
  });

  test('a single department leads by itself', async () => {
    const id = await escalatedWhistle(stack);
    const view = await must(stack, 'center', id, 'triage', { list: 'immediate', departmentIds: ['housing'] });
    expect(view.departments).toEqual([{ id: 'housing', lead: true, status: 'dispatched' }]);
  });

  test.each([
    ['several departments without a lead', { list: 'immediate', departmentIds: ['urban', 'water'] }],
    ['a lead that is not dispatched', { list: 'immediate', departmentIds: ['urban'], leadDepartmentId: 'water' }],
    ['an unknown department', { list: 'immediate', departmentIds: ['weather-bureau'] }],
    ['a street instead of a department', { list: 'immediate', departmentIds: ['wuhang'] }],
    ['an unknown list', { list: 'someday', departmentIds: ['urban'] }],
    ['no departments', { list: 'immediate', departmentIds: [] }],
    ['the same department twice', { list: 'immediate', departmentIds: ['urban', 'urban'], leadDepartmentId: 'urban' }],
  ])('triage with %s is 400 and changes nothing', async (_what, body) => {
    const id = await escalatedWhistle(stack);
    const res = await act(stack, 'center', id, 'triage', body);
    expect(res.status).toBe(400);
    expect((await stack.call('center', 'GET', `/v1/whistles/${id}`)).body.status).toBe('escalated');
  });

  test('only the center triages, and only an escalated whistle', async () => {
    const id = await escalatedWhistle(stack);
    expect((await act(stack, 'supervision', id, 'triage', { list: 'immediate', departmentIds: ['urban'] })).status).toBe(403);
    const w = await fileWhistle(stack);
    expect((await act(stack, 'center', w.id, 'triage', { list: 'immediate', departmentIds: ['urban'] })).status).toBe(409);
  });
});

describe('departments report (报到), handle, return and the lead resolves', () => {
  test('each dispatched department accepts; only the lead resolves', async () => {
    const id = await dispatchedWhistle(stack, ['urban', 'water']);
    expect((await act(stack, 'housing', id, 'accept')).status).toBe(404);
    const first = await must(stack, 'water', id, 'accept');
    expect(first.status).toBe('department_handling');
    expect(first.departments.find((d: { id: string }) => d.id === 'water').status).toBe('handling');
    expect((await act(stack, 'water', id, 'accept')).status).toBe(409);
    await must(stack, 'urban', id, 'accept');
    await must(stack, 'water', id, 'progress', { note: '配合中' });
    expect((await act(stack, 'water', id, 'resolve', { result: 'x' })).status).toBe(403);
    expect((await act(stack, 'wuhang', id, 'resolve', { result: 'x' })).status).toBe(409);
    const done = await must(stack, 'urban', id, 'resolve', { result: '已完成管网维修' });
    expect(done).toMatchObject({ status: 'resolved', result: '已完成管网维修', holder: 'xiguan' });
  });

  test('an understanding-list item is resolved with an explanation (谅解)', async () => {
    const id = await dispatchedWhistle(stack, ['planning'], 'understanding');
    await must(stack, 'planning', id, 'accept');
    const done = await must(stack, 'planning', id, 'resolve', { result: '受规划政策限制，暂无法实施，已向群众解释' });
    expect(done.outcome).toBe('explained');
  });

  test('a department returns a whistle that is not theirs; the center dispatches again', async () => {
    const id = await dispatchedWhistle(stack, ['urban']);
    expect((await act(stack, 'center', id, 'return', { reason: 'x' })).status).toBe(403);
    const back = await must(stack, 'urban', id, 'return', { reason: '不属于城管职责' });
    expect(back).toMatchObject({ status: 'escalated', holder: 'center' });
    expect(back.departments[0]).toMatchObject({ id: 'urban', status: 'returned' });
    expect((await act(stack, 'urban', id, 'accept')).status).toBe(403);
    const again = await must(stack, 'center', id, 'triage', { list: 'immediate', departmentIds: ['water'], returnRuling: 'upheld' });
    expect(again.departments).toEqual([{ id: 'water', lead: true, status: 'dispatched' }]);
    expect(types(again)).toEqual(['filed', 'escalated', 'triaged', 'returned', 'return_ruled', 'triaged']);
  });

  test('progress by someone who does not hold it is 403', async () => {
    const id = await dispatchedWhistle(stack, ['urban']);
    await must(stack, 'urban', id, 'accept');
    expect((await act(stack, 'center', id, 'progress', { note: 'x' })).status).toBe(403);
    expect((await act(stack, 'wuhang', id, 'progress', { note: 'x' })).status).toBe(409);
  });
});

describe('supervision (督办) and evaluation (群众评单)', () => {
  test('a supervisor urges an open whistle; it is timeline and a notification to the holder', async () => {
    const w = await fileWhistle(stack);
    expect((await act(stack, 'wuhang', w.id, 'urge', { note: 'x' })).status).toBe(403);
    const urged = await must(stack, 'supervision', w.id, 'urge', { note: '请尽快报到' });
    expect(urged.timeline.at(-1)).toMatchObject({ type: 'urged', actor: 'supervision', note: '请尽快报到' });
    const n = await stack.pool.query("SELECT recipient_org_id FROM notifications WHERE subject_id = $1 AND kind = 'urged'", [w.id]);
    expect(n.rows.map((r) => r.recipient_org_id)).toEqual(expect.arrayContaining(['wuhang', 'supervision', 'center']));
  });

  test('the filing community evaluates: satisfied closes it with the evaluation', async () => {
    const id = await resolvedWhistle(stack);
    expect((await act(stack, 'wuhang', id, 'evaluate', { rating: 'satisfied' })).status).toBe(403);
    expect((await act(stack, 'xiguan', id, 'evaluate', { rating: 'great' })).status).toBe(400);
    const closed = await must(stack, 'xiguan', id, 'evaluate', { rating: 'satisfied', comment: '处理及时' });
    expect(closed).toMatchObject({ status: 'closed', holder: null, evaluation: { rating: 'satisfied', comment: '处理及时' } });
    expect(closed.closedAt).toEqual(expect.any(String));
    expect((await act(stack, 'xiguan', id, 'evaluate', { rating: 'satisfied' })).status).toBe(409);
    expect((await act(stack, 'supervision', id, 'urge', { note: 'x' })).status).toBe(409);
  });

  test('evaluate before resolution is 409', async () => {
    const w = await fileWhistle(stack);
    expect((await act(stack, 'xiguan', w.id, 'evaluate', { rating: 'satisfied' })).status).toBe(409);
  });

  test('unsatisfied reopens to the center up to maxReopens, then closes', async () => {
    const id = await resolvedWhistle(stack);
    const reopened = await must(stack, 'xiguan', id, 'evaluate', { rating: 'unsatisfied', comment: '仍未解决' });
    expect(reopened).toMatchObject({ status: 'escalated', holder: 'center', reopenCount: 1, evaluation: null, resolvedAt: null });
    expect(types(reopened).slice(-2)).toEqual(['evaluated', 'reopened']);
    await must(stack, 'center', id, 'triage', { list: 'immediate', departmentIds: ['urban'] });
    await must(stack, 'urban', id, 'accept');
    await must(stack, 'urban', id, 'resolve', { result: '再次处理' });
    const closed = await must(stack, 'xiguan', id, 'evaluate', { rating: 'unsatisfied' });
    expect(closed).toMatchObject({ status: 'closed', reopenCount: 1, evaluation: { rating: 'unsatisfied' } });
  });
});

describe('listing', () => {
  test('lists newest first, only what the caller may see, with filters and a cursor', async () => {
    const a = await fileWhistle(stack, 'dongguan');
    const b = await fileWhistle(stack, 'dongguan');
    await must(stack, 'wuhang', b.id, 'escalate', { reason: 'x' });
    const mine = await stack.call('dongguan', 'GET', '/v1/whistles?limit=100');
    expect(mine.status).toBe(200);
    const ids = mine.body.items.map((w: { id: string }) => w.id);
    expect(ids.indexOf(b.id)).toBeLessThan(ids.indexOf(a.id));
    expect(mine.body.items.every((w: { communityId: string }) => w.communityId === 'dongguan')).toBe(true);

    const escalated = await stack.call('center', 'GET', '/v1/whistles?status=escalated&communityId=dongguan&limit=100');
    expect(escalated.body.items.map((w: { id: string }) => w.id)).toContain(b.id);
    expect(escalated.body.items.map((w: { id: string }) => w.id)).not.toContain(a.id);

    const other = await stack.call('hangcheng', 'GET', '/v1/whistles?limit=100');
    expect(other.body.items.some((w: { streetId: string }) => w.streetId !== 'hangcheng')).toBe(false);
    expect((await stack.call('xiguan-resident-1', 'GET', '/v1/whistles')).body.items).toEqual([]);
  });

  test('pages with nextCursor until the end, without repeats', async () => {
    for (let i = 0; i < 3; i++) await fileWhistle(stack, 'zhenghe');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: Json } = await stack.call('zhenghe', 'GET', `/v1/whistles?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((w: { id: string }) => w.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(3);
  });

  test.each([
    'status=bogus', 'list=someday', 'streetId=nowhere', 'communityId=wuhang', 'departmentId=xiguan', 'overdue=maybe',
    'limit=0', 'limit=101', 'limit=abc', 'cursor=notacursor', 'colour=red',
  ])('an unknown or bad filter (%s) is 400, not an empty page', async (query) => {
    const res = await stack.call('center', 'GET', `/v1/whistles?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
  });

  test('departmentId and overdue filters select what they say', async () => {
    const id = await dispatchedWhistle(stack, ['market']);
    const res = await stack.call('center', 'GET', '/v1/whistles?departmentId=market&overdue=false&limit=100');
    expect(res.body.items.map((w: { id: string }) => w.id)).toContain(id);
    const overdue = await stack.call('center', 'GET', '/v1/whistles?departmentId=market&overdue=true&limit=100');
    expect(overdue.body.items.map((w: { id: string }) => w.id)).not.toContain(id);
  });
});
