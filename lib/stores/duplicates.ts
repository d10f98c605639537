/**
 * 重复件: the possible duplicates of a whistle — other open whistles of the same street and
 * category, filed within `duplicates.withinDays` calendar days up to this whistle's own filing, in
 * the same compound (小区) or within `duplicates.radiusMeters` of its lat/lng. Read from the read
 * model with the indexes of migrations/011_whistle_places.sql (a GiST index over street, category,
 * place and filing time, and a B-tree over compound, category and filing time, both of open
 * whistles only), so the work follows the candidates, not the size of the table. SQL only.
 */
import { OPEN_STATUSES } from '../../domain/whistle';
import type { Db } from '../db';

/** 在办: the statuses in which a whistle is still open. Written exactly as the indexes' predicate (lib/backfills.ts). */
export { OPEN_STATUSES };
const OPEN_SQL = `status IN (${OPEN_STATUSES.map((s) => `'${s}'`).join(', ')})`;

/** The mean radius of the earth in metres, as whistle_place() (migration 011) uses it. */
const EARTH_RADIUS_M = 6_371_008.8;

/** At most this many ids, newest first: a view carries a short list for people to check, not a search. */
const MAX_POSSIBLE_DUPLICATES = 100;

const DAY_MS = 86_400_000;

export interface DuplicateSubject {
  id: string;
  streetId: string;
  category: string;
  compoundId?: string | null;
  lat?: number | null;
  lng?: number | null;
  /** ISO 8601 instant (the view's `filedAt`) or a Date. */
  filedAt: string | Date;
}

export interface DuplicateSettings { radiusMeters: number; withinDays: number }

/**
 * The straight-line distance through the earth between two surface points that are `meters`
 * apart along it: what whistle_place() points are compared by (cube_distance).
 */
export function chordOf(meters: number): number {
  return 2 * EARTH_RADIUS_M * Math.sin(Math.min(meters, Math.PI * EARTH_RADIUS_M) / (2 * EARTH_RADIUS_M));
}

const isCoordinate = (v: unknown, max: number): v is number => typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= max;

/**
 * One statement per way of matching (same compound; near), each served by its own index;
 * `UNION` merges the two. Returns the SQL and its parameters, or null when the whistle has
 * neither a compound nor coordinates (nothing can match).
 */
export function duplicatesQuery(whistle: DuplicateSubject, settings: DuplicateSettings): { sql: string; params: unknown[] } | null {
  const filedAt = new Date(whistle.filedAt);
  if (Number.isNaN(filedAt.getTime())) throw new Error(`possibleDuplicates: filedAt "${String(whistle.filedAt)}" is not an instant`);
  const params: unknown[] = [];
  const p = (value: unknown) => { params.push(value); return `$${params.length}`; };
  // Asia/Shanghai keeps no daylight saving: N calendar days back are N × 24 hours back.
  const common = `${OPEN_SQL} AND street_id = ${p(whistle.streetId)} AND category = ${p(whistle.category)}
       AND filed_at >= ${p(new Date(filedAt.getTime() - settings.withinDays * DAY_MS).toISOString())}::timestamptz
       AND filed_at <= ${p(filedAt.toISOString())}::timestamptz AND id <> ${p(whistle.id)}`;
  const arms: string[] = [];
  if (whistle.compoundId) {
    arms.push(`SELECT id, filed_at FROM whistles WHERE ${common} AND compound_id = ${p(whistle.compoundId)}`);
  }
  if (isCoordinate(whistle.lat, 90) && isCoordinate(whistle.lng, 180)) {
    const here = `whistle_place(${p(whistle.lat)}::float8, ${p(whistle.lng)}::float8)`;
    const chord = p(chordOf(Math.max(0, settings.radiusMeters)));
    arms.push(`SELECT id, filed_at FROM whistles WHERE ${common} AND lat IS NOT NULL AND lng IS NOT NULL
       AND whistle_place(lat, lng) <@ cube_enlarge(${here}, ${chord}::float8, 3)
       AND cube_distance(whistle_place(lat, lng), ${here}) <= ${chord}::float8`);
  }
  if (!arms.length) return null;
  const sql = `SELECT id FROM (${arms.join('\n     UNION\n     ')}) candidates
    ORDER BY filed_at DESC, id DESC LIMIT ${MAX_POSSIBLE_DUPLICATES}`;
  return { sql, params };
}

/** The ids of the possible duplicates of `whistle`, newest first (at most MAX_POSSIBLE_DUPLICATES). */
export async function possibleDuplicates(db: Db, whistle: DuplicateSubject, settings: DuplicateSettings): Promise<string[]> {
  const query = duplicatesQuery(whistle, settings);
  if (!query) return [];
  const { rows } = await db.query<{ id: string }>(query.sql, query.params);
  return rows.map((r) => r.id);
}
