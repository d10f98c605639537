/**
 * Sign-in records (登录记录, `sign_ins`): every attempt with its address and outcome, for the
 * security administrator and the auditor; a checked attempt is written with its audit entry in
 * the same statement.
 */
import type { Pool, PoolClient } from 'pg';

export type SignInOutcome = 'ok' | 'wrong' | 'throttled' | 'disabled';
export const SIGN_IN_OUTCOMES: readonly SignInOutcome[] = ['ok', 'wrong', 'throttled', 'disabled'];

export interface SignInRecord {
  accountId: string;
  address: string;
  outcome: SignInOutcome;
  /** The audit entry written with it (signed_in, sign_in_failed): actor and subject are the account id. */
  audit?: { type: 'signed_in' | 'sign_in_failed'; note: string };
}

export async function recordSignIn(db: Pool | PoolClient, r: SignInRecord): Promise<void> {
  if (!r.audit) {
    await db.query('INSERT INTO sign_ins (account_id, address, outcome) VALUES ($1, $2, $3)', [r.accountId, r.address, r.outcome]);
    return;
  }
  await db.query(
    `WITH record AS (INSERT INTO sign_ins (account_id, address, outcome) VALUES ($1, $2, $3))
     INSERT INTO audit_log (type, actor, subject, note, address) VALUES ($4, $1, $1, $5, $2)`,
    [r.accountId, r.address, r.outcome, r.audit.type, r.audit.note]);
}

export interface SignInRow { id: string; at: Date; accountId: string; address: string; outcome: SignInOutcome }

/** A page of records, newest first, after the cursor's (at, id). */
export async function listSignIns(db: Pool | PoolClient, q: { accountId?: string; from: Date | null; to: Date | null; limit: number; after?: { at: string; id: string } }): Promise<SignInRow[]> {
  const params: unknown[] = [q.accountId ?? null, q.from, q.to];
  let after = '';
  if (q.after) {
    params.push(q.after.at, q.after.id);
    after = 'AND (at, id) < (COALESCE((SELECT at FROM sign_ins WHERE id = $5::bigint), $4::timestamptz), $5::bigint)';
  }
  params.push(q.limit);
  const { rows } = await db.query<SignInRow>(
    `SELECT id::text AS id, at, account_id AS "accountId", address, outcome FROM sign_ins
      WHERE ($1::text IS NULL OR account_id = $1) AND ($2::timestamptz IS NULL OR at >= $2) AND ($3::timestamptz IS NULL OR at < $3) ${after}
      ORDER BY sign_ins.at DESC, sign_ins.id DESC LIMIT $${params.length}`, params);
  return rows;
}
