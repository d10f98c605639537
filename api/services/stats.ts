/**
 * Figures like the seed reports them (办理居民事项 … 件, 满意率 …): every figure is about the
 * whistles filed from `from` to `to` (days in Asia/Shanghai, both inclusive; all time when
 * omitted), so the statuses add up to `filed`.
 */
import type { Pool } from 'pg';
import { isCalendarDay } from '../../lib/calendar';
import { invalid } from '../errors';
import type { StatsQuery } from '../schemas/supervision';
import { WHISTLE_STATUSES, type WhistleStatus } from '../../workflows/messages';

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
}

/** 00:00 Asia/Shanghai at the start of `day`. */
function startOf(day: string, name: string): Date {
  if (!isCalendarDay(day)) throw invalid(`${name}: "${day}" is not a date (YYYY-MM-DD)`);
  return new Date(`${day}T00:00:00+08:00`);
}

// Status names come from the code's own list, never from the request.
const STATUS_COLUMNS = WHISTLE_STATUSES.map((s) => `count(*) FILTER (WHERE status = '${s}')::int AS "${s}"`).join(',\n       ');

export class StatsService {
  constructor(private readonly pool: Pool) {}

  async stats(q: StatsQuery): Promise<Stats> {
    const from = q.from ? startOf(q.from, 'from') : null;
    const to = q.to ? new Date(startOf(q.to, 'to').getTime() + DAY_MS) : null;
    if (from && to && from >= to) throw invalid('from must not be after to');
    const range = '($1::timestamptz IS NULL OR w.filed_at >= $1) AND ($2::timestamptz IS NULL OR w.filed_at < $2)';
    const [whistles, events] = await Promise.all([
      this.pool.query<Record<string, number>>(
        `SELECT count(*)::int AS all_filed,
                count(*) FILTER (WHERE list = 'immediate')::int AS immediate,
                count(*) FILTER (WHERE list = 'phased')::int AS phased,
                count(*) FILTER (WHERE list = 'understanding')::int AS understanding,
                ${STATUS_COLUMNS}
           FROM whistles w WHERE ${range}`, [from, to]),
      this.pool.query<Record<string, number>>(
        `SELECT count(*) FILTER (WHERE e.type = 'evaluated')::int AS total,
                count(*) FILTER (WHERE e.type = 'evaluated' AND e.data->>'rating' = 'satisfied')::int AS satisfied,
                count(*) FILTER (WHERE e.type = 'evaluated' AND e.data->>'rating' = 'basically_satisfied')::int AS "basicallySatisfied",
                count(*) FILTER (WHERE e.type = 'evaluated' AND e.data->>'rating' = 'unsatisfied')::int AS unsatisfied,
                count(DISTINCT e.whistle_id) FILTER (WHERE e.type IN ('overdue', 'deadline_escalation'))::int AS overdue,
                count(DISTINCT e.whistle_id) FILTER (WHERE e.type IN ('escalated', 'deadline_escalation'))::int AS escalated,
                count(*) FILTER (WHERE e.type = 'triaged')::int AS dispatches,
                count(*) FILTER (WHERE e.type = 'triaged' AND e.data ? 'followedSuggestion')::int AS "withSuggestion",
                count(*) FILTER (WHERE e.type = 'triaged' AND e.data->>'followedSuggestion' = 'true')::int AS "followedSuggestion"
           FROM whistle_events e JOIN whistles w ON w.id = e.whistle_id
          WHERE e.type IN ('evaluated', 'overdue', 'deadline_escalation', 'escalated', 'triaged') AND ${range}`, [from, to]),
    ]);
    const w = whistles.rows[0];
    const e = events.rows[0];
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
    };
  }
}
