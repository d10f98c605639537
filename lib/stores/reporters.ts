/**
 * The reporters of whistles (personal data: table `whistle_reporters` with the phone, and the
 * name on `whistles.reporter_name`): read for feedback (反馈) and erased by the retention sweep.
 * SQL only.
 */
import type { Db } from '../db';

/** Name and phone of the reporters of `whistleIds` that still have them. */
export async function reportersOf(db: Db, whistleIds: string[]): Promise<Map<string, { name: string; phone: string }>> {
  const reporters = new Map<string, { name: string; phone: string }>();
  if (!whistleIds.length) return reporters;
  const { rows } = await db.query<{ whistle_id: string; name: string; phone: string }>(
    'SELECT whistle_id, name, phone FROM whistle_reporters WHERE whistle_id = ANY($1::text[])', [whistleIds]);
  for (const r of rows) reporters.set(r.whistle_id, { name: r.name, phone: r.phone });
  return reporters;
}

/**
 * Up to `$2` whistles whose reporter is due for erasure after `$1` days: those still holding a
 * name or a phone row, ended (their own end, or their original's for a merged whistle) at least
 * `$1` days ago. The phone rows go, the name goes, and the erasure is noted.
 */
const ERASE_SQL = `
WITH kept AS (
  SELECT id FROM whistles WHERE reporter_name IS NOT NULL
  UNION
  SELECT whistle_id FROM whistle_reporters
), due AS (
  SELECT w.id
    FROM kept
    JOIN whistles w ON w.id = kept.id
    LEFT JOIN whistles original ON w.status = 'merged' AND original.id = w.duplicate_of
   WHERE CASE
           WHEN w.status IN ('closed', 'withdrawn') THEN w.closed_at
           WHEN w.status = 'merged' AND original.status IN ('closed', 'withdrawn') THEN original.closed_at
         END <= now() - make_interval(days => $1::int)
   ORDER BY w.id
   LIMIT $2
   FOR UPDATE OF w SKIP LOCKED
), phones AS (
  -- (runs whether or not it is referenced, as every data-modifying WITH does)
  DELETE FROM whistle_reporters r USING due WHERE r.whistle_id = due.id RETURNING r.whistle_id
)
UPDATE whistles w
   SET reporter_name = NULL, reporter_erased_at = now()
  FROM due
 WHERE w.id = due.id
RETURNING w.id`;

/** Erases the reporters of at most `batch` whistles ended `days` days ago or earlier; answers how many. */
export async function eraseReporters(db: Db, days: number, batch: number): Promise<number> {
  const { rowCount } = await db.query(ERASE_SQL, [days, batch]);
  return rowCount ?? 0;
}

/**
 * Deletes the phone rows of filings whose workflow never started (no whistle row), older than
 * `days` and never younger than a day (a filing in flight has its row before its whistle).
 */
export async function deleteOrphanReporters(db: Db, days: number): Promise<number> {
  const { rowCount } = await db.query(`
    DELETE FROM whistle_reporters r
     WHERE r.created_at <= now() - make_interval(days => GREATEST($1::int, 1))
       AND NOT EXISTS (SELECT 1 FROM whistles w WHERE w.id = r.whistle_id)`, [days]);
  return rowCount ?? 0;
}
