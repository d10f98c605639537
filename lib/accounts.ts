/**
 * The account lifecycle (账号管理) as operators run it (`npm run accounts -- …`): create, rotate a
 * key, disable, enable, set a password. Each change and its audit entry commit together, in one
 * transaction; the audit note never holds a key or a password.
 *
 * Every API process learns of the change at commit (migration 008's trigger on `accounts`
 * notifies `whistle_credentials`) and forgets what it cached: an old key or a disabled account's
 * sessions stop working at once, everywhere.
 */
import type { Pool, PoolClient } from 'pg';
import { recordAudit } from './audit';
import { generateKey, hashKey } from './keys';
import { hashPassword, passwordProblem } from './passwords';
import type { Role } from './seed';

export const ROLES: Role[] = ['community', 'street', 'center', 'department', 'supervisor', 'member', 'resident'];

/** A refusal for the operator (unknown account, bad input): the command prints it and exits 2. */
export class AccountError extends Error {}

async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** The account row, locked for the change; AccountError when there is none. */
async function lockAccount(client: PoolClient, id: string): Promise<{ id: string; disabled: boolean }> {
  const { rows } = await client.query<{ id: string; disabled: boolean }>(
    'SELECT id, disabled_at IS NOT NULL AS disabled FROM accounts WHERE id = $1 FOR UPDATE', [id]);
  if (!rows[0]) throw new AccountError(`no account with id "${id}"`);
  return rows[0];
}

async function endSessions(client: PoolClient, id: string): Promise<number> {
  const ended = await client.query('UPDATE sessions SET ended_at = now() WHERE account_id = $1 AND ended_at IS NULL AND expires_at > now()', [id]);
  return ended.rowCount ?? 0;
}

export interface NewAccount { org: string; role: string; id?: string; name?: string }

/** Creates an account; returns its id and its key (shown once, stored hashed). */
export async function createAccount(pool: Pool, pepper: string, actor: string, a: NewAccount): Promise<{ id: string; key: string }> {
  if (!ROLES.includes(a.role as Role)) throw new AccountError(`unknown role "${a.role}"`);
  const id = a.id ?? `${a.org}-${a.role}-${Date.now().toString(36)}`;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw new AccountError('--id may use letters, digits, - and _ only');
  return inTransaction(pool, async (client) => {
    const org = await client.query<{ name: string }>('SELECT name FROM orgs WHERE id = $1', [a.org]);
    if (!org.rows[0]) throw new AccountError(`unknown organisation "${a.org}"`);
    const key = generateKey();
    try {
      await client.query('INSERT INTO accounts (id, role, org_id, name, key_hash) VALUES ($1, $2, $3, $4, $5)',
        [id, a.role, a.org, a.name ?? org.rows[0].name, hashKey(pepper, key)]);
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw new AccountError('an account with that id already exists');
      throw err;
    }
    await recordAudit(client, { type: 'account_created', actor, subject: id, note: `${a.role} of ${a.org}` });
    return { id, key };
  });
}

/** A new key for the account; the old one stops working at once. */
export async function rotateKey(pool: Pool, pepper: string, actor: string, id: string): Promise<string> {
  return inTransaction(pool, async (client) => {
    await lockAccount(client, id);
    const key = generateKey();
    await client.query('UPDATE accounts SET key_hash = $2 WHERE id = $1', [id, hashKey(pepper, key)]);
    await recordAudit(client, { type: 'key_rotated', actor, subject: id, note: 'new API key issued; the previous key no longer works' });
    return key;
  });
}

/** Disables the account: its key and every session stop working; the sessions end for good. */
export async function disableAccount(pool: Pool, actor: string, id: string, reason?: string): Promise<{ changed: boolean; sessionsEnded: number }> {
  return inTransaction(pool, async (client) => {
    const account = await lockAccount(client, id);
    if (account.disabled) return { changed: false, sessionsEnded: 0 };
    await client.query('UPDATE accounts SET disabled_at = now() WHERE id = $1', [id]);
    const sessionsEnded = await endSessions(client, id);
    const note = [reason?.trim(), `key refused and ${sessionsEnded} session${sessionsEnded === 1 ? '' : 's'} ended`].filter(Boolean).join('; ');
    await recordAudit(client, { type: 'account_disabled', actor, subject: id, note });
    return { changed: true, sessionsEnded };
  });
}

/** Enables a disabled account: its key works again; sessions ended by `disable` stay ended. */
export async function enableAccount(pool: Pool, actor: string, id: string, reason?: string): Promise<{ changed: boolean }> {
  return inTransaction(pool, async (client) => {
    const account = await lockAccount(client, id);
    if (!account.disabled) return { changed: false };
    await client.query('UPDATE accounts SET disabled_at = NULL WHERE id = $1', [id]);
    const note = [reason?.trim(), 'key works again; earlier sessions stay ended'].filter(Boolean).join('; ');
    await recordAudit(client, { type: 'account_enabled', actor, subject: id, note });
    return { changed: true };
  });
}

/**
 * Sets the account's password (at least 10 characters); sessions signed in before end, so a
 * password changed because it leaked also shuts out whoever used it.
 */
export async function setPassword(pool: Pool, actor: string, id: string, password: string): Promise<{ sessionsEnded: number }> {
  const problem = passwordProblem(password);
  if (problem) throw new AccountError(problem);
  const hash = await hashPassword(password);
  return inTransaction(pool, async (client) => {
    await lockAccount(client, id);
    await client.query('UPDATE accounts SET password_hash = $2, password_set_at = now() WHERE id = $1', [id, hash]);
    const sessionsEnded = await endSessions(client, id);
    await recordAudit(client, {
      type: 'password_set', actor, subject: id,
      note: `password set${sessionsEnded ? `; ${sessionsEnded} earlier session${sessionsEnded === 1 ? '' : 's'} ended` : ''}`,
    });
    return { sessionsEnded };
  });
}
