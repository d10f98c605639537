/**
 * The live-update journal (migration 035): what changed in the read model in the last minutes,
 * one row per change, written by triggers and announced on `whistle_live`. SQL only; the API's
 * live-update services read it through here.
 */
import type { Pool, PoolClient, Client } from 'pg';

type Queryable = Pick<Pool | PoolClient | Client, 'query'>;

export const LIVE_CHANNEL = 'whistle_live';

/** The organisations a whistle's visibility reads, and what its event carries. */
export interface WhistleFacts {
  status: string; holder: string | null; version: number;
  streetId: string; filerOrgId: string; communityId: string; seenByDepartments: string[];
  merged: Array<{ filerOrgId: string; communityId: string }>;
}
export interface HelpFacts { status: string; holder: string | null; version: number; communityId: string; streetId: string; requesterId: string }
export interface NotificationFacts {
  kind: string; subjectType: string; subjectId: string; recipientOrgId: string; recipientAccountId: string | null;
}

export type JournalRow =
  | { id: string; kind: 'whistle'; subjectId: string; facts: WhistleFacts }
  | { id: string; kind: 'help'; subjectId: string; facts: HelpFacts }
  | { id: string; kind: 'notification'; subjectId: string; facts: NotificationFacts };

/** Journal rows after `afterId`, in id order, at most `limit`. Ids are decimal strings (bigint). */
export async function journalAfter(db: Queryable, afterId: string, limit: number, uptoId?: string): Promise<JournalRow[]> {
  const { rows } = await db.query<JournalRow>(
    `SELECT id::text AS id, kind, subject_id AS "subjectId", facts FROM live_events
      WHERE id > $1::bigint ${uptoId ? 'AND id <= $3::bigint' : ''} ORDER BY id LIMIT $2`,
    uptoId ? [afterId, limit, uptoId] : [afterId, limit]);
  return rows;
}

/**
 * The journal's extent: the oldest id kept, and the last id handed out (the sequence's, so a row
 * whose transaction has not committed yet counts, and so does one rolled back). '0' when empty / none yet.
 */
export async function journalBounds(db: Queryable): Promise<{ oldest: string | null; last: string }> {
  const { rows } = await db.query<{ oldest: string | null; last: string }>(
    `SELECT (SELECT min(id) FROM live_events)::text AS oldest,
            (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM live_events_id_seq)::text AS last`);
  return rows[0];
}

/**
 * The transaction horizon: `xmax` is the first transaction id not yet handed out, `xmin` the
 * oldest still running. A journal id missing between two that are visible belongs to a transaction
 * still running (or rolled back): once `xmin` has passed an earlier reading's `xmax`, every
 * transaction running at that reading has ended, and an id still missing never comes.
 */
export async function transactionHorizon(db: Queryable): Promise<{ xmin: bigint; xmax: bigint }> {
  const { rows } = await db.query<{ xmin: string; xmax: string }>(
    'SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin, pg_snapshot_xmax(pg_current_snapshot())::text AS xmax');
  return { xmin: BigInt(rows[0].xmin), xmax: BigInt(rows[0].xmax) };
}

/** Deletes rows older than `keepSeconds`, never the newest. Returns how many went. */
export async function pruneJournal(db: Queryable, keepSeconds: number): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM live_events WHERE id < coalesce(
       (SELECT id FROM live_events WHERE at >= now() - make_interval(secs => $1) ORDER BY id LIMIT 1),
       (SELECT max(id) FROM live_events))`, [keepSeconds]);
  return rowCount ?? 0;
}

/** The facts of whistles that `canSee` reads, by id: for the notifications about them. */
export async function whistleFactsOf(db: Queryable, ids: string[]): Promise<Map<string, WhistleFacts>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.query<WhistleFacts & { id: string }>(
    `SELECT id, status, holder, version, street_id AS "streetId", filer_org_id AS "filerOrgId", community_id AS "communityId",
            seen_by_departments AS "seenByDepartments", coalesce(rules -> 'merged', '[]'::jsonb) AS merged
       FROM whistles WHERE id = ANY($1::text[])`, [ids]);
  return new Map(rows.map(({ id, ...facts }) => [id, facts]));
}
