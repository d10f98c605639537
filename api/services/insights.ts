/**
 * 高频诉求 / 每月一题 (recurring matters): the same kind of problem in the same place again and
 * again, for the center's monthly review — whistles filed in a period grouped by place and
 * category, most reports first, with the period of the same length before for comparison.
 */
import type { Pool } from 'pg';
import { shanghaiDay, shanghaiMidnight } from '../../domain/shanghai-time';
import { isCalendarDay } from '../../lib/calendar';
import { categoryName } from '../../lib/categories';
import { recurring, type PlaceLevel } from '../../lib/stores/recurring';
import { invalid } from '../errors';
import type { RecurringQuery } from '../schemas/insights';

const DAY_MS = 86_400_000;
/** The default period: 30 days, today included. */
const DEFAULT_DAYS = 30;
/** `to` at most this many days after `from`. */
const MAX_SPAN_DAYS = 366;

/** A calendar day as a day number (days since 1970-01-01), and back. */
const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / DAY_MS;
const dayOf = (n: number) => new Date(n * DAY_MS).toISOString().slice(0, 10);
/** 00:00 Asia/Shanghai at the start of a day number. */
const startOf = (n: number) => shanghaiMidnight(dayOf(n));

function day(value: string | undefined, name: 'from' | 'to'): number | undefined {
  if (value === undefined) return undefined;
  if (!isCalendarDay(value)) throw invalid(`${name}: "${value}" is not a date (YYYY-MM-DD)`, `${name === 'from' ? '开始' : '结束'}日期“${value}”不是有效的日期`);
  return dayNumber(value);
}

export class InsightsService {
  constructor(private readonly pool: Pool) {}

  async recurring(q: RecurringQuery) {
    const given = { from: day(q.from, 'from'), to: day(q.to, 'to') };
    const to = given.to ?? (given.from !== undefined ? given.from + DEFAULT_DAYS - 1 : dayNumber(shanghaiDay(new Date())));
    const from = given.from ?? to - (DEFAULT_DAYS - 1);
    if (from > to) throw invalid('from must not be after to', '开始日期不能晚于结束日期');
    if (to - from > MAX_SPAN_DAYS) {
      throw invalid(`from and to may be at most ${MAX_SPAN_DAYS} days apart`, `开始和结束日期最多相隔 ${MAX_SPAN_DAYS} 天`);
    }
    const length = to - from + 1;
    const level = (q.level ?? 'community') as PlaceLevel;
    const rows = await recurring(this.pool, {
      level, previousFrom: startOf(from - length), from: startOf(from), to: startOf(to + 1),
      category: q.category ?? null, minCount: q.minCount ?? 3, limit: q.limit ?? 100,
    });
    return {
      from: dayOf(from), to: dayOf(to), previous: { from: dayOf(from - length), to: dayOf(from - 1) }, level,
      items: rows.map((r) => ({ ...r, level, categoryName: categoryName(r.category) })),
    };
  }
}
