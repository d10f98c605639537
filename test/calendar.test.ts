/**
 * The working-day calendar: China's official holidays and 调休 make-up working days, operator
 * overrides, and deadlines that end at 24:00 Asia/Shanghai. Pure: no database, no Temporal.
 * Holiday facts below were checked against the chinese-days package data (2025 and 2026 schedules).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Pool } from 'pg';
import {
  WorkingCalendar,
  calendarCoverage,
  dayRange,
  logCalendarCoverage,
  packageYears,
  quarterOf,
  quarterRange,
} from '../lib/calendar';
import { loadCalendarOverrides } from '../lib/stores/calendar';
import { shanghaiDay } from '../domain/shanghai-time';
import { parseCalendarFile } from '../lib/calendar-import';

const official = new WorkingCalendar();

/** The instant of a Shanghai wall-clock time, written 'YYYY-MM-DDTHH:mm'. */
function shanghai(wallClock: string): Date {
  return new Date(`${wallClock}:00+08:00`);
}

describe('official calendar (chinese-days schedule)', () => {
  test('Saturday 2026-02-14 is a 调休 make-up working day before Spring Festival', () => {
    expect(official.isWorkingDay('2026-02-14')).toBe(true);
    expect(official.explainDay('2026-02-14')).toMatchObject({ working: true, source: 'package' });
  });

  test('Monday 2026-02-16 is a Spring Festival holiday', () => {
    expect(official.isWorkingDay('2026-02-16')).toBe(false);
    expect(official.explainDay('2026-02-16').reason).toContain('春节');
  });

  test('National Day 2025: October 1 to 8 are off, including the weekdays', () => {
    for (let date = 1; date <= 8; date++) {
      expect(official.isWorkingDay(`2025-10-0${date}`)).toBe(false);
    }
    expect(official.isWorkingDay('2025-10-09')).toBe(true);
  });

  test('National Day 2025: Sunday 09-28 and Saturday 10-11 are make-up working days', () => {
    expect(official.isWorkingDay('2025-09-28')).toBe(true);
    expect(official.isWorkingDay('2025-10-11')).toBe(true);
    // The weekend days around them stay off.
    expect(official.isWorkingDay('2025-09-27')).toBe(false);
    expect(official.isWorkingDay('2025-10-12')).toBe(false);
  });

  test('an ordinary weekend is off and an ordinary weekday is working', () => {
    expect(official.isWorkingDay('2026-11-28')).toBe(false);
    expect(official.isWorkingDay('2026-11-29')).toBe(false);
    expect(official.isWorkingDay('2026-11-30')).toBe(true);
    expect(official.explainDay('2026-11-30').source).toBe('weekday');
  });

  test('a year the package has no schedule for falls back to Monday to Friday', () => {
    // 2040-10-01 is a Monday: without an imported 2040 schedule, National Day counts as working.
    expect(official.isWorkingDay('2040-10-01')).toBe(true);
    expect(official.isWorkingDay('2040-01-06')).toBe(true); // Friday
    expect(official.isWorkingDay('2040-01-07')).toBe(false); // Saturday
    expect(official.isWorkingDay('2040-01-01')).toBe(false); // Sunday
    expect(official.explainDay('2040-10-01')).toMatchObject({ source: 'weekday' });
    expect(official.explainDay('2040-10-01').reason).toContain('no schedule for 2040');
  });

  test('a day that is not a real YYYY-MM-DD date is refused', () => {
    for (const day of ['2026-02-30', '2026-2-14', '20260214', '2026-13-01', '']) {
      expect(() => official.isWorkingDay(day)).toThrow(RangeError);
    }
  });
});

describe('operator overrides (calendar_days)', () => {
  test('an override turns an ordinary Monday into a holiday', () => {
    const calendar = new WorkingCalendar(new Map([['2026-11-30', false]]));
    expect(calendar.isWorkingDay('2026-11-30')).toBe(false);
    expect(calendar.explainDay('2026-11-30').source).toBe('override');
  });

  test('an override turns a Sunday into a working day', () => {
    const calendar = new WorkingCalendar(new Map([['2026-11-29', true]]));
    expect(calendar.isWorkingDay('2026-11-29')).toBe(true);
  });

  test('an override wins over the package schedule', () => {
    const calendar = new WorkingCalendar(new Map([['2026-02-14', false], ['2026-02-16', true]]));
    expect(calendar.isWorkingDay('2026-02-14')).toBe(false);
    expect(calendar.isWorkingDay('2026-02-16')).toBe(true);
  });

  test('an imported schedule makes a holiday of a year the package does not know', () => {
    const calendar = new WorkingCalendar(new Map([['2040-10-01', false]]));
    expect(calendar.isWorkingDay('2040-10-01')).toBe(false);
  });

  test('an override whose day is not YYYY-MM-DD is refused', () => {
    expect(() => new WorkingCalendar(new Map([['2026/11/30', false]]))).toThrow(RangeError);
  });

  test('overrides are read from calendar_days as YYYY-MM-DD → working', async () => {
    const queries: string[] = [];
    const pool = {
      query: async (sql: string) => {
        queries.push(sql);
        return { rows: [{ day: '2027-01-01', working: false }, { day: '2027-02-20', working: true }] };
      },
    } as unknown as Pool;
    const overrides = await loadCalendarOverrides(pool);
    expect([...overrides]).toEqual([['2027-01-01', false], ['2027-02-20', true]]);
    expect(queries[0]).toContain('calendar_days');
  });
});

describe('deadline "within N working days"', () => {
  test('filed Friday evening, 1 working day: due at the end of Monday (Tuesday 00:00 Shanghai)', () => {
    const due = official.addWorkingDays(shanghai('2026-11-27T20:00'), 1);
    expect(due.toISOString()).toBe(shanghai('2026-12-01T00:00').toISOString());
    expect(due.toISOString()).toBe('2026-11-30T16:00:00.000Z');
  });

  test('counting starts the day after the event, even for an event early on a working day', () => {
    const due = official.addWorkingDays(shanghai('2026-11-30T08:00'), 1);
    expect(due).toEqual(shanghai('2026-12-02T00:00'));
  });

  test('an event at 23:30 Shanghai (15:30Z, same UTC date) belongs to that Shanghai day', () => {
    const event = new Date('2026-02-13T15:30:00Z'); // Friday 23:30 in Shanghai
    expect(shanghaiDay(event)).toBe('2026-02-13');
    // Day 1 is Saturday 02-14, a make-up working day.
    expect(official.addWorkingDays(event, 1)).toEqual(shanghai('2026-02-15T00:00'));
  });

  test('an event at 00:30 Shanghai (16:30Z the previous UTC day) belongs to the next Shanghai day', () => {
    const event = new Date('2026-02-13T16:30:00Z'); // Saturday 00:30 in Shanghai
    expect(shanghaiDay(event)).toBe('2026-02-14');
    // Counting starts on 02-15, inside the Spring Festival holiday; the first working day is 02-24.
    expect(official.addWorkingDays(event, 1)).toEqual(shanghai('2026-02-25T00:00'));
  });

  test('the Shanghai day changes at 16:00Z exactly', () => {
    expect(shanghaiDay(new Date('2026-11-27T15:59:59.999Z'))).toBe('2026-11-27');
    expect(shanghaiDay(new Date('2026-11-27T16:00:00.000Z'))).toBe('2026-11-28');
  });

  test('3 working days across Spring Festival 2026 count the make-up Saturday and skip the holiday', () => {
    // 02-14 (调休 Saturday) = 1, 02-15..02-23 off, 02-24 = 2, 02-25 = 3.
    expect(official.addWorkingDays(shanghai('2026-02-13T10:00'), 3)).toEqual(shanghai('2026-02-26T00:00'));
  });

  test('1 working day from the eve of National Day 2025 ends on October 9', () => {
    expect(official.addWorkingDays(shanghai('2025-09-30T10:00'), 1)).toEqual(shanghai('2025-10-10T00:00'));
  });

  test('1 working day from Friday 2025-09-26 ends on make-up Sunday 09-28', () => {
    expect(official.addWorkingDays(shanghai('2025-09-26T18:00'), 1)).toEqual(shanghai('2025-09-29T00:00'));
  });

  test('an override holiday on Monday moves the Friday-evening deadline to the end of Tuesday', () => {
    const calendar = new WorkingCalendar(new Map([['2026-11-30', false]]));
    expect(calendar.addWorkingDays(shanghai('2026-11-27T20:00'), 1)).toEqual(shanghai('2026-12-02T00:00'));
  });

  test('an override working Sunday brings the Friday-evening deadline to the end of Sunday', () => {
    const calendar = new WorkingCalendar(new Map([['2026-11-29', true]]));
    expect(calendar.addWorkingDays(shanghai('2026-11-27T20:00'), 1)).toEqual(shanghai('2026-11-30T00:00'));
  });

  test('a deadline into a year without schedule counts Monday to Friday', () => {
    // Friday 2039-12-30 → Monday 2040-01-02, Tuesday 01-03.
    expect(official.addWorkingDays(shanghai('2039-12-30T09:00'), 2)).toEqual(shanghai('2040-01-04T00:00'));
  });

  test('the number of working days must be a whole number of at least 1', () => {
    const from = shanghai('2026-11-27T20:00');
    for (const n of [0, -1, 1.5, Number.NaN]) {
      expect(() => official.addWorkingDays(from, n)).toThrow(RangeError);
    }
  });
});

describe('quarters (assessment periods) in Asia/Shanghai', () => {
  test('2026-Q4 runs from 2026-10-01 00:00 to 2027-01-01 00:00 Shanghai', () => {
    const { from, to } = quarterRange('2026-Q4');
    expect(from.toISOString()).toBe('2026-09-30T16:00:00.000Z');
    expect(to.toISOString()).toBe('2026-12-31T16:00:00.000Z');
  });

  test('2026-Q1 starts at 2025-12-31T16:00Z', () => {
    expect(quarterRange('2026-Q1').from.toISOString()).toBe('2025-12-31T16:00:00.000Z');
    expect(quarterRange('2026-Q1').to.toISOString()).toBe('2026-03-31T16:00:00.000Z');
  });

  test('the quarter of an instant follows the Shanghai date', () => {
    expect(quarterOf(new Date('2026-09-30T15:59:59.999Z'))).toBe('2026-Q3');
    expect(quarterOf(new Date('2026-09-30T16:00:00.000Z'))).toBe('2026-Q4');
    expect(quarterOf(new Date('2026-12-31T16:00:00.000Z'))).toBe('2027-Q1');
  });

  test('a malformed quarter is refused', () => {
    for (const q of ['2026-Q5', '2026-Q0', '2026Q4', '26-Q1', '2026-q4', '']) {
      expect(() => quarterRange(q)).toThrow(RangeError);
    }
  });
});

describe('coverage: how far ahead the official schedule is known', () => {
  test('the package ships the official schedules up to 2026 and has none for 2027', () => {
    expect(packageYears()).toEqual(expect.arrayContaining([2024, 2025, 2026]));
    expect(packageYears()).not.toContain(2027);
  });

  test('on 2026-12-01 without an import, coverage ends 2026-12-31, 30 days ahead, with a warning naming 2027', () => {
    const coverage = calendarCoverage([], '2026-12-01');
    expect(coverage).toMatchObject({ coveredThrough: '2026-12-31', daysAhead: 30 });
    expect(coverage.warning).toContain('2026-12-31');
    expect(coverage.warning).toContain('Import the 2027 schedule');
    expect(coverage.warning).toContain('npm run holidays -- import');
  });

  test('an imported 2027 schedule carries coverage to 2027-12-31 and the warning goes', () => {
    expect(calendarCoverage([2027], '2026-12-01')).toEqual({ coveredThrough: '2027-12-31', daysAhead: 395, warning: null });
  });

  test('the warning comes while fewer than 60 days ahead are covered, not at 60', () => {
    expect(calendarCoverage([], '2026-11-01')).toMatchObject({ daysAhead: 60, warning: null });
    expect(calendarCoverage([], '2026-11-02')).toMatchObject({ daysAhead: 59, warning: expect.any(String) });
    expect(calendarCoverage([], '2026-06-30').warning).toBeNull();
  });

  test('coverage counts on from this year without a gap: an imported 2028 after a missing 2027 does not count', () => {
    expect(calendarCoverage([2028], '2026-12-01').coveredThrough).toBe('2026-12-31');
    expect(calendarCoverage([2028, 2027], '2026-12-01').coveredThrough).toBe('2028-12-31');
  });

  test('in 2027 without its schedule nothing ahead is covered: coverage ended on 2026-12-31', () => {
    expect(calendarCoverage([], '2027-03-01')).toMatchObject({ coveredThrough: '2026-12-31', daysAhead: 0, warning: expect.stringContaining('2027') });
    expect(calendarCoverage([2027], '2027-03-01')).toEqual({ coveredThrough: '2027-12-31', daysAhead: 305, warning: null });
  });

  test('at start the coverage is logged: a warning while it is short, an info line otherwise', () => {
    const lines: Array<{ level: string; obj: object; msg: string }> = [];
    const logger = {
      warn: (obj: object, msg: string) => lines.push({ level: 'warn', obj, msg }),
      info: (obj: object, msg: string) => lines.push({ level: 'info', obj, msg }),
    };
    logCalendarCoverage(logger, calendarCoverage([], '2026-12-01'));
    logCalendarCoverage(logger, calendarCoverage([2027], '2026-12-01'));
    expect(lines[0]).toMatchObject({ level: 'warn', obj: { calendar: { coveredThrough: '2026-12-31', daysAhead: 30 } } });
    expect(lines[0].msg).toContain('2026-12-31');
    expect(lines[1]).toMatchObject({ level: 'info', obj: { calendar: { coveredThrough: '2027-12-31' } } });
  });

  test('a malformed today is refused', () => {
    expect(() => calendarCoverage([], '2026-13-01')).toThrow(RangeError);
  });
});

describe('explanations with imports', () => {
  test('an ordinary day of an imported year says so, and an override day gives its note', () => {
    const calendar = new WorkingCalendar(new Map([['2027-01-01', false]]), {
      importedYears: [2027], notes: new Map([['2027-01-01', '元旦']]),
    });
    expect(calendar.explainDay('2027-03-01')).toEqual({
      day: '2027-03-01', working: true, source: 'weekday',
      reason: 'Monday (no holiday or 调休 on this day in the imported 2027 schedule; Mon–Fri rule)',
      reasonZh: '星期一，工作日',
    });
    expect(calendar.explainDay('2027-01-01')).toEqual({
      day: '2027-01-01', working: false, source: 'override', reason: '元旦: day off (operator import in calendar_days)',
      reasonZh: '元旦，休息（区里调整的安排）',
    });
  });

  test('dayRange lists every day, both ends included, across a month end', () => {
    expect(dayRange('2026-12-30', '2027-01-02')).toEqual(['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02']);
    expect(dayRange('2026-12-30', '2026-12-30')).toEqual(['2026-12-30']);
    expect(dayRange('2026-12-30', '2026-12-29')).toEqual([]);
  });
});

describe('import files', () => {
  const example = fs.readFileSync(path.join(__dirname, '..', 'docs', 'holidays-example.json'), 'utf8');

  test('the example file is a 2027 schedule: its year, its days off and its make-up working days', () => {
    const file = parseCalendarFile(example);
    expect(file.years).toEqual([2027]);
    expect(file.days.find((d) => d.day === '2027-01-01')).toMatchObject({ working: false });
    expect(file.days.filter((d) => d.working).every((d) => [0, 6].includes(new Date(`${d.day}T00:00:00Z`).getUTCDay()))).toBe(true);
  });

  test('a schedule without "year" gives the years whose 元旦 it lists; one with "year" gives that year', () => {
    expect(parseCalendarFile(JSON.stringify({ holidays: ['2027-01-01', '2027-02-08'], workdays: [] })).years).toEqual([2027]);
    expect(parseCalendarFile(JSON.stringify({ holidays: ['2027-02-08'], workdays: ['2027-02-20'] })).years).toEqual([]);
    expect(parseCalendarFile(JSON.stringify({ year: 2027, holidays: ['2027-02-08'], workdays: [] })).years).toEqual([2027]);
  });

  test('a year\'s schedule may start in the December before (元旦 from 31 December) but not stray further', () => {
    expect(parseCalendarFile(JSON.stringify({ year: 2027, holidays: ['2026-12-31', '2027-01-01'] })).years).toEqual([2027]);
    expect(() => parseCalendarFile(JSON.stringify({ year: 2027, holidays: ['2027-01-01', '2028-01-03'] }))).toThrow(/2028-01-03 is not in 2027/);
    expect(() => parseCalendarFile(JSON.stringify({ year: 2027, holidays: [], workdays: ['2027-02-20'] }))).toThrow(/no holiday/);
    expect(() => parseCalendarFile(JSON.stringify({ year: '2027', holidays: ['2027-01-01'] }))).toThrow(/year/);
  });

  test('a list of days corrects days and never gives a year', () => {
    const file = parseCalendarFile(JSON.stringify([{ day: '2027-01-01', working: false, note: '元旦' }, { day: '2027-02-20', working: true }]));
    expect(file).toEqual({
      years: [],
      days: [{ day: '2027-01-01', working: false, note: '元旦' }, { day: '2027-02-20', working: true, note: '' }],
    });
  });

  test('bad files are refused with the reason', () => {
    expect(() => parseCalendarFile('{')).toThrow(/not valid JSON/);
    expect(() => parseCalendarFile(JSON.stringify({ holidays: ['2027-02-30'] }))).toThrow(/holidays\[0\]/);
    expect(() => parseCalendarFile(JSON.stringify({ holidays: ['2027-02-20'], workdays: ['2027-02-20'] }))).toThrow(/both/);
    expect(() => parseCalendarFile(JSON.stringify({ days: [] }))).toThrow(/unknown key "days"/);
    expect(() => parseCalendarFile(JSON.stringify([{ day: '2027-01-01', working: 'no' }]))).toThrow(/working/);
    expect(() => parseCalendarFile('"2027"')).toThrow(/expected a list/);
  });
});
