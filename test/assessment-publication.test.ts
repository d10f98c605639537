/**
 * 定期验单, published: the `assessment-publication` Schedule publishes every ended quarter whose
 * publication time (00:00 Asia/Shanghai at the end of the `assessment.publishAfterDays`-th day
 * after its last day) has come; from then on `GET /v1/assessments?quarter=` serves the stored
 * figures with `publishedAt`, and `&live=true` today's computation. `npm run assessments --
 * publish --quarter Q` publishes by hand; a quarter is never published twice nor before it
 * ends; each publication is audited. This file has its own database, with timeline rows of past
 * quarters written directly (the receipts trigger counts them as the projection's).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { quarterOf } from '../lib/calendar';
import { nextQuarter, publicationDueAt } from '../lib/assessment-publication';
import type { PublicationRun } from '../activities/types';
import type { ScheduleIds } from '../lib/schedules';
import type { ThrowawayDatabase } from './support/processes';
import { TEST_PEPPER } from './support/constants';
import { scheduledStack, triggerAndWait } from './support/schedules';
import { quietPolicy, type Stack } from './support/stack';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..');

let db: ThrowawayDatabase;
let stack: Stack;
let ids: ScheduleIds;
scheduledStack('publication', { ...quietPolicy(900), assessment: { publishAfterDays: 10 } }, (started) => ({ db, stack, ids } = started));

/** A whistle received by street wuhang at `at` and accepted on time by it a minute later. */
async function receivedByWuhang(id: string, at: string, accepted = true) {
  await stack.pool.query(
    `INSERT INTO whistle_events (whistle_id, seq, at, type, actor, unit_id, note, data) VALUES
       ($1, 1, $2::timestamptz, 'filed', 'zhenghe', 'wuhang', NULL, '{}')`, [id, at]);
  if (accepted) {
    await stack.pool.query(
      `INSERT INTO whistle_events (whistle_id, seq, at, type, actor, unit_id, note, data) VALUES
         ($1, 2, $2::timestamptz + interval '1 minute', 'accepted', 'wuhang', 'wuhang', NULL, '{"onTime": true}')`, [id, at]);
  } else {
    // Not accepted, and its acceptance deadline passed (a receipt still in time would be pending: out of the rate).
    await stack.pool.query(
      `INSERT INTO whistle_events (whistle_id, seq, at, type, actor, unit_id, note, data) VALUES
         ($1, 2, $2::timestamptz + interval '1 day', 'overdue', 'system', 'wuhang', NULL, '{"deadline": "street.accept"}')`, [id, at]);
  }
}

const wuhang = (body: { items: Array<{ unitId: string }> }) => body.items.find((r) => r.unitId === 'wuhang') as unknown as Record<string, number>;

async function assessment(query: string) {
  const res = await stack.call('center', 'GET', `/v1/assessments?${query}`);
  expect(res.status).toBe(200);
  return res;
}

async function cli(...args: string[]) {
  const env = { ...process.env, DATABASE_URL: db.url, API_KEY_PEPPER: TEST_PEPPER, LOG_LEVEL: 'silent' };
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'scripts/assessments.ts', ...args], { cwd: ROOT, env });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

describe('when a quarter falls due', () => {
  test('00:00 Asia/Shanghai at the end of the publishAfterDays-th day after the quarter\'s last day', () => {
    // 2026-Q4 ends on 31 December; the 10th day after it is 10 January, which ends at 00:00 on 11 January.
    expect(publicationDueAt('2026-Q4', 10).toISOString()).toBe('2027-01-10T16:00:00.000Z');
    expect(publicationDueAt('2026-Q4', 0).toISOString()).toBe('2026-12-31T16:00:00.000Z');
    expect(publicationDueAt('2025-Q1', 1).toISOString()).toBe('2025-04-01T16:00:00.000Z');
    expect(nextQuarter('2026-Q4')).toBe('2027-Q1');
    expect(nextQuarter('2027-Q1')).toBe('2027-Q2');
  });
});

describe('the assessment-publication Schedule', () => {
  test('runs daily at 00:00 Asia/Shanghai', async () => {
    const found = await stack.client.schedule.getHandle(ids.publication).describe();
    expect(found.spec.timezone).toBe('Asia/Shanghai');
    expect(found.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 0, end: 0, step: 1 }], minute: [{ start: 0, end: 0, step: 1 }] });
    expect(found.action).toMatchObject({ workflowType: 'assessmentPublication', taskQueue: stack.config.taskQueue });
  });

  test('publishes every ended, due, unpublished quarter as system, audited; a second run publishes nothing', async () => {
    // Before: nothing is published, the figures are live.
    await receivedByWuhang('pub-1', '2025-05-10T02:00:00Z');
    const before = await assessment('quarter=2025-Q2');
    expect(before.body).toMatchObject({ quarter: '2025-Q2', publishedAt: null, live: true });

    const result = await triggerAndWait<PublicationRun>(stack.client, ids.publication);
    const now = new Date();
    const expected: string[] = [];
    for (let q = '2025-Q2'; publicationDueAt(q, 10) <= now; q = nextQuarter(q)) expected.push(q);
    expect(result).toEqual({ published: expected, publishAfterDays: 10 });
    expect(expected).not.toContain(quarterOf(now)); // the running quarter has not ended

    const audit = await stack.pool.query("SELECT actor, subject FROM audit_log WHERE type = 'assessment_published' ORDER BY id");
    expect(audit.rows).toEqual(expected.map((q) => ({ actor: 'system', subject: q })));
    const again = await triggerAndWait<PublicationRun>(stack.client, ids.publication);
    expect(again.published).toEqual([]);
  });

  test('an event after publication changes the live figures and not the published ones', async () => {
    const published = await assessment('quarter=2025-Q2');
    expect(published.body.publishedAt).toEqual(expect.any(String));
    expect(published.body.live).toBe(false);
    expect(wuhang(published.body)).toMatchObject({ received: 1, acceptedOnTime: 1, responseRate: 1 });

    // A late projection of a whistle received in that quarter, not accepted on time.
    await receivedByWuhang('pub-2', '2025-06-20T03:00:00Z', false);
    const later = await assessment('quarter=2025-Q2');
    expect(later.body).toEqual(published.body);
    const live = await assessment('quarter=2025-Q2&live=true');
    expect(live.body).toMatchObject({ quarter: '2025-Q2', publishedAt: null, live: true });
    expect(wuhang(live.body)).toMatchObject({ received: 2, acceptedOnTime: 1, responseRate: 0.5 });

    // CSV follows the same rule.
    const csv = await stack.call('supervision', 'GET', '/v1/assessments?quarter=2025-Q2&format=csv');
    expect(csv.status).toBe(200);
    expect(csv.headers['x-assessment-published-at']).toBe(published.body.publishedAt);
    const row = (text: string) => text.split('\r\n').find((l) => l.startsWith('wuhang,'))!.split(',');
    const header = (csv.body as string).replace(/^\uFEFF/, '').split('\r\n')[0].split(',');
    expect(row(csv.body)[header.indexOf('接收')]).toBe('1');
    const liveCsv = await stack.call('supervision', 'GET', '/v1/assessments?quarter=2025-Q2&format=csv&live=true');
    expect(liveCsv.headers['x-assessment-published-at']).toBeUndefined();
    expect(row(liveCsv.body)[header.indexOf('接收')]).toBe('2');
  });
});

describe('npm run assessments -- publish', () => {
  test('publishes an ended quarter by hand as cli:<user>, audited', async () => {
    const done = await cli('publish', '--quarter', '2024-Q4');
    expect(done).toMatchObject({ code: 0 });
    expect(done.out).toContain('验单 2024-Q4 published');
    const res = await assessment('quarter=2024-Q4');
    expect(res.body.publishedAt).toEqual(expect.any(String));
    const audit = await stack.pool.query("SELECT actor FROM audit_log WHERE type = 'assessment_published' AND subject = '2024-Q4'");
    expect(audit.rows).toEqual([{ actor: expect.stringMatching(/^cli:.+/) }]);
  });

  test('refuses to publish a quarter again, or one not yet ended, and changes nothing', async () => {
    const stored = await stack.pool.query("SELECT published_at FROM published_assessments WHERE quarter = '2025-Q2'");
    const twice = await cli('publish', '--quarter', '2025-Q2');
    expect(twice.code).toBe(1);
    expect(twice.out).toContain('already published');
    const current = quarterOf(new Date());
    const early = await cli('publish', '--quarter', current);
    expect(early.code).toBe(1);
    expect(early.out).toContain('has not ended');
    expect((await stack.pool.query("SELECT published_at FROM published_assessments WHERE quarter = '2025-Q2'")).rows).toEqual(stored.rows);
    expect((await stack.pool.query('SELECT count(*)::int AS n FROM published_assessments WHERE quarter = $1', [current])).rows[0].n).toBe(0);
    expect((await cli('publish', '--quarter', '2025-Q5')).code).toBe(2);
    const res = await assessment(`quarter=${current}`);
    expect(res.body).toMatchObject({ publishedAt: null, live: true });
  });
});
