/**
 * The audit log (审计日志, table `audit_log`) read newest first. SQL only; entries are written by
 * the changes themselves (lib/audit.ts), in their own transactions.
 */
import type { Db } from '../db';
import type { AuditType } from '../audit';

export interface AuditRow {
  id: string; seq: string; at: Date; type: AuditType; actor: string; subject: string | null; note: string | null; address: string | null; hash: string;
}

interface AuditFilter {
  from: Date | null; to: Date | null;
  /** Only entries of this actor, of this type, about this subject (each exact; null: any). */
  actor?: string | null; type?: AuditType | null; subject?: string | null;
  after?: { at: string; id: string }; limit: number;
}

/**
 * Entries from `from` (inclusive) to `to` (exclusive; either open), of the actor, type and
 * subject when given, newest first, after the entry `after` when given: at most `limit + 1` (one
 * more tells that a next page exists).
 */
export async function auditEntries(db: Db, f: AuditFilter): Promise<AuditRow[]> {
  const params: unknown[] = [f.from, f.to, f.actor ?? null, f.type ?? null, f.subject ?? null];
  let since = '';
  if (f.after) {
    // The cursor's instant has milliseconds, the column microseconds: the row itself gives the exact one.
    params.push(f.after.at, f.after.id);
    since = `AND (at, id) < (COALESCE((SELECT at FROM audit_log WHERE id = $7::bigint), $6::timestamptz), $7::bigint)`;
  }
  params.push(f.limit + 1);
  const { rows } = await db.query<AuditRow>(
    `SELECT id::text AS id, seq::text AS seq, at, type, actor, subject, note, address, hash FROM audit_log
      WHERE ($1::timestamptz IS NULL OR at >= $1) AND ($2::timestamptz IS NULL OR at < $2)
        AND ($3::text IS NULL OR actor = $3) AND ($4::text IS NULL OR type = $4) AND ($5::text IS NULL OR subject = $5) ${since}
      ORDER BY audit_log.at DESC, audit_log.id DESC LIMIT $${params.length}`, params);
  return rows;
}
