/**
 * 验单 receipts (`whistle_receipts`, migrations/006_whistle_receipts.sql): the assessment counts
 * rows that the trigger on `whistle_events` keeps up to date. Random timelines (re-dispatches
 * after a return or an unsatisfied evaluation, urges, late units, same-instant entries, clocks
 * out of order) go through the real projection (`projectWhistle`) in random steps, some retried
 * and some arriving late; after every step a whistle's receipts must equal what the query-time
 * definition the assessment used before migration 006 (REFERENCE below) computes from its
 * timeline, and at the end each quarter's assessment must equal that definition's counts. The
 * projections' notifications (one multi-row INSERT per projection) are each written once, in
 * timeline order. Only PostgreSQL is used; whistles are `rcpt-…`, in 2023.
 */
import type { Pool } from 'pg';
import { projectWhistle } from '../lib/read-model/whistles';
import { notificationsFor, type Recipients } from '../lib/read-model/whistle-notifications';
import type { WhistleEvent, WhistleView, WhistleTimelineType } from '../domain';
import { Assessments } from '../lib/assessments';
import { createPool } from '../lib/db';
import { random } from './support/random';

/**
 * The receipts of whistle `$1` and their facts as the assessment computed them at query time
 * before migration 006 (its ASSESSMENT_SQL with the whistle in place of the quarter). A null
 * department id was counted under no unit, so it is left out here as in the table.
 */
const REFERENCE_RECEIPTS = `
WITH receipts AS (
  SELECT e.whistle_id, e.seq, e.unit_id, e.at
    FROM whistle_events e
   WHERE e.type = 'filed' AND e.whistle_id = $1 AND e.unit_id IS NOT NULL
  UNION ALL
  SELECT e.whistle_id, e.seq, d.unit_id, e.at
    FROM whistle_events e
   CROSS JOIN LATERAL jsonb_array_elements_text(
     CASE WHEN jsonb_typeof(e.data->'departmentIds') = 'array' THEN e.data->'departmentIds' ELSE '[]'::jsonb END) AS d(unit_id)
   WHERE e.type = 'triaged' AND e.whistle_id = $1
),
holdings AS MATERIALIZED (
  SELECT r.whistle_id, r.seq, r.unit_id, r.at,
         (SELECT min(t.seq) FROM whistle_events t
           WHERE t.whistle_id = r.whistle_id AND t.seq > r.seq AND t.type = 'triaged') AS end_seq
    FROM receipts r
)
SELECT h.seq, h.unit_id, h.at AS received_at,
       coalesce(bool_or(e.type = 'accepted' AND e.unit_id = h.unit_id AND e.data->>'onTime' = 'true'), false) AS accepted_on_time,
       coalesce(bool_or(e.type = 'resolved'), false) AS resolved,
       coalesce(bool_or(e.type = 'resolved' AND e.data->>'onTime' = 'true'), false) AS resolved_on_time,
       coalesce(bool_or(e.type IN ('overdue', 'deadline_escalation') AND e.unit_id = h.unit_id), false) AS overdue,
       coalesce(bool_or(e.type IN ('escalated', 'deadline_escalation') AND e.unit_id = h.unit_id), false) AS escalated,
       coalesce(bool_or(e.type = 'returned' AND e.unit_id = h.unit_id), false) AS returned,
       coalesce(bool_or(e.type = 'urged' AND e.unit_id = h.unit_id), false) AS urged,
       (array_agg(e.data->>'rating' ORDER BY e.seq DESC) FILTER (WHERE e.type = 'evaluated'))[1] AS rating
  FROM holdings h
  LEFT JOIN whistle_events e
    ON e.whistle_id = h.whistle_id AND e.seq > h.seq AND (h.end_seq IS NULL OR e.seq < h.end_seq)
 WHERE h.unit_id IS NOT NULL
 GROUP BY h.whistle_id, h.seq, h.unit_id, h.at
 ORDER BY h.seq, h.unit_id`;

/** The counts the reference gives per unit, each with the receipts (rows of its `facts`) it counts. */
const COUNTED = {
  received: 'true', acceptedOnTime: 'accepted_on_time', resolved: 'resolved', resolvedOnTime: 'resolved_on_time',
  overdue: 'overdue', escalated: 'escalated', returned: 'returned', urged: 'urged', evaluated: 'rating IS NOT NULL',
  satisfied: "rating = 'satisfied'", basicallySatisfied: "rating = 'basically_satisfied'", unsatisfied: "rating = 'unsatisfied'",
} as const;

/** The same definition, counted per unit over a quarter: the assessment's SQL before migration 006. */
const REFERENCE_ASSESSMENT = `
WITH receipts AS (
  SELECT e.whistle_id, e.seq, e.unit_id
    FROM whistle_events e
   WHERE e.type = 'filed' AND e.at >= $1 AND e.at < $2 AND e.unit_id IS NOT NULL
  UNION ALL
  SELECT e.whistle_id, e.seq, d.unit_id
    FROM whistle_events e
   CROSS JOIN LATERAL jsonb_array_elements_text(
     CASE WHEN jsonb_typeof(e.data->'departmentIds') = 'array' THEN e.data->'departmentIds' ELSE '[]'::jsonb END) AS d(unit_id)
   WHERE e.type = 'triaged' AND e.at >= $1 AND e.at < $2
),
holdings AS MATERIALIZED (
  SELECT r.whistle_id, r.seq, r.unit_id,
         (SELECT min(t.seq) FROM whistle_events t
           WHERE t.whistle_id = r.whistle_id AND t.seq > r.seq AND t.type = 'triaged') AS end_seq
    FROM receipts r
),
facts AS (
  SELECT h.unit_id,
         bool_or(e.type = 'accepted' AND e.unit_id = h.unit_id AND e.data->>'onTime' = 'true') AS accepted_on_time,
         bool_or(e.type = 'resolved') AS resolved,
         bool_or(e.type = 'resolved' AND e.data->>'onTime' = 'true') AS resolved_on_time,
         bool_or(e.type IN ('overdue', 'deadline_escalation') AND e.unit_id = h.unit_id) AS overdue,
         bool_or(e.type IN ('escalated', 'deadline_escalation') AND e.unit_id = h.unit_id) AS escalated,
         bool_or(e.type = 'returned' AND e.unit_id = h.unit_id) AS returned,
         bool_or(e.type = 'urged' AND e.unit_id = h.unit_id) AS urged,
         (array_agg(e.data->>'rating' ORDER BY e.seq DESC) FILTER (WHERE e.type = 'evaluated'))[1] AS rating
    FROM holdings h
    LEFT JOIN whistle_events e
      ON e.whistle_id = h.whistle_id AND e.seq > h.seq AND (h.end_seq IS NULL OR e.seq < h.end_seq)
   GROUP BY h.whistle_id, h.seq, h.unit_id
)
SELECT unit_id,
       ${Object.entries(COUNTED).map(([count, receipt]) => `count(*) FILTER (WHERE ${receipt})::int AS "${count}"`).join(',\n       ')}
  FROM facts
 GROUP BY unit_id`;

const STORED_RECEIPTS = `
SELECT seq, unit_id, received_at, accepted_on_time, resolved, resolved_on_time, overdue, escalated, returned, urged, rating
  FROM whistle_receipts WHERE whistle_id = $1 ORDER BY seq, unit_id`;

const COUNTS = Object.keys(COUNTED) as Array<keyof typeof COUNTED>;

let pool: Pool;
let streets: string[];
let departments: string[];
let to: Recipients;

beforeAll(async () => {
  pool = createPool(process.env.WHISTLE_TEST_DATABASE_URL!, 4);
  const { rows } = await pool.query<{ id: string; kind: string; name: string }>('SELECT id, kind, name FROM orgs ORDER BY id');
  streets = rows.filter((o) => o.kind === 'street').map((o) => o.id);
  departments = rows.filter((o) => o.kind === 'department').map((o) => o.id);
  to = {
    supervisors: rows.filter((o) => o.kind === 'supervision').map((o) => o.id),
    centers: rows.filter((o) => o.kind === 'center').map((o) => o.id),
    // The projection names units in its sentences (区水利局, not water), as it reads them from the orgs.
    names: new Map(rows.map((o) => [o.id, o.name])),
  };
});

afterAll(async () => {
  await pool.query("DELETE FROM whistle_events WHERE whistle_id LIKE 'rcpt-%'");
  await pool.query("DELETE FROM whistles WHERE id LIKE 'rcpt-%'");
  await pool.query("DELETE FROM notifications WHERE subject_id LIKE 'rcpt-%'");
  await pool.end();
});

/** A whistle's read-model view with what the projection writes; the rest of the view does not matter here. */
function viewOf(id: string, street: string, events: WhistleEvent[], title = `验单测试 ${id}`): WhistleView {
  return {
    id, title, description: '', category: 'other', urgent: false,
    location: { communityId: 'rcpt-community' }, status: 'filed', list: null, communityId: 'rcpt-community',
    streetId: street, filerOrgId: 'rcpt-community', holder: street, departments: [], dueAt: null, overdue: false,
    reopenCount: 0, filedAt: events[0].at, resolvedAt: null, closedAt: null, result: null, outcome: null, evaluation: null,
    timeline: [],
  } as unknown as WhistleView;
}

/** A random timeline: filed by a street, then what streets, the center and departments may do, in any order. */
function timelineOf(rnd: () => number, street: string): WhistleEvent[] {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const maybe = (p: number) => rnd() < p;
  const onTime = () => (maybe(0.1) ? {} : { onTime: maybe(0.6) });
  let at = Date.UTC(2023, 0, 1) + rnd() * 250 * 86_400_000;
  let dispatched: string[] = [];
  const events: WhistleEvent[] = [];
  const add = (type: WhistleTimelineType, unit: string | null, data: Record<string, unknown> = {}) => {
    // Mostly forward, sometimes the same instant, sometimes earlier: order is the seq, never the clock.
    at += maybe(0.15) ? 0 : maybe(0.05) ? -3_600_000 : rnd() * 12 * 86_400_000;
    events.push({ seq: events.length + 1, at: new Date(at).toISOString(), type, actor: 'test', note: null, unit, data });
  };
  add('filed', street, { urgent: false });
  const length = 1 + Math.floor(rnd() * 16);
  while (events.length < length) {
    const holder = () => pick([street, ...dispatched, ...dispatched]);
    switch (pick(['accepted', 'accepted', 'triaged', 'triaged', 'resolved', 'evaluated', 'overdue', 'urged', 'returned',
      'escalated', 'deadline_escalation', 'reopened', 'progress', 'reminder', 'closed', 'evaluation_expired'])) {
      case 'accepted': add('accepted', holder(), onTime()); break;
      case 'triaged': {
        const n = 1 + Math.floor(rnd() * 3);
        dispatched = [...new Set(Array.from({ length: n }, () => pick(departments)))];
        add('triaged', 'center', { list: 'immediate', departmentIds: dispatched, lead: dispatched[0] });
        break;
      }
      case 'resolved': add('resolved', holder(), { ...onTime(), outcome: 'solved' }); break;
      case 'evaluated': add('evaluated', holder(), maybe(0.1) ? {} : { rating: pick(['satisfied', 'basically_satisfied', 'unsatisfied']) }); break;
      case 'overdue': add('overdue', holder(), { deadline: 'street.accept' }); break;
      case 'urged': add('urged', holder()); break;
      case 'returned': add('returned', dispatched.length ? pick(dispatched) : street); break;
      case 'escalated': add('escalated', street, { from: 'street' }); break;
      case 'deadline_escalation': add('deadline_escalation', maybe(0.8) ? street : holder(), { from: 'street' }); break;
      case 'reopened': add('reopened', 'center', { from: 'community' }); break;
      case 'closed': add('closed', null); break;
      default: add(pick(['progress', 'reminder', 'evaluation_expired']), holder()); break;
    }
  }
  return events;
}

const stored = async (id: string) => (await pool.query(STORED_RECEIPTS, [id])).rows;
const reference = async (id: string) => (await pool.query(REFERENCE_RECEIPTS, [id])).rows;

describe('whistle_receipts', () => {
  test('a whistle returned, reopened and dispatched again: its receipts after each projection step', async () => {
    const id = 'rcpt-reopened';
    const e = (seq: number, at: string, type: WhistleTimelineType, unit: string | null, data: Record<string, unknown> = {}): WhistleEvent =>
      ({ seq, at, type, actor: 'test', note: null, unit, data });
    const timeline = [
      e(1, '2023-03-03T01:00:00Z', 'filed', 'hangcheng'),
      e(2, '2023-03-03T02:00:00Z', 'accepted', 'hangcheng', { onTime: true }),
      e(3, '2023-03-04T02:00:00Z', 'escalated', 'hangcheng', { from: 'street' }),
      e(4, '2023-03-04T03:00:00Z', 'triaged', 'center', { list: 'phased', departmentIds: ['water'], lead: 'water' }),
      e(5, '2023-03-04T04:00:00Z', 'accepted', 'water', { onTime: true }),
      e(6, '2023-03-05T04:00:00Z', 'returned', 'water'),
      e(7, '2023-03-05T07:00:00Z', 'triaged', 'center', { list: 'phased', departmentIds: ['housing', 'water'], lead: 'housing' }),
      e(8, '2023-03-05T08:00:00Z', 'accepted', 'housing', { onTime: true }),
      e(9, '2023-03-10T08:00:00Z', 'resolved', 'housing', { onTime: true, outcome: 'solved' }),
      e(10, '2023-03-11T08:00:00Z', 'evaluated', 'housing', { rating: 'unsatisfied' }),
      e(11, '2023-03-11T08:00:00Z', 'reopened', 'center', { from: 'community' }),
      e(12, '2023-04-03T01:00:00Z', 'triaged', 'center', { list: 'phased', departmentIds: ['housing'], lead: 'housing' }),
      e(13, '2023-04-05T01:00:00Z', 'accepted', 'housing', { onTime: false }),
      e(14, '2023-04-06T01:00:00Z', 'urged', 'housing'),
      e(15, '2023-04-20T01:00:00Z', 'resolved', 'housing', { onTime: true, outcome: 'solved' }),
      e(16, '2023-04-21T01:00:00Z', 'evaluated', 'housing', { rating: 'satisfied' }),
      e(17, '2023-04-21T01:00:00Z', 'closed', null),
    ];
    // A title with what array literals and JSON escape: the outbox INSERT passes arrays.
    const view = viewOf(id, 'hangcheng', timeline, '引号" 反斜杠\\ {花括号}, 逗号 NULL');
    for (let n = 1; n <= timeline.length; n++) {
      await projectWhistle(pool, { version: n, view, seenByDepartments: [], reporterName: null, events: timeline.slice(0, n) });
      expect(await stored(id)).toEqual(await reference(id));
    }
    // Retried and late projections change nothing.
    await projectWhistle(pool, { version: 17, view, seenByDepartments: [], reporterName: null, events: timeline });
    await projectWhistle(pool, { version: 9, view, seenByDepartments: [], reporterName: null, events: timeline.slice(0, 9) });
    const brief = (await stored(id)).map((r) => [r.seq, r.unit_id, r.accepted_on_time, r.resolved, r.resolved_on_time, r.returned, r.urged, r.rating]);
    expect(brief).toEqual([
      [1, 'hangcheng', true, false, false, false, false, null], // escalated before any resolution
      [4, 'water', true, false, false, true, false, null], // returned it
      [7, 'housing', true, true, true, false, false, 'unsatisfied'],
      [7, 'water', false, true, true, false, false, 'unsatisfied'], // co-department of that dispatch: joint duty
      [12, 'housing', false, true, true, false, true, 'satisfied'], // dispatched again after the reopen, in Q2
    ]);
    expect(await stored(id)).toEqual(await reference(id));
    const { rows } = await pool.query('SELECT event_key, recipient_org_id, message, data FROM notifications WHERE subject_id = $1 ORDER BY id', [id]);
    expect(rows).toEqual(timeline.flatMap((ev) => notificationsFor(ev, view, to).map((n) => ({
      event_key: `whistle:${id}:${ev.seq}`, recipient_org_id: n.recipientOrgId, message: n.message,
      data: { eventType: ev.type, at: ev.at, status: 'filed' },
    }))));
    expect(rows[0].message).toContain('引号" 反斜杠\\ {花括号}, 逗号 NULL');
  });

  test('random timelines through the projection in random steps: receipts equal the query-time definition after each', async () => {
    const rnd = random(20231);
    const ids: string[] = [];
    for (let w = 0; w < 120; w++) {
      const id = `rcpt-fuzz-${w}`;
      ids.push(id);
      const street = streets[Math.floor(rnd() * streets.length)];
      const timeline = timelineOf(rnd, street);
      const view = viewOf(id, street, timeline);
      const steps: number[] = [];
      for (let n = 0; n < timeline.length;) steps.push(n = Math.min(timeline.length, n + 1 + Math.floor(rnd() * 4)));
      for (let s = 0; s < steps.length; s++) {
        const project = (k: number) => projectWhistle(pool, {
          version: k + 1, view, seenByDepartments: [], reporterName: null, events: timeline.slice(0, steps[k]),
        });
        await project(s);
        if (rnd() < 0.3) await project(s); // the activity retried
        if (s > 0 && rnd() < 0.15) await project(Math.floor(rnd() * s)); // an older projection arriving late
        const [got, want] = [await stored(id), await reference(id)];
        if (JSON.stringify(got) !== JSON.stringify(want)) {
          throw new Error(`${id} after ${steps[s]} of ${timeline.length} entries:\n${JSON.stringify(timeline.slice(0, steps[s]))}\n`
            + `stored ${JSON.stringify(got)}\nreference ${JSON.stringify(want)}`);
        }
      }
      // Each entry's notifications, once each, in timeline order (ids follow the order of the INSERT).
      const { rows } = await pool.query<{ event_key: string; recipient_org_id: string; kind: string }>(
        'SELECT event_key, recipient_org_id, kind FROM notifications WHERE subject_id = $1 ORDER BY id', [id]);
      expect(rows).toEqual(timeline.flatMap((ev) => notificationsFor(ev, view, to).map((n) => (
        { event_key: `whistle:${id}:${ev.seq}`, recipient_org_id: n.recipientOrgId, kind: n.kind }))));
    }

    // The quarters' assessments equal the query-time definition's counts, unit by unit.
    const service = new Assessments(pool, { response: 0.2, resolution: 0.3, onTime: 0.2, satisfaction: 0.3 });
    let receipts = 0;
    for (const quarter of ['2022-Q4', '2023-Q1', '2023-Q2', '2023-Q3', '2023-Q4', '2024-Q1']) {
      const a = await service.quarter(quarter);
      const want = new Map((await pool.query(REFERENCE_ASSESSMENT, [a.from, a.to])).rows.map((r) => [r.unit_id, r]));
      for (const row of a.items) {
        const w = want.get(row.unitId);
        expect({ unit: row.unitId, ...Object.fromEntries(COUNTS.map((k) => [k, row[k]])) })
          .toEqual({ unit: row.unitId, ...Object.fromEntries(COUNTS.map((k) => [k, w ? w[k] : 0])) });
        want.delete(row.unitId);
        receipts += row.received;
      }
      expect([...want.keys()].filter((u) => u !== null)).toEqual([]);
    }
    expect(receipts).toBeGreaterThan(200);
  }, 120_000);

  test('entries written by hand, odd ones included, and entries deleted: the receipts follow', async () => {
    const id = 'rcpt-by-hand';
    const insert = (rows: Array<[number, string, string, string | null, Record<string, unknown>]>) => pool.query(
      `INSERT INTO whistle_events (whistle_id, seq, at, type, actor, unit_id, data)
       SELECT $1, r.seq, r.at, r.type, 'test', r.unit_id, r.data
         FROM jsonb_to_recordset($2::jsonb) AS r(seq int, at timestamptz, type text, unit_id text, data jsonb)
       ON CONFLICT (whistle_id, seq) DO NOTHING`,
      [id, JSON.stringify(rows.map(([seq, at, type, unit_id, data]) => ({ seq, at, type, unit_id, data })))]);
    await insert([
      [1, '2023-05-01T00:00:00Z', 'filed', null, {}], // no street: no receipt
      [2, '2023-05-01T01:00:00Z', 'triaged', 'center', { departmentIds: 'water' }], // not a list: no receipt
      [3, '2023-05-01T02:00:00Z', 'triaged', 'center', { departmentIds: ['water', null, 'urban'] }],
      [4, '2023-05-01T03:00:00Z', 'resolved', 'water', { onTime: 'yes' }], // only true is on time
    ]);
    expect(await stored(id)).toEqual(await reference(id));
    expect((await stored(id)).map((r) => [r.seq, r.unit_id, r.resolved, r.resolved_on_time])).toEqual([[3, 'urban', true, false], [3, 'water', true, false]]);

    await insert([[5, '2023-05-02T00:00:00Z', 'evaluated', 'water', {}], [6, '2023-05-02T00:00:00Z', 'evaluated', 'water', { rating: 'satisfied' }]]);
    expect((await stored(id)).map((r) => r.rating)).toEqual(['satisfied', 'satisfied']);
    await insert([[7, '2023-05-03T00:00:00Z', 'evaluated', 'water', {}]]); // the last evaluation carries no rating
    expect((await stored(id)).map((r) => r.rating)).toEqual([null, null]);
    expect(await stored(id)).toEqual(await reference(id));

    await pool.query('DELETE FROM whistle_events WHERE whistle_id = $1 AND seq >= 5', [id]);
    expect((await stored(id)).map((r) => r.rating)).toEqual([null, null]);
    await pool.query("UPDATE whistle_events SET data = jsonb_build_object('onTime', true) WHERE whistle_id = $1 AND seq = 4", [id]);
    expect((await stored(id)).map((r) => r.resolved_on_time)).toEqual([true, true]);
    await pool.query('DELETE FROM whistle_events WHERE whistle_id = $1 AND seq = 3', [id]);
    expect(await stored(id)).toEqual([]);
    await pool.query("DELETE FROM whistle_events WHERE whistle_id LIKE 'rcpt-%'");
    const { rows } = await pool.query("SELECT count(*)::int AS n FROM whistle_receipts WHERE whistle_id LIKE 'rcpt-%'");
    expect(rows[0].n).toBe(0);
  });
});

describe('a version projected again (a workflow task that ran again after its worker died)', () => {
  test('the later projection of a version wins; an older version never overwrites; entries past the version go', async () => {
    const id = 'rcpt-task-again';
    const e = (seq: number, at: string, type: WhistleTimelineType, unit: string | null, data: Record<string, unknown> = {}): WhistleEvent =>
      ({ seq, at, type, actor: 'test', note: null, unit, data });
    const filed = e(1, '2023-06-01T01:00:00Z', 'filed', 'hangcheng');
    const first = [filed, e(2, '2023-06-01T02:00:00.000Z', 'accepted', 'hangcheng', { onTime: true })];
    const view = viewOf(id, 'hangcheng', first);
    const project = (version: number, events: WhistleEvent[]) =>
      projectWhistle(pool, { version, view: { ...view, holder: `v${version}:${events.length}` }, seenByDepartments: [], reporterName: null, events });
    const rows = async () => (await pool.query(
      'SELECT seq, type, at, data FROM whistle_events WHERE whistle_id = $1 ORDER BY seq', [id])).rows
      .map((r) => [r.seq, r.type, (r.at as Date).toISOString(), r.data]);
    const holder = async () => (await pool.query('SELECT holder FROM whistles WHERE id = $1', [id])).rows[0].holder;

    // A task projects version 2 (plus an entry no later task will have), then its worker dies.
    await project(2, [...first, e(3, '2023-06-01T02:00:00.000Z', 'progress', 'hangcheng')]);
    // The task runs again: same version, its own instant (late now), one entry fewer.
    const again = [filed, e(2, '2023-06-01T02:00:09.500Z', 'accepted', 'hangcheng', { onTime: false })];
    await project(2, again);
    expect(await rows()).toEqual([
      [1, 'filed', '2023-06-01T01:00:00.000Z', {}],
      [2, 'accepted', '2023-06-01T02:00:09.500Z', { onTime: false }],
    ]);
    expect(await holder()).toBe('v2:2');
    expect((await stored(id)).map((r) => r.accepted_on_time)).toEqual([false]);
    expect(await stored(id)).toEqual(await reference(id));
    // The accepted entry notified no one; the filing's notification was written once.
    const { rows: sent } = await pool.query('SELECT event_key FROM notifications WHERE subject_id = $1 ORDER BY id', [id]);
    expect(sent.map((r) => r.event_key)).toEqual([`whistle:${id}:1`]);

    // An older version arriving late changes nothing, not even its own entries' instants.
    await project(1, [e(1, '2023-06-01T01:00:05.000Z', 'filed', 'hangcheng')]);
    expect((await rows())[0][2]).toBe('2023-06-01T01:00:00.000Z');
    expect(await holder()).toBe('v2:2');
    await pool.query('DELETE FROM whistle_events WHERE whistle_id = $1', [id]);
  });
});
