/**
 * 高频诉求 (recurring matters) on the read model: SQL only. One pass over the whistles filed in
 * the period and in the period of the same length before it (the index `whistles_recurring_idx`,
 * migrations/030), grouped by place and category.
 */
import type { Pool } from 'pg';

export type PlaceLevel = 'compound' | 'community' | 'street';

/** The column of each level: chosen from this fixed map, never from the request. */
const PLACE_COLUMN: Record<PlaceLevel, string> = { compound: 'compound_id', community: 'community_id', street: 'street_id' };

export interface RecurringRow {
  placeId: string;
  placeName: string;
  category: string;
  count: number;
  previousCount: number;
  whistleIds: string[];
  firstAt: string;
  lastAt: string;
}

export interface RecurringQuery {
  level: PlaceLevel;
  /** Start of the period before, start of the period, end of the period (exclusive). */
  previousFrom: Date;
  from: Date;
  to: Date;
  category: string | null;
  minCount: number;
  limit: number;
}

/**
 * The ids in filing order (then by id). Sorted here for the groups returned, not in SQL: an
 * aggregate with ORDER BY makes PostgreSQL sort every row of the periods by place and category
 * (a GroupAggregate: 0.4 s for a year of 150 whistles a day) where a HashAggregate needs no sort.
 */
function oldestFirst(ids: string[], filed: Date[]): string[] {
  return ids.map((id, i) => ({ id, at: filed[i].getTime() }))
    .sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((x) => x.id);
}

export function recurringSql(level: PlaceLevel): string {
  const place = PLACE_COLUMN[level];
  return `
    WITH grouped AS (
      SELECT ${place} AS place_id, category,
             coalesce(sum(reports) FILTER (WHERE filed_at >= $2), 0)::int AS count,
             coalesce(sum(reports) FILTER (WHERE filed_at < $2), 0)::int AS previous_count,
             array_agg(id) FILTER (WHERE filed_at >= $2) AS whistle_ids,
             array_agg(filed_at) FILTER (WHERE filed_at >= $2) AS filed,
             min(filed_at) FILTER (WHERE filed_at >= $2) AS first_at,
             max(filed_at) FILTER (WHERE filed_at >= $2) AS last_at
        FROM whistles
       WHERE filed_at >= $1 AND filed_at < $3 AND status <> 'merged'
         AND ($4::text IS NULL OR category = $4) AND ${place} IS NOT NULL
       GROUP BY ${place}, category)
    SELECT g.place_id, coalesce(o.name, g.place_id) AS place_name, g.category, g.count, g.previous_count,
           g.whistle_ids, g.filed, g.first_at, g.last_at
      FROM grouped g LEFT JOIN orgs o ON o.id = g.place_id
     WHERE g.count >= $5
     ORDER BY g.count DESC, g.last_at DESC, g.place_id, g.category
     LIMIT $6`;
}

export async function recurring(pool: Pool, q: RecurringQuery): Promise<RecurringRow[]> {
  const { rows } = await pool.query<{
    place_id: string; place_name: string; category: string; count: number; previous_count: number;
    whistle_ids: string[]; filed: Date[]; first_at: Date; last_at: Date;
  }>(recurringSql(q.level), [q.previousFrom, q.from, q.to, q.category, q.minCount, q.limit]);
  return rows.map((r) => ({
    placeId: r.place_id, placeName: r.place_name, category: r.category, count: r.count, previousCount: r.previous_count,
    whistleIds: oldestFirst(r.whistle_ids, r.filed), firstAt: r.first_at.toISOString(), lastAt: r.last_at.toISOString(),
  }));
}
