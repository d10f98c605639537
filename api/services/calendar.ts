/**
 * The holiday calendar as the API shows it: each day of a range with the rule that decided it,
 * and how far ahead the official schedule is known (`calendar` in GET /readyz, the gauge in
 * /metrics). Coverage never fails: when PostgreSQL does not answer, the last years read (or the
 * package's alone) are used, so a readiness answer always carries it.
 */
import type { Pool } from 'pg';
import {
  WorkingCalendar, calendarCoverage, dayRange, daysBetween, isCalendarDay,
  type CalendarCoverage, type DayVerdict,
} from '../../lib/calendar';
import { loadCalendarDays, loadImportedYears } from '../../lib/stores/calendar';
import { shanghaiDay } from '../../domain/shanghai-time';
import { invalid } from '../errors';
import { MAX_CALENDAR_DAYS, type CalendarQuery } from '../schemas/calendar';

/** How long coverage waits for PostgreSQL before it answers from what it read last. */
const COVERAGE_TIMEOUT_MS = 2000;

export class CalendarService {
  private importedYears: number[] = [];

  /** `now` is the clock (tests give their own day). */
  constructor(private readonly pool: Pool, private readonly now: () => Date = () => new Date()) {}

  /** Every day from `from` to `to` (both included, at most 400) with whether it is working and why. */
  async days(q: CalendarQuery): Promise<DayVerdict[]> {
    for (const [name, day] of [['from', q.from], ['to', q.to]] as const) {
      if (!isCalendarDay(day)) throw invalid(`${name}: "${day}" is not a date (YYYY-MM-DD)`, `${name === 'from' ? '开始' : '结束'}日期无效（应为 YYYY-MM-DD）`);
    }
    const span = daysBetween(q.from, q.to) + 1;
    if (span < 1) throw invalid('from must not be after to', '开始日期不能晚于结束日期');
    if (span > MAX_CALENDAR_DAYS) {
      throw invalid(`at most ${MAX_CALENDAR_DAYS} days at once (from ${q.from} to ${q.to} is ${span})`, `一次最多查询 ${MAX_CALENDAR_DAYS} 天`);
    }
    const [rows, years] = await Promise.all([loadCalendarDays(this.pool, q.from, q.to), loadImportedYears(this.pool)]);
    this.importedYears = years;
    const calendar = new WorkingCalendar(new Map(rows.map((r) => [r.day, r.working])), {
      importedYears: years, notes: new Map(rows.map((r) => [r.day, r.note])),
    });
    return dayRange(q.from, q.to).map((day) => calendar.explainDay(day));
  }

  /** How far ahead the official schedule is known, today in Asia/Shanghai. */
  async coverage(): Promise<CalendarCoverage> {
    let timer: NodeJS.Timeout | undefined;
    try {
      this.importedYears = await Promise.race([
        loadImportedYears(this.pool),
        new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('timeout')), COVERAGE_TIMEOUT_MS); }),
      ]);
    } catch {
      // PostgreSQL does not answer: the years read last time (or the package's alone).
    } finally {
      clearTimeout(timer);
    }
    return calendarCoverage(this.importedYears, shanghaiDay(this.now()));
  }
}
