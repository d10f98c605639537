/**
 * Personal data retention (个人信息保护): the reporter's name and phone are erased from PostgreSQL
 * `retention.reporterDays` calendar days after the whistle ends — closed or withdrawn (its
 * `closed_at`), or merged into another whistle, whose own closing or withdrawal then counts.
 * The phone row (`whistle_reporters`) is deleted and `whistles.reporter_name` cleared, with
 * `reporter_erased_at` noting when; the notice board then shows `*`.
 *
 * The erasure sticks: the projection (activities/read-model.ts) writes `reporter_name` only when
 * it inserts a whistle's row and never on conflict, so later projections of the same whistle (a
 * reconcile --repair too) leave it erased. Temporal's history keeps the name (never the phone)
 * until the namespace's retention period removes the closed workflow.
 *
 * Run daily by the `reporter-retention` Schedule (workflows/reporter-retention.ts). Idempotent: a
 * second sweep the same day finds nothing; batches of 500 whistles, one transaction each.
 */
import type { Pool } from 'pg';
import type { Policy } from '../lib/policy';
import type { RetentionActivities, RetentionSweep } from './types';

const BATCH = 500;

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

/**
 * Phone rows of filings whose workflow never started (no whistle row), older than the retention
 * period and never younger than a day (a filing in flight has its row before its whistle).
 */
const ORPHANS_SQL = `
DELETE FROM whistle_reporters r
 WHERE r.created_at <= now() - make_interval(days => GREATEST($1::int, 1))
   AND NOT EXISTS (SELECT 1 FROM whistles w WHERE w.id = r.whistle_id)`;

/** One full sweep with `reporterDays`; what it erased. */
export async function eraseExpiredReporters(pool: Pool, reporterDays: number): Promise<RetentionSweep> {
  const days = Math.max(0, Math.floor(reporterDays));
  let erased = 0;
  for (;;) {
    const { rowCount } = await pool.query(ERASE_SQL, [days, BATCH]);
    erased += rowCount ?? 0;
    if ((rowCount ?? 0) < BATCH) break;
  }
  const orphans = (await pool.query(ORPHANS_SQL, [days])).rowCount ?? 0;
  return { erased, orphans, reporterDays: days };
}

export function createRetentionActivities(pool: Pool, policy: Policy): RetentionActivities {
  return {
    eraseExpiredReporters: () => eraseExpiredReporters(pool, policy.retention.reporterDays),
  };
}
