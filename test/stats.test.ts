/**
 * Statistics like the seed reports them (matters handled, by list, by status, evaluations,
 * satisfaction), over the whistles filed in a range of Asia/Shanghai days.
 */
import { shanghaiDay } from '../domain/shanghai-time';
import { eventually, filing, startStack, type Stack } from './support/stack';

const LONG = { seconds: 900 };
let stack: Stack;

/** Hand-built whistles of May 2024 (and just outside it), with the timeline entries the figures read. */
const MAY_2024: Array<{ id: string; filedAt: string; status: string; list: string | null; events: Array<[string, Record<string, unknown>?]> }> = [
  { id: 'stats-a', filedAt: '2024-05-01T00:00:00+08:00', status: 'closed', list: null, events: [['evaluated', { rating: 'satisfied' }]] },
  { id: 'stats-b', filedAt: '2024-05-10T12:00:00+08:00', status: 'closed', list: 'immediate',
    events: [['escalated'], ['overdue', { deadline: 'lists.immediate' }], ['overdue', { deadline: 'department.accept' }],
      ['evaluated', { rating: 'unsatisfied' }], ['reopened'], ['triaged', {}], ['evaluated', { rating: 'basically_satisfied' }]] },
  { id: 'stats-c', filedAt: '2024-05-12T08:00:00+08:00', status: 'resolved', list: 'phased', events: [['deadline_escalation']] },
  { id: 'stats-d', filedAt: '2024-05-20T08:00:00+08:00', status: 'department_handling', list: 'understanding',
    events: [['escalated'], ['triaged', { followedSuggestion: false }], ['returned'], ['triaged', { followedSuggestion: true }]] },
  { id: 'stats-e', filedAt: '2024-05-31T23:59:59+08:00', status: 'withdrawn', list: null, events: [] },
  { id: 'stats-f', filedAt: '2024-05-25T08:00:00+08:00', status: 'filed', list: null, events: [['overdue', { deadline: 'street.accept' }]] },
  // Outside May in Asia/Shanghai, though 2024-05-31T16:30Z is still 31 May in UTC.
  { id: 'stats-g', filedAt: '2024-04-30T23:59:59+08:00', status: 'closed', list: 'immediate', events: [['evaluated', { rating: 'satisfied' }]] },
  { id: 'stats-h', filedAt: '2024-06-01T00:30:00+08:00', status: 'closed', list: 'phased', events: [['evaluated', { rating: 'satisfied' }]] },
];

beforeAll(async () => {
  stack = await startStack({
    policy: {
      street: { acceptWithin: LONG, acceptWithinUrgent: LONG, handleWithin: LONG },
      center: { triageWithin: LONG }, department: { acceptWithin: LONG },
      lists: { immediate: LONG, phased: LONG, understanding: LONG }, evaluation: { window: LONG },
    },
  });
  for (const w of MAY_2024) {
    await stack.pool.query(
      `INSERT INTO whistles (id, version, status, list, category, filer_org_id, community_id, street_id, filed_at, view)
       VALUES ($1, 1, $2, $3, 'other', 'xianqi', 'xianqi', 'zhanggang', $4, '{}')`, [w.id, w.status, w.list, w.filedAt]);
    let seq = 0;
    for (const [type, data] of [['filed'] as [string], ...w.events]) {
      await stack.pool.query(
        `INSERT INTO whistle_events (whistle_id, seq, at, type, actor, unit_id, data) VALUES ($1, $2, $3, $4, 'test', NULL, $5)`,
        [w.id, ++seq, w.filedAt, type, JSON.stringify(data ?? {})]);
    }
  }
}, 60_000);

afterAll(async () => {
  await stack?.pool.query("DELETE FROM whistle_events WHERE whistle_id LIKE 'stats-%'");
  await stack?.pool.query("DELETE FROM whistles WHERE id LIKE 'stats-%'");
  await stack?.stop();
});

describe('statistics of a range of days', () => {
  test('May 2024 counts exactly the whistles filed from 1 to 31 May in Asia/Shanghai', async () => {
    const res = await stack.call('center', 'GET', '/v1/stats?from=2024-05-01&to=2024-05-31');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      from: '2024-05-01', to: '2024-05-31',
      filed: 6,
      mattersHandled: 3,
      byList: { immediate: 1, phased: 1, understanding: 1 },
      byStatus: { filed: 1, street_handling: 0, escalated: 0, dispatched: 0, department_handling: 1, resolved: 1, closed: 2, withdrawn: 1, merged: 0 },
      evaluations: { total: 3, satisfied: 1, basicallySatisfied: 1, unsatisfied: 1 },
      satisfactionRate: 0.6667,
      overdue: 3, // b (twice, one whistle), c (deadline escalation), f
      escalated: 3, // b, c, d
      // b dispatched once before the catalogue existed; d twice, the second time as the catalogue suggests.
      triage: { dispatches: 3, withSuggestion: 2, followedSuggestion: 1, followedRate: 0.5 },
      // Hand-built whistles were not filed through the API: no suggestion was recorded for them.
      suggestion: { categoryTop1Rate: null, departmentTop1Rate: null },
    });
  });

  test('one day alone, and a range with nothing in it', async () => {
    const day = await stack.call('supervision', 'GET', '/v1/stats?from=2024-05-31&to=2024-05-31');
    expect(day.body).toMatchObject({ filed: 1, byStatus: { withdrawn: 1 }, mattersHandled: 0, satisfactionRate: null });
    const none = await stack.call('center', 'GET', '/v1/stats?from=2024-07-01&to=2024-07-31');
    expect(none.body).toMatchObject({ filed: 0, mattersHandled: 0, evaluations: { total: 0 }, satisfactionRate: null, overdue: 0, escalated: 0 });
  });

  test('without from and to it is all time: the hand-built whistles count too', async () => {
    const all = await stack.call('center', 'GET', '/v1/stats');
    expect(all.status).toBe(200);
    expect(all.body.from).toBeNull();
    expect(all.body.to).toBeNull();
    expect(all.body.filed).toBeGreaterThanOrEqual(MAY_2024.length);
    const sum = Object.values(all.body.byStatus as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(sum).toBe(all.body.filed);
    const since = await stack.call('center', 'GET', '/v1/stats?from=2024-05-01');
    expect(since.body.filed).toBe(all.body.filed - 1); // all but stats-g
    const until = await stack.call('center', 'GET', '/v1/stats?to=2024-05-31');
    expect(until.body.filed).toBe(7); // stats-a … stats-g
  });

  test('real whistles of today: filed, handled, evaluated', async () => {
    const today = shanghaiDay(new Date());
    const url = `/v1/stats?from=${today}&to=${today}`;
    const before = (await stack.call('center', 'GET', url)).body;
    const open = await stack.call('xianqi', 'POST', '/v1/whistles', filing({ title: '海滨小区路面塌陷' }));
    const done = await stack.call('xianqi', 'POST', '/v1/whistles', filing({ title: '仙岐社区垃圾桶破损' }));
    expect(open.status).toBe(201);
    expect((await stack.call('zhanggang', 'POST', `/v1/whistles/${done.body.id}/accept`)).status).toBe(200);
    expect((await stack.call('zhanggang', 'POST', `/v1/whistles/${done.body.id}/resolve`, { result: '已更换垃圾桶' })).status).toBe(200);
    expect((await stack.call('xianqi', 'POST', `/v1/whistles/${done.body.id}/evaluate`, { rating: 'satisfied' })).status).toBe(200);
    const after = await eventually(async () => {
      const body = (await stack.call('center', 'GET', url)).body;
      return body.evaluations.total > before.evaluations.total ? body : undefined;
    }, 10_000, 'the evaluation in the figures');
    expect(after.filed - before.filed).toBe(2);
    expect(after.mattersHandled - before.mattersHandled).toBe(1);
    expect(after.byStatus.closed - before.byStatus.closed).toBe(1);
    expect(after.byStatus.filed - before.byStatus.filed).toBe(1);
    expect(after.evaluations.satisfied - before.evaluations.satisfied).toBe(1);
  });
});

describe('who may ask, and what', () => {
  test('every account may read the district figures (they are the published kind, no personal data); no key is 401', async () => {
    const reference = (await stack.call('center', 'GET', '/v1/stats?from=2020-01-01&to=2020-12-31')).body;
    for (const who of ['supervision', 'wuhang', 'urban', 'xianqi', 'xianqi-member-1']) {
      const res = await stack.call(who, 'GET', '/v1/stats?from=2020-01-01&to=2020-12-31');
      expect([who, res.status]).toEqual([who, 200]);
      expect(res.body).toEqual(reference);
    }
    expect((await stack.call(null, 'GET', '/v1/stats')).status).toBe(401);
  });

  test('a bad date, a date that does not exist, or from after to is 400 validation_failed', async () => {
    for (const q of ['from=2024-13-01', 'from=2024-02-30', 'to=yesterday', 'from=2024-5-1', 'from=2024-05-02&to=2024-05-01', 'when=today']) {
      const res = await stack.call('center', 'GET', `/v1/stats?${q}`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
  });
});
