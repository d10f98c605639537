/**
 * What the read model of whistles tells beyond one whistle and the list: the community notice
 * board (公示栏), Open311's public requests, the district's figures, and the caseload counted for
 * /metrics. SQL only: masking, names and formats are the services'.
 */
import type { Db } from '../db';
import { OPEN_STATUSES, WHISTLE_STATUSES, type List, type Rating, type WhistleStatus } from '../../domain';

// ---- 公示栏 -----------------------------------------------------------------------------------

export interface BoardRow {
  id: string; status: 'resolved' | 'closed'; list: List | null; category: string; street_id: string;
  filed_at: Date; resolved_at: Date | null; closed_at: Date | null; rating: Rating | null; reporter_name: string | null;
  reporter_erased: boolean;
  posted_at: Date; title: string; result: string | null; outcome: 'solved' | 'explained' | null;
  departments: Array<{ id: string; lead: boolean; status: string }> | null;
  reports: number;
}

/**
 * A community's resolved and closed whistles, newest resolution first, after the board entry
 * `after` when given: at most `limit + 1` rows (one more tells that a next page exists).
 */
export async function boardRows(db: Db, communityId: string, after: { at: string; id: string } | undefined, limit: number): Promise<BoardRow[]> {
  const params: unknown[] = [communityId];
  let since = '';
  if (after) {
    params.push(after.at, after.id);
    since = 'AND (COALESCE(resolved_at, filed_at), id) < ($2::timestamptz, $3)';
  }
  params.push(limit + 1);
  const { rows } = await db.query<BoardRow>(
    `SELECT id, status, list, category, street_id, filed_at, resolved_at, closed_at, rating, reporter_name,
            reporter_erased_at IS NOT NULL AS reporter_erased,
            COALESCE(resolved_at, filed_at) AS posted_at, view->>'title' AS title, view->>'result' AS result,
            view->>'outcome' AS outcome, view->'departments' AS departments, reports
       FROM whistles
      WHERE community_id = $1 AND status IN ('resolved', 'closed') ${since}
      ORDER BY COALESCE(resolved_at, filed_at) DESC, id DESC
      LIMIT $${params.length}`, params);
  return rows;
}

// ---- Open311 ----------------------------------------------------------------------------------

export interface PublicRequestRow {
  id: string; status: string; category: string; community_id: string; compound_id: string | null; filer_org_id: string;
  holder: string | null; filed_at: Date; due_at: Date | null; lat: number | null; lng: number | null; result: string | null;
  title: string | null; description: string | null; address: string | null; media_url: string | null;
  /** The latest timeline entry among `changeTypes` (a change of status or holder); null: none yet. */
  changed_at: Date | null; resolver: string | null;
}

/** Which whistles Open311 lists: these ids, or a span of filing times and categories; in these statuses always. */
export interface PublicRequestFilter {
  statuses: readonly string[];
  ids?: string[];
  categories?: string[];
  filedFrom?: Date;
  filedTo?: Date;
  /** The timeline entries that change a whistle's status or holder (for `changed_at`). */
  changeTypes: readonly string[];
  limit: number;
}

/** The whistles of `f`, newest first, with the unit that resolved each (for `agency_responsible`). */
export async function publicRequests(db: Db, f: PublicRequestFilter): Promise<PublicRequestRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const p = (value: unknown) => { params.push(value); return `$${params.length}`; };
  if (f.ids) where.push(`w.id = ANY(${p(f.ids)}::text[])`);
  where.push(`w.status = ANY(${p(f.statuses)}::text[])`);
  if (f.categories) where.push(`w.category = ANY(${p(f.categories)}::text[])`);
  if (f.filedFrom) where.push(`w.filed_at >= ${p(f.filedFrom.toISOString())}::timestamptz`);
  if (f.filedTo) where.push(`w.filed_at <= ${p(f.filedTo.toISOString())}::timestamptz`);
  const changeTypes = p([...f.changeTypes]);
  const { rows } = await db.query<PublicRequestRow>(
    `SELECT w.id, w.status, w.category, w.community_id, w.compound_id, w.filer_org_id, w.holder, w.filed_at, w.due_at, w.lat, w.lng,
            w.view ->> 'result' AS result, w.view ->> 'title' AS title, w.view ->> 'description' AS description,
            w.view -> 'location' ->> 'address' AS address, w.media_url,
            (SELECT max(e.at) FROM whistle_events e WHERE e.whistle_id = w.id AND e.type = ANY(${changeTypes}::text[])) AS changed_at,
            (SELECT e.unit_id FROM whistle_events e WHERE e.whistle_id = w.id AND e.type = 'resolved'
              ORDER BY e.seq DESC LIMIT 1) AS resolver
       FROM whistles w
      WHERE ${where.join(' AND ')}
      ORDER BY w.filed_at DESC, w.id DESC
      LIMIT ${Math.max(1, Math.floor(f.limit))}`, params);
  return rows;
}

/** Keeps the `media_url` an Open311 client sent with the filing of `id` (the first one given stays). */
export async function keepMediaUrl(db: Db, id: string, mediaUrl: string): Promise<void> {
  await db.query('UPDATE whistles SET media_url = $2 WHERE id = $1 AND media_url IS NULL', [id, mediaUrl]);
}

// ---- the district's figures -------------------------------------------------------------------

// Status names come from the code's own list, never from a request.
const STATUS_COLUMNS = WHISTLE_STATUSES.map((s) => `count(*) FILTER (WHERE status = '${s}')::int AS "${s}"`).join(',\n       ');

export type WhistleCounts = { all_filed: number; immediate: number; phased: number; understanding: number } & Record<WhistleStatus, number>;

export interface EventCounts {
  total: number; satisfied: number; basicallySatisfied: number; unsatisfied: number; overdue: number; escalated: number;
  dispatches: number; withSuggestion: number; followedSuggestion: number;
}

/** The whistles filed from `from` to `to` (exclusive; either open), by list and status, and what their timelines count. */
export async function figures(db: Db, from: Date | null, to: Date | null): Promise<{ whistles: WhistleCounts; events: EventCounts }> {
  const range = '($1::timestamptz IS NULL OR w.filed_at >= $1) AND ($2::timestamptz IS NULL OR w.filed_at < $2)';
  const [whistles, events] = await Promise.all([
    db.query<WhistleCounts>(
      `SELECT count(*)::int AS all_filed,
              count(*) FILTER (WHERE list = 'immediate')::int AS immediate,
              count(*) FILTER (WHERE list = 'phased')::int AS phased,
              count(*) FILTER (WHERE list = 'understanding')::int AS understanding,
              ${STATUS_COLUMNS}
         FROM whistles w WHERE ${range}`, [from, to]),
    db.query<EventCounts>(
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
  return { whistles: whistles.rows[0], events: events.rows[0] };
}

// ---- the caseload (/metrics) ------------------------------------------------------------------

/** Whistles by status, and the open ones past a deadline by holder (`none` for no holder). */
export async function caseload(db: Db): Promise<{ byStatus: Map<string, number>; overdueByHolder: Map<string, number> }> {
  const [statuses, holders] = await Promise.all([
    db.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM whistles GROUP BY status'),
    db.query<{ holder: string | null; n: number }>(
      'SELECT holder, count(*)::int AS n FROM whistles WHERE overdue AND status = ANY($1::text[]) GROUP BY holder',
      [OPEN_STATUSES]),
  ]);
  return {
    byStatus: new Map(statuses.rows.map((r) => [r.status, r.n])),
    overdueByHolder: new Map(holders.rows.map((r) => [r.holder ?? 'none', r.n])),
  };
}
