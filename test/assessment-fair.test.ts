/**
 * 验单, fairly counted (migrations/043_fair_assessment.sql, docs/ASSESSMENT.md): receipts whose
 * deadline has not passed are out of the response / resolution rates (`pendingAcceptance`,
 * `pendingResolution`), the center's rulings on returns (派单异议审核, `return_ruled`) and the
 * callbacks (回访, `callback`) have their columns and enter the score as the README says.
 * Timelines are written into `whistle_events` (the projection's trigger keeps the receipts), as in
 * test/assessment.test.ts; whistles are `fair-…`, in 2021-Q2. Only PostgreSQL is used.
 */
import type { Pool } from 'pg';
import { Assessments, type AssessmentRow } from '../lib/assessments';
import { AssessmentPublication } from '../lib/assessment-publication';
import { createPool } from '../lib/db';

type Ev = [seq: number, at: string, type: string, unit: string | null, data?: Record<string, unknown>];

const QUARTER = '2021-Q2';
const WEIGHTS = { response: 0.2, resolution: 0.3, onTime: 0.2, satisfaction: 0.3 };
const on = (day: number, hour = 9) => `2021-04-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00+08:00`;
const triaged = (seq: number, at: string, departmentIds: string[]): Ev =>
  [seq, at, 'triaged', 'center', { list: 'immediate', departmentIds, lead: departmentIds[0] }];

const TIMELINES: Record<string, Ev[]> = {
  // Waits for the street, no deadline passed: pending acceptance and resolution.
  'fair-w1': [[1, on(1), 'filed', 'hangcheng']],
  // The street's acceptance deadline passed (overdue): no longer pending acceptance; still pending resolution.
  'fair-w2': [[1, on(2), 'filed', 'hangcheng'], [2, on(3, 0), 'overdue', 'hangcheng', { deadline: 'street.accept' }]],
  // Accepted on time, handling: pending resolution only.
  'fair-w3': [[1, on(3), 'filed', 'hangcheng'], [2, on(3, 10), 'accepted', 'hangcheng', { onTime: true }]],
  // Two departments: urban accepted, water has not (yet); the list deadline has not passed (yet).
  'fair-w4': [
    [1, on(5), 'filed', 'wuhang'], [2, on(5, 10), 'accepted', 'wuhang', { onTime: true }], [3, on(5, 11), 'escalated', 'wuhang', { from: 'street' }],
    triaged(4, on(5, 12), ['urban', 'water']), [5, on(5, 13), 'accepted', 'urban', { onTime: true }],
  ],
  // water returns without cause (rejected); housing resolves, its callback reaches a basically satisfied reporter.
  'fair-w5': [
    [1, on(6), 'filed', 'wuhang'], [2, on(6, 10), 'accepted', 'wuhang', { onTime: true }], [3, on(6, 11), 'escalated', 'wuhang', { from: 'street' }],
    triaged(4, on(6, 12), ['water']), [5, on(6, 13), 'accepted', 'water', { onTime: true }],
    [6, on(7), 'returned', 'water', { kind: 'not_our_area', returns: 1 }],
    [7, on(7, 10), 'return_ruled', 'water', { ruling: 'rejected', kind: 'not_our_area' }],
    triaged(8, on(7, 10), ['housing']), [9, on(7, 11), 'accepted', 'housing', { onTime: true }],
    [10, on(9), 'resolved', 'housing', { onTime: true, outcome: 'solved', list: 'immediate' }],
    [11, on(10), 'callback', 'housing', { reached: true, rating: 'basically_satisfied', note: null }],
    [12, on(11), 'evaluated', 'housing', { rating: 'satisfied' }], [13, on(11), 'closed', null],
  ],
  // housing returns rightly (upheld, ruled with the next dispatch); urban resolves twice (reopened), two callbacks.
  'fair-w6': [
    [1, on(12), 'filed', 'wuhang'], [2, on(12, 10), 'escalated', 'wuhang', { from: 'street' }],
    triaged(3, on(12, 11), ['housing']), [4, on(12, 12), 'returned', 'housing', { kind: 'not_our_function', returns: 1 }],
    triaged(5, on(13), ['urban']), [6, on(13), 'return_ruled', 'housing', { ruling: 'upheld', kind: 'not_our_function' }],
    [7, on(13, 10), 'accepted', 'urban', { onTime: true }], [8, on(14), 'resolved', 'urban', { onTime: true, outcome: 'solved', list: 'immediate' }],
    [9, on(15), 'callback', 'urban', { reached: false, note: '无人接听' }], [10, on(16), 'evaluated', 'urban', { rating: 'unsatisfied' }],
    [11, on(16), 'reopened', 'center', { from: 'community' }], triaged(12, on(17), ['urban']),
    [13, on(17, 10), 'accepted', 'urban', { onTime: true }], [14, on(20), 'resolved', 'urban', { onTime: true, outcome: 'solved', list: 'immediate' }],
    [15, on(21), 'callback', 'urban', { reached: true, rating: 'satisfied', note: null }],
  ],
};

/** What the deadlines of fair-w4 do when they pass: water is late to report, the list deadline passes. */
const W4_DEADLINES: Ev[] = [
  [6, on(6, 13), 'overdue', 'water', { deadline: 'department.accept' }],
  [7, on(8, 13), 'overdue', 'urban', { deadline: 'lists.immediate' }],
];

const FAIR0 = {
  pendingAcceptance: 0, pendingResolution: 0, returnsUpheld: 0, returnsRejected: 0, callbacks: 0, callbacksReached: 0,
  callbackSatisfied: 0, callbackSatisfactionRate: null,
};

let pool: Pool;
let assessments: Assessments;

async function insert(whistleId: string, events: Ev[]): Promise<void> {
  for (const [seq, at, type, unit, data] of events) {
    await pool.query(
      `INSERT INTO whistle_events (whistle_id, seq, at, type, actor, unit_id, note, data) VALUES ($1, $2, $3, $4, 'test', $5, NULL, $6)`,
      [whistleId, seq, at, type, unit, JSON.stringify(data ?? {})]);
  }
}

async function rows(): Promise<Map<string, AssessmentRow>> {
  const a = await assessments.quarter(QUARTER);
  return new Map(a.items.map((r) => [r.unitId, r]));
}

const pick = (row: AssessmentRow | undefined, keys: Array<keyof AssessmentRow>) =>
  Object.fromEntries(keys.map((k) => [k, row?.[k]]));

beforeAll(async () => {
  pool = createPool(process.env.WHISTLE_TEST_DATABASE_URL!, 2);
  assessments = new Assessments(pool, WEIGHTS);
  for (const [id, events] of Object.entries(TIMELINES)) await insert(id, events);
});

afterAll(async () => {
  await pool.query("DELETE FROM whistle_events WHERE whistle_id LIKE 'fair-%'");
  await pool.query('DELETE FROM published_assessments WHERE quarter = $1', [QUARTER]);
  await pool.end();
});

describe('pending receipts: a unit is never marked down for work whose time is not up', () => {
  test('the street: not yet accepted / resolved before the deadline counts in neither numerator nor denominator', async () => {
    const hangcheng = (await rows()).get('hangcheng');
    expect(hangcheng).toEqual(expect.objectContaining({
      received: 3, acceptedOnTime: 1, overdue: 1, resolved: 0, pendingAcceptance: 1, pendingResolution: 3,
      // w2 (late) and w3 (on time) are counted for the response; w1 is not yet due.
      responseRate: 0.5, resolutionRate: null, onTimeRate: null, satisfactionRate: null, score: 50,
    }));
  });

  test('departments: pending until the deadline passes; then counted as not done', async () => {
    const keys: Array<keyof AssessmentRow> = ['received', 'acceptedOnTime', 'resolved', 'overdue', 'pendingAcceptance',
      'pendingResolution', 'responseRate', 'resolutionRate', 'score'];
    // urban: w4 (accepted, handling), w6 twice (resolved).
    const urban = {
      received: 3, acceptedOnTime: 3, resolved: 2, overdue: 0, pendingAcceptance: 0, pendingResolution: 1,
      responseRate: 1, resolutionRate: 1, score: 85,
    };
    // water: w4 (not accepted yet, in time) and w5 (returned without cause).
    const water = {
      received: 2, acceptedOnTime: 1, resolved: 0, overdue: 0, pendingAcceptance: 1, pendingResolution: 1,
      responseRate: 0, resolutionRate: 0, score: 0,
    };
    let r = await rows();
    expect(pick(r.get('urban'), keys)).toEqual(urban);
    expect(pick(r.get('water'), keys)).toEqual(water);

    // Once w4's deadlines have passed, it is no longer pending: late for urban's resolution and water's acceptance.
    await insert('fair-w4', W4_DEADLINES);
    r = await rows();
    expect(pick(r.get('urban'), keys)).toEqual({ ...urban, overdue: 1, pendingResolution: 0, resolutionRate: 0.6667, score: 75 });
    expect(pick(r.get('water'), keys)).toEqual({ ...water, overdue: 1, pendingAcceptance: 0, pendingResolution: 0 });
  });
});

describe('returns ruled (派单异议审核) and callbacks (回访)', () => {
  test('every column of the units of w4–w6, counted by hand', async () => {
    if ((await pool.query("SELECT 1 FROM whistle_events WHERE whistle_id = 'fair-w4' AND seq = 7")).rowCount === 0) {
      await insert('fair-w4', W4_DEADLINES);
    }
    const r = await rows();
    // Accepted on time in w4 and w5, escalated all three.
    expect(r.get('wuhang')).toEqual({
      unitId: 'wuhang', unitName: '吴航街道', kind: 'street', received: 3, acceptedOnTime: 2, resolved: 0, resolvedOnTime: 0,
      overdue: 0, escalated: 3, returned: 0, urged: 0, evaluated: 0, satisfied: 0, basicallySatisfied: 0, unsatisfied: 0,
      extended: 0, dueSoonWarned: 0, ...FAIR0,
      responseRate: 0.6667, resolutionRate: 0, onTimeRate: null, satisfactionRate: null, score: 26.67,
    });
    // w5: accepted on time, then returned without cause: counted as not responded (and not resolved).
    expect(r.get('water')).toEqual({
      unitId: 'water', unitName: '区水利局', kind: 'department', received: 2, acceptedOnTime: 1, resolved: 0, resolvedOnTime: 0,
      overdue: 1, escalated: 0, returned: 1, urged: 0, evaluated: 0, satisfied: 0, basicallySatisfied: 0, unsatisfied: 0,
      extended: 0, dueSoonWarned: 0, ...FAIR0, returnsRejected: 1,
      responseRate: 0, resolutionRate: 0, onTimeRate: null, satisfactionRate: null, score: 0,
    });
    // w6: returned rightly (upheld, ruled after the next dispatch) without accepting it: out of the response
    // and the resolution rate. w5: resolved, evaluated satisfied, called back basically satisfied.
    expect(r.get('housing')).toEqual({
      unitId: 'housing', unitName: '区住房和城乡建设局', kind: 'department', received: 2, acceptedOnTime: 1, resolved: 1, resolvedOnTime: 1,
      overdue: 0, escalated: 0, returned: 1, urged: 0, evaluated: 1, satisfied: 1, basicallySatisfied: 0, unsatisfied: 0,
      extended: 0, dueSoonWarned: 0, ...FAIR0, returnsUpheld: 1, callbacks: 1, callbacksReached: 1, callbackSatisfied: 1,
      responseRate: 1, resolutionRate: 1, onTimeRate: 1, satisfactionRate: 1, callbackSatisfactionRate: 1, score: 100,
    });
    // w6's two resolutions: the first called back without reaching anyone (and evaluated unsatisfied), the
    // second reached a satisfied reporter; the score's satisfaction pools both voices: (0 + 1) / (1 + 1).
    expect(r.get('urban')).toEqual({
      unitId: 'urban', unitName: '区城市管理局', kind: 'department', received: 3, acceptedOnTime: 3, resolved: 2, resolvedOnTime: 2,
      overdue: 1, escalated: 0, returned: 0, urged: 0, evaluated: 1, satisfied: 0, basicallySatisfied: 0, unsatisfied: 1,
      extended: 0, dueSoonWarned: 0, ...FAIR0, callbacks: 2, callbacksReached: 1, callbackSatisfied: 1,
      responseRate: 1, resolutionRate: 0.6667, onTimeRate: 1, satisfactionRate: 0, callbackSatisfactionRate: 1, score: 75,
    });
  });

  test('a return not yet ruled counts as before; a callback names the unit that resolved, not a co-department', async () => {
    await insert('fair-w7', [
      [1, on(22), 'filed', 'yingqian'], [2, on(22, 10), 'escalated', 'yingqian', { from: 'street' }],
      triaged(3, on(22, 11), ['civil', 'water']), [4, on(22, 12), 'returned', 'civil', { kind: 'other', returns: 1 }],
      triaged(5, on(23), ['water', 'civil']), [6, on(23, 10), 'accepted', 'water', { onTime: true }],
      [7, on(23, 11), 'accepted', 'civil', { onTime: true }],
      [8, on(24), 'resolved', 'water', { onTime: true, outcome: 'solved', list: 'immediate' }],
      [9, on(25), 'callback', 'water', { reached: true, rating: 'unsatisfied' }],
    ]);
    const civil = (await rows()).get('civil');
    expect(pick(civil, ['received', 'returned', 'returnsUpheld', 'returnsRejected', 'resolved', 'callbacks', 'resolutionRate'])).toEqual({
      received: 2, returned: 1, returnsUpheld: 0, returnsRejected: 0, resolved: 1, callbacks: 0, resolutionRate: 0.5,
    });
    await pool.query("DELETE FROM whistle_events WHERE whistle_id = 'fair-w7'");
  });

  test('a return upheld after an on-time acceptance counts as responded; one upheld at once is in neither rate', async () => {
    await insert('fair-w9', [
      [1, on(26), 'filed', 'yingqian'], [2, on(26, 10), 'escalated', 'yingqian', { from: 'street' }],
      triaged(3, on(26, 11), ['civil']), [4, on(26, 12), 'accepted', 'civil', { onTime: true }],
      [5, on(27), 'returned', 'civil', { kind: 'not_our_function', returns: 1 }],
      triaged(6, on(27, 10), ['transport']), [7, on(27, 10), 'return_ruled', 'civil', { ruling: 'upheld', kind: 'not_our_function' }],
      [8, on(27, 11), 'returned', 'transport', { kind: 'not_our_function', returns: 2 }],
      triaged(9, on(27, 12), ['urban']), [10, on(27, 12), 'return_ruled', 'transport', { ruling: 'upheld', kind: 'not_our_function' }],
    ]);
    try {
      const r = await rows();
      expect(pick(r.get('civil'), ['received', 'acceptedOnTime', 'returnsUpheld', 'responseRate', 'resolutionRate']))
        .toEqual({ received: 1, acceptedOnTime: 1, returnsUpheld: 1, responseRate: 1, resolutionRate: null });
      expect(pick(r.get('transport'), ['received', 'acceptedOnTime', 'returnsUpheld', 'responseRate', 'resolutionRate', 'score']))
        .toEqual({ received: 1, acceptedOnTime: 0, returnsUpheld: 1, responseRate: null, resolutionRate: null, score: null });
    } finally {
      await pool.query("DELETE FROM whistle_events WHERE whistle_id = 'fair-w9'");
    }
  });
});

describe('departments dispatched together', () => {
  test('when the lead returns the whistle, the others\' receipt of that dispatch is cut short: in neither rate', async () => {
    const july = (day: number, hour = 9) => `2021-07-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00+08:00`;
    await insert('fair-w8', [
      [1, july(5), 'filed', 'wuhang'], [2, july(5, 10), 'escalated', 'wuhang', { from: 'street' }],
      [3, july(5, 11), 'triaged', 'center', { list: 'immediate', departmentIds: ['transport', 'urban'], lead: 'transport' }],
      [4, july(5, 11), 'returned', 'transport', { kind: 'not_our_function', returns: 1 }],
      [5, july(5, 12), 'triaged', 'center', { list: 'immediate', departmentIds: ['urban'], lead: 'urban' }],
      [6, july(5, 12), 'return_ruled', 'transport', { ruling: 'upheld', kind: 'not_our_function' }],
      [7, july(5, 13), 'accepted', 'urban', { onTime: true }],
      [8, july(6), 'resolved', 'urban', { onTime: true, outcome: 'solved', list: 'immediate' }],
    ]);
    try {
      const urban = (await assessments.quarter('2021-Q3')).items.find((r) => r.unitId === 'urban');
      // Its first receipt ended with transport's return, before urban could report in: pending, not failed.
      expect(pick(urban, ['received', 'acceptedOnTime', 'resolved', 'pendingAcceptance', 'pendingResolution', 'responseRate', 'resolutionRate']))
        .toEqual({ received: 2, acceptedOnTime: 1, resolved: 1, pendingAcceptance: 1, pendingResolution: 1, responseRate: 1, resolutionRate: 1 });
    } finally {
      await pool.query("DELETE FROM whistle_events WHERE whistle_id = 'fair-w8'");
    }
  });
});

describe('published figures', () => {
  test('are computed the same way at publication, pending receipts included', async () => {
    const live = await assessments.quarter(QUARTER);
    const published = await new AssessmentPublication(pool, assessments).publish(QUARTER, 'cli:test');
    expect(published.assessment).toEqual(live);
    const stored = await new AssessmentPublication(pool, assessments).published(QUARTER);
    expect(stored?.assessment.items.find((r) => r.unitId === 'hangcheng')).toMatchObject({ pendingAcceptance: 1, responseRate: 0.5 });
  });
});
