/**
 * Idempotency keys (table `idempotency_keys`): the fingerprint of each account's key's first
 * request, and its age. SQL only.
 */
import type { Db } from '../db';

/** Records the key's first request; false when the key was used before. */
export async function recordKey(db: Db, accountId: string, key: string, fingerprint: string): Promise<boolean> {
  const inserted = await db.query(
    `INSERT INTO idempotency_keys (account_id, key, fingerprint) VALUES ($1, $2, $3)
     ON CONFLICT (account_id, key) DO NOTHING RETURNING 1`, [accountId, key, fingerprint]);
  return (inserted.rowCount ?? 0) > 0;
}

/** What the key's first request left (its fingerprint, erased once expired), or null for an unknown key. */
export async function keyRecord(db: Db, accountId: string, key: string, ttlSeconds: number):
  Promise<{ fingerprint: string | null; keyed: boolean; expired: boolean } | null> {
  const { rows } = await db.query<{ fingerprint: string | null; keyed: boolean; expired: boolean }>(
    `SELECT fingerprint, keyed, created_at < now() - make_interval(secs => $3) AS expired
       FROM idempotency_keys WHERE account_id = $1 AND key = $2`, [accountId, key, ttlSeconds]);
  return rows[0] ?? null;
}

/** Erases the fingerprints older than `ttlSeconds`; answers how many. */
export async function eraseExpiredFingerprints(db: Db, ttlSeconds: number): Promise<number> {
  const erased = await db.query(
    `UPDATE idempotency_keys SET fingerprint = NULL
      WHERE fingerprint IS NOT NULL AND created_at < now() - make_interval(secs => $1)`, [ttlSeconds]);
  return erased.rowCount ?? 0;
}
