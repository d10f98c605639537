/**
 * The audit log (审计日志) of administrative events. Callers write the entry with the same
 * client, inside the same transaction, as the change it records; `note` is for people and never
 * carries a key, a password, a token or a phone.
 */
import os from 'node:os';
import type { Pool, PoolClient } from 'pg';

export const AUDIT_TYPES = [
  'account_created', 'key_rotated', 'account_disabled', 'account_enabled', 'password_set',
  'calendar_imported', 'catalogue_changed', 'notification_retried', 'assessment_published',
] as const;
export type AuditType = (typeof AUDIT_TYPES)[number];

export interface AuditEntry {
  type: AuditType;
  /** An account id, `cli:<user>` for a command (see `cliActor`), `system` for a Schedule. */
  actor: string;
  subject?: string | null;
  note?: string | null;
}

/** Writes one audit entry with `db` (a transaction's client, so it commits or rolls back with the change). */
export async function recordAudit(db: Pool | PoolClient, entry: AuditEntry): Promise<void> {
  await db.query('INSERT INTO audit_log (type, actor, subject, note) VALUES ($1, $2, $3, $4)',
    [entry.type, entry.actor, entry.subject ?? null, entry.note ?? null]);
}

/** The actor of an operator's command: `cli:<operating-system user>`. */
export function cliActor(): string {
  let user = process.env.SUDO_USER || process.env.USER || process.env.LOGNAME || '';
  if (!user) {
    try { user = os.userInfo().username; } catch { user = 'unknown'; }
  }
  return `cli:${user}`;
}
