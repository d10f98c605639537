/**
 * The working-day calendar: China's official holidays and 调休 make-up working days, operator
 * overrides, and deadlines that end at 24:00 Asia/Shanghai. Pure: no database, no Temporal.
 * Holiday facts below were checked against the chinese-days package data (2025 and 2026 schedules).
 */
import type { Pool } from 'pg';
import {
  WorkingCalendar,
  loadCalendarOverrides,
  quarterOf,
  quarterRange,
  shanghaiDay,
} from '../lib/calendar';

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
