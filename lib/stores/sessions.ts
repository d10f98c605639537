/**
 * Console sessions (table `sessions`) and the account facts a sign-in checks: SQL only. Tokens
 * are stored only as their hash (lib/keys.ts). Sign-in records are ./sign-ins.ts.
 */
import type { Db } from '../db';
import type { AccountRecord } from './orgs';

/** What a sign-in checks of an account: its password and its age, its key (development passwords), whether it may sign in. */
export interface SignInRow extends AccountRecord {
  passwordHash: string | null; keyHash: string; disabled: boolean; mustChange: boolean; passwordSetAt: Date | null;
}

/** The account `accountId` as a sign-in checks it (disabled: the account, or its unit deactivated), or null. */
export async function signInRow(db: Db, accountId: string): Promise<SignInRow | null> {
  const { rows } = await db.query<SignInRow>(
    `SELECT a.id, a.role, a.org_id AS "orgId", a.name, a.password_hash AS "passwordHash", a.key_hash AS "keyHash",
            a.disabled_at IS NOT NULL OR NOT o.active AS disabled, a.must_change_password AS "mustChange",
            a.password_set_at AS "passwordSetAt"
       FROM accounts a JOIN orgs o ON o.id = a.org_id WHERE a.id = $1`, [accountId]);
  return rows[0] ?? null;
}

/** The password and key hashes of an account, or null (a check of its own password). */
export async function passwordRow(db: Db, accountId: string): Promise<Pick<SignInRow, 'id' | 'passwordHash' | 'keyHash'> | null> {
  const { rows } = await db.query<Pick<SignInRow, 'id' | 'passwordHash' | 'keyHash'>>(
    'SELECT id, password_hash AS "passwordHash", key_hash AS "keyHash" FROM accounts WHERE id = $1', [accountId]);
  return rows[0] ?? null;
}

/**
 * Opens a session for `ttlSeconds` (clearing the account's sessions expired more than a day ago,
 * noting the account's last sign-in); when it ends.
 */
export async function openSession(db: Db, s: {
  tokenHash: string; accountId: string; ttlSeconds: number; mustChangePassword: boolean; viaKey: boolean; address: string;
}): Promise<Date> {
  const { rows } = await db.query<{ expires_at: Date }>(
    `WITH cleared AS (DELETE FROM sessions WHERE account_id = $2 AND expires_at < now() - interval '1 day'),
          seen AS (UPDATE accounts SET last_sign_in_at = now() WHERE id = $2)
     INSERT INTO sessions (token_hash, account_id, expires_at, must_change_password, via_key, address)
     VALUES ($1, $2, now() + make_interval(secs => $3), $4, $5, $6)
     RETURNING expires_at`, [s.tokenHash, s.accountId, s.ttlSeconds, s.mustChangePassword, s.viaKey, s.address]);
  return rows[0].expires_at;
}

/** A live session of a token's hash, with its enabled account of an active unit, or null. */
export async function liveSession(db: Db, tokenHash: string):
  Promise<(AccountRecord & { expiresAt: Date; lastSeenAt: Date; mustChangePassword: boolean }) | null> {
  const { rows } = await db.query<AccountRecord & { expiresAt: Date; lastSeenAt: Date; mustChangePassword: boolean }>(
    `SELECT a.id, a.role, a.org_id AS "orgId", a.name, s.expires_at AS "expiresAt", s.last_seen_at AS "lastSeenAt",
            s.must_change_password AS "mustChangePassword"
       FROM sessions s JOIN accounts a ON a.id = s.account_id JOIN orgs o ON o.id = a.org_id
      WHERE s.token_hash = $1 AND s.ended_at IS NULL AND s.expires_at > now() AND a.disabled_at IS NULL AND o.active`, [tokenHash]);
  return rows[0] ?? null;
}

/** Notes a request of the session (its idle clock). */
export async function touchSession(db: Db, tokenHash: string): Promise<void> {
  await db.query('UPDATE sessions SET last_seen_at = now() WHERE token_hash = $1 AND last_seen_at < now()', [tokenHash]);
}

/** Ends the session; the account it was of, or null when it had ended already. */
export async function endSession(db: Db, tokenHash: string): Promise<string | null> {
  const { rows } = await db.query<{ account_id: string }>(
    'UPDATE sessions SET ended_at = now() WHERE token_hash = $1 AND ended_at IS NULL RETURNING account_id', [tokenHash]);
  return rows[0]?.account_id ?? null;
}
