/**
 * Working days (工作日) of China's official calendar, as seen from the district (Asia/Shanghai).
 *
 * A day is working or not, decided in this order:
 * 1. an operator override from the `calendar_days` table (the State Council publishes next
 *    year's holiday schedule late in the year, so operators add it as data);
 * 2. the schedule shipped in the `chinese-days` package: public holidays (节假日) are off and
 *    make-up working days (调休, a Saturday or Sunday declared a working day) are on;
 * 3. for a year the package does not cover, plain Monday to Friday.
 *
 * Coverage: the package and the operators' imports of whole years (`calendar_years`) give the
 * official schedule of some years; `calendarCoverage` says through which day, counting on from
 * this year without a gap, so operators learn in time that next year is missing.
 *
 * Pure and synchronous (the operators' days are read by lib/stores/calendar.ts); no Node built-ins, so it may be
 * bundled anywhere. Asia/Shanghai is UTC+8 all year (no daylight saving time), so the
 * conversions below are fixed +8h arithmetic.
 */
// The package's own data file. Its functions (`isWorkday` …) read the day through the process's
// local time zone and give wrong answers west of UTC (America/…: every weekday shifts by one),
// so this module looks the day up in the same data by its 'YYYY-MM-DD' key instead.
import chineseDays from 'chinese-days/dist/chinese-days.json';
import { SHANGHAI_OFFSET_MS, shanghaiDay } from '../domain/shanghai-time';

/** Operator overrides: 'YYYY-MM-DD' → true for a working day, false for a day off. */
export type CalendarOverrides = ReadonlyMap<string, boolean>;

/** Why a day is working or not: what `WorkingCalendar.explainDay` answers. */
export interface DayVerdict {
  day: string;
  working: boolean;
  /**
   * `override`: an operator's row in `calendar_days`;
   * `package`: a holiday or a 调休 working day in the chinese-days schedule;
   * `weekday`: the weekday rule (Mon–Fri working), either an ordinary day of a year the package
   * covers or any day of a year it does not.
   */
  source: 'override' | 'package' | 'weekday';
  /** A sentence for operators, e.g. "春节 (Spring Festival) holiday in the chinese-days schedule". */
  reason: string;
  /** The same for everyone, in Chinese: "春节放假", "国庆节调休上班（星期六）", "星期三，工作日". */
  reasonZh: string;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** A long enough search for the next working day; only absurd overrides can exhaust it. */
const MAX_DAYS_SCANNED = 3660;
const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const WEEKDAY_NAMES_ZH = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];

/** The package's schedule: 'YYYY-MM-DD' → "English name,中文名,n". */
const PACKAGE_HOLIDAYS: Readonly<Record<string, string>> = chineseDays.holidays;
const PACKAGE_WORKDAYS: Readonly<Record<string, string>> = chineseDays.workdays;

/** Years for which the package has the official schedule (each has at least 元旦). */
const PACKAGE_YEARS: ReadonlySet<number> = new Set(
  [...Object.keys(PACKAGE_HOLIDAYS), ...Object.keys(PACKAGE_WORKDAYS)].map((day) => Number(day.slice(0, 4))),
);

/** The years whose official schedule the chinese-days package ships, in order. */
export function packageYears(): number[] {
  return [...PACKAGE_YEARS].sort((a, b) => a - b);
}

/** What `WorkingCalendar` knows besides the overrides, for its explanations. */
export interface CalendarOptions {
  /** Years whose whole official schedule an operator imported (`calendar_years`). */
  importedYears?: Iterable<number>;
  /** The operator's note of an override day (`calendar_days.note`), e.g. "元旦". */
  notes?: ReadonlyMap<string, string>;
}

/**
 * A calendar day as a count of days since 1970-01-01 (a civil date, no time zone).
 * Throws RangeError unless `day` is a real date written 'YYYY-MM-DD'.
 */
function dayNumber(day: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (match) {
    const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const ms = Date.UTC(year, month - 1, date);
    const back = new Date(ms);
    if (back.getUTCFullYear() === year && back.getUTCMonth() === month - 1 && back.getUTCDate() === date) {
      return ms / DAY_MS;
    }
  }
  throw new RangeError(`not a calendar day (YYYY-MM-DD): "${day}"`);
}

/** 'YYYY-MM-DD' of a day number. */
function dayString(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday. */
function weekdayOf(n: number): number {
  return new Date(n * DAY_MS).getUTCDay();
}

/** The instant 00:00 Asia/Shanghai at the start of a day number. */
function shanghaiMidnight(n: number): Date {
  return new Date(n * DAY_MS - SHANGHAI_OFFSET_MS);
}

/** True when `day` is a real calendar date written 'YYYY-MM-DD'. */
export function isCalendarDay(day: string): boolean {
  try {
    dayNumber(day);
    return true;
  } catch {
    return false;
  }
}

/** The quarter ('2026-Q4') in Asia/Shanghai at that instant; assessments are per quarter. */
export function quarterOf(instant: Date): string {
  const day = shanghaiDay(instant);
  const month = Number(day.slice(5, 7));
  return `${day.slice(0, 4)}-Q${Math.floor((month - 1) / 3) + 1}`;
}

/**
 * The bounds of a quarter ('2026-Q4') as instants: `from` is 00:00 Asia/Shanghai on its first
 * day, `to` (exclusive) is 00:00 Asia/Shanghai on the first day of the next quarter.
 */
export function quarterRange(q: string): { from: Date; to: Date } {
  const match = /^(\d{4})-Q([1-4])$/.exec(q);
  if (!match) throw new RangeError(`not a quarter (YYYY-Qn, n from 1 to 4): "${q}"`);
  const year = Number(match[1]);
  const firstMonth = (Number(match[2]) - 1) * 3;
  return {
    from: new Date(Date.UTC(year, firstMonth, 1) - SHANGHAI_OFFSET_MS),
    to: new Date(Date.UTC(year, firstMonth + 3, 1) - SHANGHAI_OFFSET_MS),
  };
}

/** The official calendar of working days, with the operators' overrides on top. */
export class WorkingCalendar {
  private readonly overrides: Map<string, boolean>;
  private readonly importedYears: ReadonlySet<number>;
  private readonly notes: ReadonlyMap<string, string>;

  constructor(overrides: CalendarOverrides = new Map(), options: CalendarOptions = {}) {
    for (const day of overrides.keys()) dayNumber(day);
    this.overrides = new Map(overrides);
    this.importedYears = new Set(options.importedYears ?? []);
    this.notes = options.notes ?? new Map();
  }

  /** Whether `day` ('YYYY-MM-DD') is a working day in the district. */
  isWorkingDay(day: string): boolean {
    return this.explainDay(day).working;
  }

  /** Whether `day` is a working day, and which rule decided it. */
  explainDay(day: string): DayVerdict {
    const n = dayNumber(day);
    const override = this.overrides.get(day);
    if (override !== undefined) {
      const note = this.notes.get(day);
      const what = override ? 'working day' : 'day off';
      return {
        day,
        working: override,
        source: 'override',
        reason: note ? `${note}: ${what} (operator import in calendar_days)` : `operator override in calendar_days: ${what}`,
        reasonZh: `${note ? `${note}，` : ''}${override ? '上班' : '休息'}（区里调整的安排）`,
      };
    }
    const weekday = weekdayOf(n);
    const year = Number(day.slice(0, 4));
    if (PACKAGE_YEARS.has(year)) {
      const workday = PACKAGE_WORKDAYS[day];
      if (workday !== undefined) {
        return {
          day, working: true, source: 'package',
          reason: `${festival(workday)} 调休 make-up working day (${WEEKDAY_NAMES[weekday]}) in the chinese-days schedule`,
          reasonZh: `${festivalZh(workday)}调休上班（${WEEKDAY_NAMES_ZH[weekday]}）`,
        };
      }
      const holiday = PACKAGE_HOLIDAYS[day];
      if (holiday !== undefined) {
        return {
          day, working: false, source: 'package', reason: `${festival(holiday)} holiday in the chinese-days schedule`,
          reasonZh: `${festivalZh(holiday)}放假`,
        };
      }
    }
    const working = weekday >= 1 && weekday <= 5;
    const covered = PACKAGE_YEARS.has(year)
      ? `no holiday or 调休 on this day in the chinese-days ${year} schedule`
      : this.importedYears.has(year)
        ? `no holiday or 调休 on this day in the imported ${year} schedule`
        : `the chinese-days package has no schedule for ${year} and none was imported`;
    const unknownYear = !PACKAGE_YEARS.has(year) && !this.importedYears.has(year);
    return {
      day, working, source: 'weekday', reason: `${WEEKDAY_NAMES[weekday]} (${covered}; Mon–Fri rule)`,
      reasonZh: `${WEEKDAY_NAMES_ZH[weekday]}，${working ? '工作日' : '休息日'}${unknownYear ? `（${year} 年的节假日安排尚未发布，暂按周一至周五上班计）` : ''}`,
    };
  }

  /**
   * The deadline "within n working days" of an event at `from`: counting starts on the day
   * after the event's calendar day in Asia/Shanghai, and the deadline is 24:00 Asia/Shanghai at
   * the end of the n-th working day, returned as 00:00 +08:00 of the following calendar day.
   * `n` must be a whole number ≥ 1.
   */
  addWorkingDays(from: Date, n: number): Date {
    if (!Number.isInteger(n) || n < 1) {
      throw new RangeError(`working days must be a whole number >= 1, got ${n}`);
    }
    let day = dayNumber(shanghaiDay(from));
    let counted = 0;
    for (let scanned = 0; scanned < MAX_DAYS_SCANNED + n; scanned++) {
      day += 1;
      if (this.isWorkingDay(dayString(day))) counted += 1;
      if (counted === n) return shanghaiMidnight(day + 1);
    }
    throw new RangeError(`no ${n} working days found after ${shanghaiDay(from)}; check calendar_days`);
  }
}

/** Every day from `from` to `to` ('YYYY-MM-DD', both included), in order; empty when `to` is before `from`. */
export function dayRange(from: string, to: string): string[] {
  const days: string[] = [];
  for (let n = dayNumber(from), last = dayNumber(to); n <= last; n++) days.push(dayString(n));
  return days;
}

/** Days from `from` to `to` ('YYYY-MM-DD'): 0 for the same day, negative when `to` is before `from`. */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

/** While fewer days than this ahead are covered by official data, operators are warned. */
const COVERAGE_WARNING_DAYS = 60;

/** How far ahead the official schedule is known: `calendar` in GET /readyz. */
export interface CalendarCoverage {
  /**
   * The last day of the last year, counting on from this year without a gap, whose official
   * schedule the package or an operator's import gives ('YYYY-MM-DD'). When this year itself is
   * not covered, the last day of the year before.
   */
  coveredThrough: string;
  /** Days after today through `coveredThrough` (0 when nothing ahead is covered). */
  daysAhead: number;
  /** A sentence for operators while fewer than `COVERAGE_WARNING_DAYS` days ahead are covered, else null. */
  warning: string | null;
}

/**
 * The calendar's coverage on `today` ('YYYY-MM-DD' in Asia/Shanghai; the caller's clock, so a
 * test can say which day it is), given the years whose whole schedule operators imported.
 */
export function calendarCoverage(importedYears: Iterable<number>, today: string): CalendarCoverage {
  dayNumber(today);
  const known = new Set([...PACKAGE_YEARS, ...importedYears]);
  let year = Number(today.slice(0, 4));
  while (known.has(year)) year += 1;
  const coveredThrough = `${year - 1}-12-31`;
  const daysAhead = Math.max(0, daysBetween(today, coveredThrough));
  const warning = daysAhead >= COVERAGE_WARNING_DAYS ? null
    : `the official holiday schedule (节假日安排) is known only through ${coveredThrough} (${daysAhead} days ahead): ` +
      `working-day deadlines after that count Monday to Friday. Import the ${year} schedule once the State Council ` +
      `publishes it: npm run holidays -- import FILE (docs/OPERATIONS.md, section 6)`;
  return { coveredThrough, daysAhead, warning };
}

/** "Spring Festival,春节,4" → "春节 (Spring Festival)". */
function festival(entry: string): string {
  const [english, chinese] = entry.split(',');
  return chinese ? `${chinese} (${english})` : english;
}

/** The festival's Chinese name alone. */
function festivalZh(entry: string): string {
  const [english, chinese] = entry.split(',');
  return chinese || english;
}

/** At start (API and worker): a warning while fewer than 60 days ahead are covered, else one info line. */
export function logCalendarCoverage(
  logger: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void }, coverage: CalendarCoverage,
): void {
  const calendar = { coveredThrough: coverage.coveredThrough, daysAhead: coverage.daysAhead };
  if (coverage.warning) logger.warn({ calendar }, coverage.warning);
  else logger.info({ calendar }, `holiday calendar: official schedule known through ${coverage.coveredThrough}`);
}
