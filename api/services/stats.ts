/**
 * Figures like the seed reports them (办理居民事项 … 件, 满意率 …): every figure is about the
 * whistles filed from `from` to `to` (days in Asia/Shanghai, both inclusive; all time when
 * omitted), so the statuses add up to `filed`.
 */
import type { Pool } from 'pg';
import { isCalendarDay } from '../../lib/calendar';
import { suggestionRates } from '../../lib/stores/suggestions';
import { shanghaiMidnight } from '../../domain/shanghai-time';
import { invalid } from '../errors';
import type { StatsQuery } from '../schemas/supervision';
import { WHISTLE_STATUSES, type WhistleStatus } from '../../domain';
import { figures } from '../../lib/stores/whistle-reports';

const DAY_MS = 86_400_000;

export interface Stats {
  from: string | null;
  to: string | null;
  filed: number;
  mattersHandled: number;
  byList: { immediate: number; phased: number; understanding: number };
  byStatus: Record<WhistleStatus, number>;
  evaluations: { total: number; satisfied: number; basicallySatisfied: number; unsatisfied: number };
  satisfactionRate: number | null;
  overdue: number;
  escalated: number;
  /** 派单目录: dispatches of these whistles, those whose category had a catalogue entry, and those that followed it. */
  triage: { dispatches: number; withSuggestion: number; followedSuggestion: number; followedRate: number | null };
  /** 智能分派: how often the suggestion made at filing was the final choice (category; lead of the final dispatch). */
  suggestion: { categoryTop1Rate: number | null; departmentTop1Rate: number | null };
}

/** 00:00 Asia/Shanghai at the start of `day`. */
function startOf(day: string, name: string): Date {
  if (!isCalendarDay(day)) throw invalid(`${name}: "${day}" is not a date (YYYY-MM-DD)`, `${name === 'from' ? '开始' : '结束'}日期无效（应为 YYYY-MM-DD）`);
  return shanghaiMidnight(day);
}

export class StatsService {
  constructor(private readonly pool: Pool) {}

  async stats(q: StatsQuery): Promise<Stats> {
    const from = q.from ? startOf(q.from, 'from') : null;
    const to = q.to ? new Date(startOf(q.to, 'to').getTime() + DAY_MS) : null;
    if (from && to && from >= to) throw invalid('from must not be after to', '开始日期不能晚于结束日期');
    const [{ whistles: w, events: e }, suggestion] = await Promise.all([figures(this.pool, from, to), suggestionRates(this.pool, from, to)]);
    const byStatus = Object.fromEntries(WHISTLE_STATUSES.map((s) => [s, w[s]])) as Record<WhistleStatus, number>;
    return {
      from: q.from ?? null,
      to: q.to ?? null,
      filed: w.all_filed,
      mattersHandled: byStatus.resolved + byStatus.closed,
      byList: { immediate: w.immediate, phased: w.phased, understanding: w.understanding },
      byStatus,
      evaluations: { total: e.total, satisfied: e.satisfied, basicallySatisfied: e.basicallySatisfied, unsatisfied: e.unsatisfied },
      satisfactionRate: e.total > 0 ? Math.round(((e.satisfied + e.basicallySatisfied) / e.total) * 10_000) / 10_000 : null,
      overdue: e.overdue,
      escalated: e.escalated,
      triage: {
        dispatches: e.dispatches, withSuggestion: e.withSuggestion, followedSuggestion: e.followedSuggestion,
        followedRate: e.withSuggestion > 0 ? Math.round((e.followedSuggestion / e.withSuggestion) * 10_000) / 10_000 : null,
      },
      suggestion,
    };
  }
}
