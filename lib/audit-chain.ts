/**
 * The audit log's hash chain (migration 021): checked here again, in Node, entry by entry from
 * the anchor (the last entry the retention purge removed, or the start), so a check does not
 * trust the database's own functions; and the retention purge, the only way entries leave.
 *
 * An entry's hash is SHA-256 over the previous entry's hash (hex) followed by its canonical JSON:
 * `{"seq","at","type","actor","subject","note","address"}` in that order, `at` as an ISO instant
 * with milliseconds, absent values null.
 */
import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { recordAudit } from './audit';
import { inTransaction } from './db';

export interface ChainEntry {
  seq: number; at: Date; type: string; actor: string; subject: string | null; note: string | null; address: string | null;
}

export interface ChainCheck {
  ok: boolean;
  /** Entries checked (those kept). */
  entries: number;
  /** The first entry whose number or hash does not follow from the one before, or null. */
  firstBadSeq: number | null;
}

function canonicalEntry(e: ChainEntry): string {
  return JSON.stringify({
    seq: e.seq, at: e.at.toISOString(), type: e.type, actor: e.actor, subject: e.subject, note: e.note, address: e.address,
  });
}

export function entryHash(previousHash: string, e: ChainEntry): string {
  return createHash('sha256').update(previousHash + canonicalEntry(e), 'utf8').digest('hex');
}

const BATCH = 5000;

/** Walks the whole kept chain in order of seq, in batches (constant memory). */
export async function verifyAudit(db: Pool | PoolClient): Promise<ChainCheck> {
  const { rows: [anchor] } = await db.query<{ seq: string; hash: string }>('SELECT seq::text AS seq, hash FROM audit_anchor');
  let expectedSeq = Number(anchor.seq) + 1;
  let previous = anchor.hash;
  let entries = 0;
  for (;;) {
    const { rows } = await db.query<ChainEntry & { seq: string; hash: string }>(
      `SELECT seq::text AS seq, at, type, actor, subject, note, address, hash FROM audit_log
        WHERE audit_log.seq >= $1 ORDER BY audit_log.seq LIMIT $2`, [expectedSeq, BATCH]);
    for (const row of rows) {
      const seq = Number(row.seq);
      entries++;
      if (seq !== expectedSeq || entryHash(previous, { ...row, seq }) !== row.hash) {
        const { rows: [count] } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log');
        return { ok: false, entries: count.n, firstBadSeq: Math.min(seq, expectedSeq) };
      }
      previous = row.hash;
      expectedSeq++;
    }
    if (rows.length < BATCH) break;
  }
  // An entry with a seq below the anchor's would be one the walk never met.
  const { rows: [stray] } = await db.query<{ seq: string | null }>('SELECT min(seq)::text AS seq FROM audit_log WHERE seq <= $1', [anchor.seq]);
  if (stray.seq !== null) return { ok: false, entries: entries + 1, firstBadSeq: Number(stray.seq) };
  return { ok: true, entries, firstBadSeq: null };
}

export interface PurgeResult { removed: number; throughSeq: number | null }

/**
 * Removes the entries older than `retentionDays`, oldest first and without a gap (stopping at the
 * first younger one), in one transaction under the chain's lock; the anchor takes the last removed
 * entry's seq and hash, so the kept chain still checks from its first entry. Writes
 * `audit_purged` when it removed anything.
 */
export async function purgeAudit(pool: Pool, retentionDays: number, actor: string): Promise<PurgeResult> {
  if (!Number.isInteger(retentionDays) || retentionDays < 1) throw new Error('retentionDays must be a whole number of days, at least 1');
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(7426021)');
    const { rows: [cut] } = await client.query<{ cutoff: Date }>("SELECT now() - make_interval(days => $1) AS cutoff", [retentionDays]);
    await client.query("SELECT set_config('whistle.audit_purge_before', $1, true)", [cut.cutoff.toISOString()]);
    const { rows: [last] } = await client.query<{ seq: string; hash: string }>(
      `SELECT seq::text AS seq, hash FROM audit_log
        WHERE seq < COALESCE((SELECT min(seq) FROM audit_log WHERE at >= $1), (SELECT max(seq) + 1 FROM audit_log))
        ORDER BY audit_log.seq DESC LIMIT 1`, [cut.cutoff]);
    // Nothing to remove: the transaction changed nothing (its set_config is local to it).
    if (!last) return { removed: 0, throughSeq: null };
    const removed = await client.query('DELETE FROM audit_log WHERE seq <= $1', [last.seq]);
    await client.query('UPDATE audit_anchor SET seq = $1, hash = $2', [last.seq, last.hash]);
    await client.query("SELECT set_config('whistle.audit_purge_before', '', true)");
    await recordAudit(client, {
      type: 'audit_purged', actor, subject: null,
      note: `${removed.rowCount} entries older than ${retentionDays} days removed, through seq ${last.seq}; the chain continues from its hash`,
    });
    return { removed: removed.rowCount ?? 0, throughSeq: Number(last.seq) };
  });
}
