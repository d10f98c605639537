/**
 * 定期验单: every street and department gets a row per quarter, counted from the timeline.
 * A hand-built 2025-Q1 (rows inserted into whistle_events) is checked column by column against
 * counts made by hand; real whistles driven through the API are checked for the current quarter.
 */
import { quarterOf } from '../lib/calendar';
import { ConfigError, readConfig } from '../lib/config';
import { scoreOf, type Assessment } from '../api/services/assessments';
import { assessmentCsv } from '../api/services/assessment-csv';
import { eventually, filing, startStack, type Stack, quietPolicy } from './support/stack';

let stack: Stack;

type Ev = [seq: number, at: string, type: string, unit: string | null, data?: Record<string, unknown>];

/** The hand-built quarter. Times are Asia/Shanghai (+08:00). */
const HAND_BUILT: Record<string, Ev[]> = {
  // The street accepts and resolves on time; satisfied.
  'asmt-w1': [
    [1, '2025-01-06T09:00:00+08:00', 'filed', 'wuhang'],
    [2, '2025-01-06T10:00:00+08:00', 'accepted', 'wuhang', { onTime: true }],
    [3, '2025-01-07T10:00:00+08:00', 'resolved', 'wuhang', { onTime: true, outcome: 'solved', list: null }],
    [4, '2025-01-08T10:00:00+08:00', 'evaluated', 'wuhang', { rating: 'satisfied' }],
    [5, '2025-01-08T10:00:00+08:00', 'closed', null],
  ],
  // The street is late and the deadline escalates it; two departments, the lead urged and late; basically satisfied.
  'asmt-w2': [
    [1, '2025-02-10T09:00:00+08:00', 'filed', 'wuhang'],
    [2, '2025-02-11T00:00:00+08:00', 'overdue', 'wuhang', { deadline: 'street.accept' }],
    [3, '2025-02-14T00:00:00+08:00', 'deadline_escalation', 'wuhang', { from: 'street' }],
    [4, '2025-02-14T09:00:00+08:00', 'triaged', 'center', { list: 'immediate', departmentIds: ['urban', 'water'], lead: 'urban' }],
    [5, '2025-02-14T10:00:00+08:00', 'accepted', 'urban', { onTime: true }],
    [6, '2025-02-15T00:00:00+08:00', 'overdue', 'water', { deadline: 'department.accept' }],
    [7, '2025-02-15T09:00:00+08:00', 'accepted', 'water', { onTime: false }],
    [8, '2025-02-17T09:00:00+08:00', 'urged', 'urban'],
    [9, '2025-02-20T00:00:00+08:00', 'overdue', 'urban', { deadline: 'lists.immediate' }],
    [10, '2025-02-21T09:00:00+08:00', 'resolved', 'urban', { onTime: false, outcome: 'solved', list: 'immediate' }],
    [11, '2025-02-22T09:00:00+08:00', 'evaluated', 'urban', { rating: 'basically_satisfied' }],
    [12, '2025-02-22T09:00:00+08:00', 'closed', null],
  ],
  // The street escalates; water returns it; housing resolves, unsatisfied reopens it, housing gets it again.
  'asmt-w3': [
    [1, '2025-03-03T09:00:00+08:00', 'filed', 'hangcheng'],
    [2, '2025-03-03T10:00:00+08:00', 'accepted', 'hangcheng', { onTime: true }],
    [3, '2025-03-04T10:00:00+08:00', 'escalated', 'hangcheng', { from: 'street' }],
    [4, '2025-03-04T11:00:00+08:00', 'triaged', 'center', { list: 'phased', departmentIds: ['water'], lead: 'water' }],
    [5, '2025-03-04T12:00:00+08:00', 'accepted', 'water', { onTime: true }],
    [6, '2025-03-05T12:00:00+08:00', 'returned', 'water'],
    [7, '2025-03-05T15:00:00+08:00', 'triaged', 'center', { list: 'phased', departmentIds: ['housing'], lead: 'housing' }],
    [8, '2025-03-05T16:00:00+08:00', 'accepted', 'housing', { onTime: true }],
    [9, '2025-03-10T16:00:00+08:00', 'resolved', 'housing', { onTime: true, outcome: 'solved', list: 'phased' }],
    [10, '2025-03-11T16:00:00+08:00', 'evaluated', 'housing', { rating: 'unsatisfied' }],
    [11, '2025-03-11T16:00:00+08:00', 'reopened', 'center', { from: 'community' }],
    [12, '2025-03-20T09:00:00+08:00', 'triaged', 'center', { list: 'phased', departmentIds: ['housing'], lead: 'housing' }],
    [13, '2025-03-22T09:00:00+08:00', 'accepted', 'housing', { onTime: false }],
    [14, '2025-03-23T09:00:00+08:00', 'urged', 'housing'],
    [15, '2025-04-10T09:00:00+08:00', 'resolved', 'housing', { onTime: true, outcome: 'solved', list: 'phased' }],
    [16, '2025-04-11T09:00:00+08:00', 'evaluated', 'housing', { rating: 'satisfied' }],
    [17, '2025-04-11T09:00:00+08:00', 'closed', null],
  ],
  // Filed on the quarter's last evening: the street's receipt is Q1; the dispatch happens in Q2.
  'asmt-w4': [
    [1, '2025-03-31T23:30:00+08:00', 'filed', 'wuhang'],
    [2, '2025-04-01T08:00:00+08:00', 'escalated', 'wuhang', { from: 'street' }],
    [3, '2025-04-01T09:00:00+08:00', 'triaged', 'center', { list: 'immediate', departmentIds: ['urban'], lead: 'urban' }],
    [4, '2025-04-01T10:00:00+08:00', 'accepted', 'urban', { onTime: true }],
  ],
  // Quarter bounds in Asia/Shanghai: only the first instant of 2025 belongs to Q1.
  'asmt-w5a': [[1, '2024-12-31T23:59:59+08:00', 'filed', 'hangcheng']],
  'asmt-w5b': [[1, '2025-01-01T00:00:00+08:00', 'filed', 'hangcheng']],
  'asmt-w5c': [[1, '2025-04-01T00:00:00+08:00', 'filed', 'hangcheng']],
  // Warned before its deadline (临期预警), granted an extension (延期), resolved on time against it.
  'asmt-w7': [
    [1, '2025-02-03T09:00:00+08:00', 'filed', 'jinfeng'],
    [2, '2025-02-03T10:00:00+08:00', 'accepted', 'jinfeng', { onTime: true }],
    [3, '2025-02-05T09:00:00+08:00', 'due_soon', 'jinfeng', { deadline: 'street.handle' }],
    [4, '2025-02-05T10:00:00+08:00', 'extension_requested', 'jinfeng', { until: '2025-02-10T18:00:00+08:00' }],
    [5, '2025-02-05T11:00:00+08:00', 'extension_approved', 'jinfeng', { until: '2025-02-10T18:00:00+08:00' }],
    [6, '2025-02-10T09:00:00+08:00', 'resolved', 'jinfeng', { onTime: true, outcome: 'solved', list: null }],
    [7, '2025-02-11T09:00:00+08:00', 'evaluated', 'jinfeng', { rating: 'satisfied' }],
    [8, '2025-02-11T09:00:00+08:00', 'closed', null],
  ],
  // Urged while the street holds it, then withdrawn.
  'asmt-w6': [
    [1, '2025-01-20T09:00:00+08:00', 'filed', 'zhanggang'],
    [2, '2025-01-21T09:00:00+08:00', 'urged', 'zhanggang'],
    [3, '2025-01-21T10:00:00+08:00', 'withdrawn', 'zhanggang'],
  ],
};

/** The columns of 验单, fairly counted (migrations/043), where nothing is pending, ruled or called back. */
const FAIR0 = {
  pendingAcceptance: 0, pendingResolution: 0, returnsUpheld: 0, returnsRejected: 0, callbacks: 0, callbacksReached: 0,
  callbackSatisfied: 0, callbackSatisfactionRate: null,
};

/** The counts a whistle's handling adds to, all 0. */
const NO_COUNTS = {
  received: 0, acceptedOnTime: 0, resolved: 0, resolvedOnTime: 0, overdue: 0, escalated: 0, returned: 0, urged: 0,
  evaluated: 0, satisfied: 0, basicallySatisfied: 0, unsatisfied: 0,
};

/** A unit's row where nothing was received: every count 0, no rate, no score. Rows below name what differs. */
const NONE = {
  ...NO_COUNTS, extended: 0, dueSoonWarned: 0,
  responseRate: null, resolutionRate: null, onTimeRate: null, satisfactionRate: null, score: null,
};

/** Counted by hand from HAND_BUILT; scores with the default weights (0.2, 0.3, 0.2, 0.3). */
const EXPECTED: Record<string, Record<string, unknown>> = {
  // w1, w2, w4: accepted on time once (w1), resolved once on time (w1), late once (w2), passed on twice (w2, w4).
  wuhang: {
    unitName: '吴航街道', kind: 'street', ...NONE, received: 3, acceptedOnTime: 1, resolved: 1, resolvedOnTime: 1, overdue: 1, escalated: 2,
    evaluated: 1, satisfied: 1, responseRate: 0.3333, resolutionRate: 0.3333, onTimeRate: 1, satisfactionRate: 1, score: 66.67,
  },
  // w3 and w5b; w5a is 2024-Q4 and w5c is 2025-Q2. w5b waits for the street, none of its deadlines
  // has passed (no `overdue`, no `deadline_escalation`): out of both rates, which are w3's alone.
  hangcheng: {
    unitName: '航城街道', kind: 'street', ...NONE, received: 2, acceptedOnTime: 1, escalated: 1,
    responseRate: 1, resolutionRate: 0, score: 40, pendingAcceptance: 1, pendingResolution: 1,
  },
  zhanggang: { unitName: '漳港街道', kind: 'street', ...NONE, received: 1, urged: 1, responseRate: 0, resolutionRate: 0, score: 0 },
  yingqian: { unitName: '营前街道', kind: 'street', ...NONE },
  // w7: warned, extended, resolved on time against the extension, satisfied.
  jinfeng: {
    unitName: '金峰镇', kind: 'street', ...NONE, received: 1, acceptedOnTime: 1, resolved: 1, resolvedOnTime: 1,
    evaluated: 1, satisfied: 1, extended: 1, dueSoonWarned: 1,
    responseRate: 1, resolutionRate: 1, onTimeRate: 1, satisfactionRate: 1, score: 100,
  },
  // w2 only (w4's dispatch is in Q2): the lead, urged, late to finish.
  urban: {
    unitName: '区城市管理局', kind: 'department', ...NONE, received: 1, acceptedOnTime: 1, resolved: 1, overdue: 1, urged: 1,
    evaluated: 1, basicallySatisfied: 1, responseRate: 1, resolutionRate: 1, onTimeRate: 0, satisfactionRate: 1, score: 80,
  },
  // w2 (co-department: late to report, shares the lead's resolution and evaluation) and w3 (returned).
  water: {
    unitName: '区水利局', kind: 'department', ...NONE, received: 2, acceptedOnTime: 1, resolved: 1, overdue: 1, returned: 1,
    evaluated: 1, basicallySatisfied: 1, responseRate: 0.5, resolutionRate: 0.5, onTimeRate: 0, satisfactionRate: 1, score: 55,
  },
  // w3 twice: dispatched, resolved, unsatisfied → reopened → dispatched again (late to report, urged), resolved, satisfied.
  housing: {
    unitName: '区住房和城乡建设局', kind: 'department', ...NONE, received: 2, acceptedOnTime: 1, resolved: 2, resolvedOnTime: 2, urged: 1,
    evaluated: 2, satisfied: 1, unsatisfied: 1, responseRate: 0.5, resolutionRate: 1, onTimeRate: 1, satisfactionRate: 0.5, score: 75,
  },
  civil: { unitName: '区民政局', kind: 'department', ...NONE },
};

beforeAll(async () => {
  stack = await startStack({ policy: quietPolicy(900) });
  for (const [whistleId, events] of Object.entries(HAND_BUILT)) {
    for (const [seq, at, type, unit, data] of events) {
      await stack.pool.query(
        `INSERT INTO whistle_events (whistle_id, seq, at, type, actor, unit_id, note, data) VALUES ($1, $2, $3, $4, 'test', $5, NULL, $6)`,
        [whistleId, seq, at, type, unit, JSON.stringify(data ?? {})]);
    }
  }
}, 60_000);

afterAll(async () => {
  await stack?.pool.query("DELETE FROM whistle_events WHERE whistle_id LIKE 'asmt-%'");
  await stack?.stop();
});

async function assessment(quarter: string): Promise<Assessment> {
  const res = await stack.call('supervision', 'GET', `/v1/assessments?quarter=${quarter}`);
  expect(res.status).toBe(200);
  return res.body as Assessment;
}

describe('the quarterly assessment of a hand-built quarter (2025-Q1)', () => {
  test('every column of every street and department matches a count made by hand', async () => {
    const a = await assessment('2025-Q1');
    expect(a.quarter).toBe('2025-Q1');
    expect(a.from).toBe('2024-12-31T16:00:00.000Z');
    expect(a.to).toBe('2025-03-31T16:00:00.000Z');
    for (const [unitId, expected] of Object.entries(EXPECTED)) {
      expect(a.items.find((r) => r.unitId === unitId)).toEqual({ unitId, ...FAIR0, ...expected });
    }
  });

  test('one row per street and department, streets first, even with nothing received', async () => {
    const a = await assessment('2025-Q1');
    const orgs = (await stack.call('center', 'GET', '/v1/orgs')).body as Array<{ id: string; kind: string }>;
    const units = orgs.filter((o) => o.kind === 'street' || o.kind === 'department');
    expect(a.items.map((r) => r.unitId).sort()).toEqual(units.map((o) => o.id).sort());
    const kinds = a.items.map((r) => r.kind);
    expect(kinds.lastIndexOf('street')).toBeLessThan(kinds.indexOf('department'));
    expect(a.items.some((r) => r.unitId === 'center' || r.unitId === 'xiguan')).toBe(false);
  });

  test('an item counts in the quarter the unit received it: the dispatch of 31 March evening\'s item is Q2\'s', async () => {
    const q2 = await assessment('2025-Q2');
    expect(q2.items.find((r) => r.unitId === 'urban')).toMatchObject({ received: 1, acceptedOnTime: 1 });
    expect(q2.items.find((r) => r.unitId === 'hangcheng')).toMatchObject({ received: 1 }); // w5c
    expect(q2.items.find((r) => r.unitId === 'wuhang')).toMatchObject({ received: 0, escalated: 0 });
    const q4 = await assessment('2024-Q4');
    expect(q4.items.find((r) => r.unitId === 'hangcheng')).toMatchObject({ received: 1 }); // w5a
  });

  test('as CSV for people: BOM, Chinese headings, one line per unit with its kind in Chinese and rates as percentages, empty cells for missing rates, text/csv; charset=utf-8', async () => {
    const res = await stack.call('center', 'GET', '/v1/assessments?quarter=2025-Q1&format=csv');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="assessment-2025-Q1.csv"');
    const text = res.body as string;
    expect(text.startsWith('\uFEFF')).toBe(true);
    const lines = text.slice(1).split('\r\n');
    expect(lines.pop()).toBe('');
    expect(lines[0]).toBe('单位编号,单位,类型,接收,按时受理,办结,按时办结,超期,上报,退单,督办,'
      + '评价,满意,基本满意,不满意,延期,临期预警,响应率,解决率,按时办结率,满意率,得分,'
      + '待受理（未到期）,待办结（未到期）,退单异议成立,退单异议驳回,回访,回访接通,回访满意,回访满意率');
    expect(lines).toContain('wuhang,吴航街道,街道（镇）,3,1,1,1,1,2,0,0,1,1,0,0,0,0,33.33%,33.33%,100%,100%,66.67,0,0,0,0,0,0,0,');
    expect(lines).toContain('hangcheng,航城街道,街道（镇）,2,1,0,0,0,1,0,0,0,0,0,0,0,0,100%,0%,,,40,1,1,0,0,0,0,0,');
    expect(lines).toContain('civil,区民政局,职能部门,0,0,0,0,0,0,0,0,0,0,0,0,0,0,,,,,,0,0,0,0,0,0,0,');
    expect(lines.length).toBe(1 + (await assessment('2025-Q1')).items.length);
  });

  test('CSV fields are quoted as RFC 4180 says, and formula-like text is defused', () => {
    const csv = assessmentCsv({
      quarter: '2025-Q1', from: '', to: '', weights: { response: 1, resolution: 1, onTime: 1, satisfaction: 1 },
      items: [{
        unitId: 'x', unitName: '区"智慧长乐",中心\n二部', kind: 'department', ...NONE, ...FAIR0,
      }, {
        unitId: 'y', unitName: '=HYPERLINK("http://x")', kind: 'street', ...NONE, received: 1, acceptedOnTime: 1,
        responseRate: 1, resolutionRate: 0, score: 50, ...FAIR0, callbacks: 2, callbacksReached: 1, callbackSatisfied: 1, callbackSatisfactionRate: 1,
      }],
    });
    const lines = csv.slice(1).split('\r\n');
    expect(lines[1]).toBe('x,"区""智慧长乐"",中心\n二部",职能部门,0,0,0,0,0,0,0,0,0,0,0,0,0,0,,,,,,0,0,0,0,0,0,0,');
    expect(lines[2]).toBe('y,"\'=HYPERLINK(""http://x"")",街道（镇）,1,1,0,0,0,0,0,0,0,0,0,0,0,0,100%,0%,,,50,0,0,0,0,2,1,1,100%');
  });
});

describe('who may see it, and what is asked', () => {
  test('the center and supervisors may; streets, departments, communities and members may not (403)', async () => {
    expect((await stack.call('center', 'GET', '/v1/assessments?quarter=2025-Q1')).status).toBe(200);
    expect((await stack.call('supervision', 'GET', '/v1/assessments?quarter=2025-Q1')).status).toBe(200);
    for (const who of ['wuhang', 'urban', 'xiguan', 'xiguan-member-1', 'xiguan-resident-1']) {
      const res = await stack.call(who, 'GET', '/v1/assessments?quarter=2025-Q1');
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    expect((await stack.call(null, 'GET', '/v1/assessments?quarter=2025-Q1')).status).toBe(401);
  });

  test('a malformed quarter or format is 400 validation_failed', async () => {
    for (const q of ['quarter=2026Q4', 'quarter=2026-Q5', 'quarter=2026-Q0', 'quarter=Q4-2026', 'quarter=', 'quarter=2026-q4', 'format=xml', 'other=1']) {
      const res = await stack.call('center', 'GET', `/v1/assessments?${q}`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
  });

  test('without a quarter it is the current one in Asia/Shanghai', async () => {
    const res = await stack.call('center', 'GET', '/v1/assessments');
    expect(res.status).toBe(200);
    expect(res.body.quarter).toBe(quarterOf(new Date()));
  });
});

describe('weights of the score', () => {
  test('the score is the weighted mean of the rates that exist; a rate without denominator gives its weight to the rest', () => {
    const w = { response: 0.2, resolution: 0.3, onTime: 0.2, satisfaction: 0.3 };
    expect(scoreOf({ response: 1, resolution: 1, onTime: 1, satisfaction: 1 }, w)).toBe(100);
    expect(scoreOf({ response: 0.5, resolution: 0, onTime: null, satisfaction: null }, w)).toBe(20);
    expect(scoreOf({ response: null, resolution: null, onTime: null, satisfaction: null }, w)).toBeNull();
    expect(scoreOf({ response: 1, resolution: null, onTime: null, satisfaction: null }, { ...w, response: 0 })).toBeNull();
  });

  test('ASSESSMENT_WEIGHTS is read at start: some or all weights, each a number >= 0, not all 0', () => {
    expect(readConfig({}).assessmentWeights).toEqual({ response: 0.2, resolution: 0.3, onTime: 0.2, satisfaction: 0.3 });
    expect(readConfig({ ASSESSMENT_WEIGHTS: '{"response":0.1,"resolution":0.4,"onTime":0,"satisfaction":0.5}' }).assessmentWeights)
      .toEqual({ response: 0.1, resolution: 0.4, onTime: 0, satisfaction: 0.5 });
    expect(readConfig({ ASSESSMENT_WEIGHTS: '{"satisfaction":1}' }).assessmentWeights)
      .toEqual({ response: 0.2, resolution: 0.3, onTime: 0.2, satisfaction: 1 });
    for (const bad of ['not json', '[1,2]', '{"speed":1}', '{"response":-1}', '{"response":"high"}',
      '{"response":0,"resolution":0,"onTime":0,"satisfaction":0}']) {
      expect(() => readConfig({ ASSESSMENT_WEIGHTS: bad })).toThrow(ConfigError);
    }
  });

  test('operators\' weights change the score the API reports', async () => {
    const other = await startStack({ noWorker: true, env: { ASSESSMENT_WEIGHTS: '{"response":0,"resolution":1,"onTime":0,"satisfaction":0}' } });
    try {
      const res = await other.call('center', 'GET', '/v1/assessments?quarter=2025-Q1');
      expect(res.body.weights).toEqual({ response: 0, resolution: 1, onTime: 0, satisfaction: 0 });
      const score = (id: string) => res.body.items.find((r: { unitId: string }) => r.unitId === id).score;
      expect(score('wuhang')).toBe(33.33);
      expect(score('water')).toBe(50);
      expect(score('housing')).toBe(100);
    } finally {
      await other.stop();
    }
  });
});

describe('the current quarter, from real whistles', () => {
  test('a whistle the street escalates and two departments resolve counts for the street and both departments', async () => {
    const quarter = quarterOf(new Date());
    const row = (a: Assessment, id: string) => a.items.find((r) => r.unitId === id)!;
    const before = await assessment(quarter);

    const ok = async (as: string, url: string, body?: unknown) => {
      const res = await stack.call(as, 'POST', url, body);
      expect(res.status).toBeLessThan(300);
      return res.body;
    };
    const w = await ok('dongjiang', '/v1/whistles', filing({ title: '滨江小区积水严重' }));
    await ok('hangcheng', `/v1/whistles/${w.id}/accept`);
    await ok('hangcheng', `/v1/whistles/${w.id}/escalate`, { reason: '涉及市政排水管网' });
    await ok('center', `/v1/whistles/${w.id}/triage`, { list: 'immediate', departmentIds: ['urban', 'water'], leadDepartmentId: 'water' });
    await ok('urban', `/v1/whistles/${w.id}/accept`);
    await ok('water', `/v1/whistles/${w.id}/accept`);
    await ok('supervision', `/v1/whistles/${w.id}/urge`, { note: '请加快办理' });
    await ok('water', `/v1/whistles/${w.id}/resolve`, { result: '已疏通排水管网' });
    await ok('dongjiang', `/v1/whistles/${w.id}/evaluate`, { rating: 'satisfied' });

    const after = await eventually(async () => {
      const a = await assessment(quarter);
      return row(a, 'urban').evaluated > row(before, 'urban').evaluated ? a : undefined;
    }, 20_000, 'the evaluation to reach the assessment');
    const delta = (id: string) => Object.fromEntries(
      (Object.keys(NO_COUNTS) as Array<keyof typeof NO_COUNTS>).map((k) => [k, row(after, id)[k] - row(before, id)[k]]));
    expect(delta('hangcheng')).toEqual({ ...NO_COUNTS, received: 1, acceptedOnTime: 1, escalated: 1 });
    expect(delta('water')).toEqual({
      ...NO_COUNTS, received: 1, acceptedOnTime: 1, resolved: 1, resolvedOnTime: 1, urged: 1, evaluated: 1, satisfied: 1,
    });
    expect(delta('urban')).toEqual({ ...NO_COUNTS, received: 1, acceptedOnTime: 1, resolved: 1, resolvedOnTime: 1, evaluated: 1, satisfied: 1 });
  });
});
