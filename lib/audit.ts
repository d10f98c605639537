/**
 * The audit log (审计日志) of administrative events, sign-ins and sign-outs. Callers write the entry
 * with the same client, inside the same transaction, as the change it records, and as the last
 * statement before the commit (the append holds the chain's lock until then: migration 021);
 * `note` is for people and never carries a key, a password, a token or a phone. The database
 * numbers and chains each entry (seq, hash) and refuses to change or delete it
 * (lib/audit-chain.ts checks the chain).
 */
import os from 'node:os';
import type { Pool, PoolClient } from 'pg';

export const AUDIT_TYPES = [
  'account_created', 'key_rotated', 'account_disabled', 'account_enabled', 'password_set',
  'calendar_imported', 'catalogue_changed', 'notification_retried', 'assessment_published',
  'knowledge_created', 'knowledge_updated', 'knowledge_deleted', 'suggestions_retrained',
  'signed_in', 'sign_in_failed', 'signed_out', 'password_changed', 'password_reset', 'orgs_imported', 'accounts_imported',
  'account_unlocked', 'sessions_ended', 'audit_purged',
  'proactive_created', 'proactive_paused', 'proactive_unpaused', 'proactive_deleted',
] as const;
export type AuditType = (typeof AUDIT_TYPES)[number];

export interface AuditEntry {
  type: AuditType;
  /** An account id, `cli:<user>` for a command (see `cliActor`), `system` for a Schedule. */
  actor: string;
  subject?: string | null;
  note?: string | null;
  /** The client's address, for API calls. */
  address?: string | null;
}

/** Writes one audit entry with `db` (a transaction's client, so it commits or rolls back with the change). */
export async function recordAudit(db: Pool | PoolClient, entry: AuditEntry): Promise<void> {
  await db.query('INSERT INTO audit_log (type, actor, subject, note, address) VALUES ($1, $2, $3, $4, $5)',
    [entry.type, entry.actor, entry.subject ?? null, entry.note ?? null, entry.address ?? null]);
}

/** The actor of an operator's command: `cli:<operating-system user>`. */
export function cliActor(): string {
  let user = process.env.SUDO_USER || process.env.USER || process.env.LOGNAME || '';
  if (!user) {
    try { user = os.userInfo().username; } catch { user = 'unknown'; }
  }
  return `cli:${user}`;
}
