/**
 * The holiday calendar through the API: `GET /v1/calendar` (every account; sources, bounds,
 * errors), the calendar's coverage in `GET /readyz` (200 and 503 alike) and the
 * `whistle_calendar_covered_days_ahead` gauge, before and after next year's schedule is imported.
 * A database of its own: the imports here must not change other files' working days.
 */
import { Client, Connection } from '@temporalio/client';
import pino from 'pino';
import { buildApp } from '../api/app';
import { calendarCoverage, packageYears } from '../lib/calendar';
import { shanghaiDay } from '../domain/shanghai-time';
import { importCalendar, parseCalendarFile } from '../lib/calendar-import';
import { readConfig } from '../lib/config';
import { createPool } from '../lib/db';
import { TEST_PEPPER } from './support/constants';
import { createDatabase, type ThrowawayDatabase } from './support/processes';
import { startStack, type Stack } from './support/stack';

let db: ThrowawayDatabase;
let stack: Stack;
beforeAll(async () => {
  db = await createDatabase('calendar_api', TEST_PEPPER);
  stack = await startStack({ noWorker: true, env: { DATABASE_URL: db.url } });
});
afterAll(async () => {
  await stack?.stop();
  await db?.drop();
});

const get = (as: string | null, query: string) => stack.call(as, 'GET', `/v1/calendar?${query}`);
const today = () => shanghaiDay(new Date());
const thisYear = () => Number(today().slice(0, 4));

async function importFile(json: unknown, source = 'test.json') {
  return importCalendar(stack.pool, parseCalendarFile(JSON.stringify(json)), { actor: 'cli:test', source });
}

async function gauge(): Promise<number> {
  const res = await stack.app.inject({ method: 'GET', url: '/metrics' });
  const line = res.body.split('\n').find((l) => l.startsWith('whistle_calendar_covered_days_ahead '));
  expect(line).toBeDefined();
  return Number(line!.split(' ')[1]);
}

describe('GET /v1/calendar', () => {
  test('every account reads it; without a key it is 401', async () => {
    for (const as of ['xiguan-resident-1', 'xiguan-member-1', 'xiguan', 'wuhang', 'center', 'urban', 'supervision']) {
      const res = await get(as, 'from=2026-10-01&to=2026-10-01');
      expect({ as, status: res.status }).toEqual({ as, status: 200 });
    }
    const anonymous = await get(null, 'from=2026-10-01&to=2026-10-01');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('unauthenticated');
  });

  test('National Day 2026: package holidays, the 调休 Saturday, and plain weekdays and weekends', async () => {
    const res = await get('xiguan', 'from=2026-09-30&to=2026-10-12');
    expect(res.status).toBe(200);
    expect(res.body.map((d: { day: string }) => d.day)).toEqual([
      '2026-09-30', '2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07',
      '2026-10-08', '2026-10-09', '2026-10-10', '2026-10-11', '2026-10-12',
    ]);
    const byDay = new Map(res.body.map((d: { day: string }) => [d.day, d]));
    expect(byDay.get('2026-10-01')).toEqual({
      day: '2026-10-01', working: false, source: 'package', reason: '国庆节 (National Day) holiday in the chinese-days schedule',
      reasonZh: '国庆节放假',
    });
    expect(byDay.get('2026-10-10')).toMatchObject({ working: true, source: 'package', reasonZh: '国庆节调休上班（星期六）' });
    expect((byDay.get('2026-10-10') as { reason: string }).reason).toContain('调休');
    expect(byDay.get('2026-10-11')).toMatchObject({ working: false, source: 'weekday' });
    expect(byDay.get('2026-10-12')).toMatchObject({ working: true, source: 'weekday', reasonZh: '星期一，工作日' });
  });

  test('an operator\'s correction shows as an override with its note, and a year without data as the weekday rule', async () => {
    const before = await get('center', 'from=2027-02-08&to=2027-02-08');
    expect(before.body[0]).toMatchObject({ working: true, source: 'weekday' });
    expect(before.body[0].reason).toContain('no schedule for 2027');
    expect(before.body[0].reasonZh).toBe('星期一，工作日（2027 年的节假日安排尚未发布，暂按周一至周五上班计）');

    await importFile([{ day: '2027-02-08', working: false, note: '春节' }], 'correction.json');
    const after = await get('center', 'from=2027-02-07&to=2027-02-09');
    expect(after.body).toEqual([
      { day: '2027-02-07', working: false, source: 'weekday', reason: expect.stringContaining('Sunday'), reasonZh: expect.stringContaining('星期日，休息日') },
      { day: '2027-02-08', working: false, source: 'override', reason: '春节: day off (operator import in calendar_days)', reasonZh: '春节，休息（区里调整的安排）' },
      { day: '2027-02-09', working: true, source: 'weekday', reason: expect.stringContaining('Tuesday'), reasonZh: expect.stringContaining('星期二，工作日') },
    ]);
  });

  test('at most 400 days: 400 are answered, 401 are refused', async () => {
    const ok = await get('xiguan', 'from=2026-01-01&to=2027-02-04');
    expect(ok.status).toBe(200);
    expect(ok.body).toHaveLength(400);
    expect(ok.body[399].day).toBe('2027-02-04');
    const tooMany = await get('xiguan', 'from=2026-01-01&to=2027-02-05');
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error).toMatchObject({ code: 'validation_failed', message: expect.stringContaining('at most 400 days'), messageZh: expect.any(String) });
  });

  test('reversed, impossible, malformed, missing or unknown dates are 400', async () => {
    for (const query of [
      'from=2026-10-02&to=2026-10-01',
      'from=2026-02-30&to=2026-03-01',
      'from=2026-02-01&to=2026-13-01',
      'from=2026-2-1&to=2026-03-01',
      'from=2026-02-01',
      'to=2026-02-01',
      '',
      'from=2026-02-01&to=2026-02-02&limit=5',
    ]) {
      const res = await get('xiguan', query);
      expect({ query, status: res.status, code: res.body?.error?.code }).toEqual({ query, status: 400, code: 'validation_failed' });
    }
    expect((await get('xiguan', 'from=2026-10-02&to=2026-10-01')).body.error.message).toBe('from must not be after to');
  });
});

describe('coverage in /readyz and /metrics', () => {
  test('before next year is imported, readyz and the gauge say how far the official schedule goes', async () => {
    const expected = calendarCoverage([], today());
    const ready = await stack.call(null, 'GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({
      status: 'ready', postgres: 'ok', temporal: 'ok',
      calendar: { coveredThrough: expected.coveredThrough, warning: expected.warning }, limits: 'per-process',
    });
    // The package ends with 2026: from 2026-11-02 on, fewer than 60 days are covered.
    if (today() >= '2026-11-02') expect(ready.body.calendar.warning).toContain('npm run holidays -- import');
    expect(await gauge()).toBe(expected.daysAhead);
  });

  test('after next year\'s schedule is imported, coverage reaches its last day and the warning goes', async () => {
    // This year too when the package does not have it (a run in 2027 or later).
    const years = [thisYear(), thisYear() + 1].filter((y) => !packageYears().includes(y));
    for (const year of years) {
      const outcome = await importFile({ note: `test schedule ${year}`, year, holidays: [`${year}-01-01`], workdays: [] }, `${year}.json`);
      expect(outcome.newYears).toEqual([year]);
    }
    const ready = await stack.call(null, 'GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.calendar).toEqual({ coveredThrough: `${thisYear() + 1}-12-31`, warning: null });
    expect(await gauge()).toBe(calendarCoverage([thisYear(), thisYear() + 1], today()).daysAhead);
    expect(await gauge()).toBeGreaterThanOrEqual(365);

    const check = await get('center', `from=${thisYear() + 1}-03-01&to=${thisYear() + 1}-03-01`);
    expect(check.body[0].reason).toMatch(/in the (imported|chinese-days) \d{4} schedule/);
  });

  test('the 503 of readyz carries the calendar too, from the package when PostgreSQL does not answer', async () => {
    const config = readConfig({
      TEMPORAL_ADDRESS: process.env.WHISTLE_TEST_TEMPORAL!, DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere',
      API_KEY_PEPPER: TEST_PEPPER, LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '100000',
    });
    const pool = createPool(config.databaseUrl, 1);
    const connection = await Connection.connect({ address: config.temporalAddress });
    const app = await buildApp({ config, pool, temporal: new Client({ connection }), logger: pino({ level: 'silent' }) });
    try {
      const res = await app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      const expected = calendarCoverage([], today());
      expect(JSON.parse(res.body)).toEqual({
        error: { code: 'unavailable', message: 'not ready: PostgreSQL not answering' },
        calendar: { coveredThrough: expected.coveredThrough, warning: expected.warning },
      });
      expect(res.headers['content-type']).toMatch(/^application\/json/);
    } finally {
      await app.close();
      await connection.close();
      await pool.end();
    }
  });
});
