/**
 * The account lifecycle (账号管理), for operators (`npm run accounts -- …`) and for the system
 * administrator through the API: create (a key and a random initial password, shown once), rotate
 * a key, disable, enable, set or reset a password, end sessions. Each change and its audit entry
 * commit together, in one transaction; the audit note never holds a key or a password.
 *
 * Every API process learns of a change at commit (migration 008/020's triggers notify
 * `whistle_credentials`) and forgets what it cached: an old key or a disabled account's sessions
 * stop working at once, everywhere.
 *
 * Through the API (`caller.viaApi`), accounts of the three administrators (三员分立) are neither made
 * nor changed (only `npm run accounts` does that), and nobody disables themselves.
 */
import type { Pool, PoolClient } from 'pg';
import { recordAudit, type AuditType } from './audit';
import { generateKey, hashKey } from './keys';
import { generateInitialPassword, hashPassword, passwordProblem, passwordRuleRefusal } from './passwords';
import { isRecentPassword, storePassword } from './password-history';
import { inTransaction } from './db';
import { ROLES, isSystemRole, roleFitsUnit, KIND_ZH, type OrgKind, type Role } from './units';

export { ROLES };

/**
 * Initial passwords are random (about 90 bits): a cheaper scrypt than chosen passwords need (a
 * guess cannot be helped by a dictionary), so importing a thousand accounts takes seconds, not
 * minutes. The PHC string records the cost; the password is replaced at the first sign-in.
 */
const INITIAL_PASSWORD_COST = { ln: 12, r: 8, p: 1 };

export type AccountErrorKind = 'not_found' | 'validation_failed' | 'forbidden' | 'invalid_state';

/** A refusal (unknown account, bad input, not allowed): the command prints it and exits 2; the API answers its kind. */
export class AccountError extends Error {
  constructor(message: string, readonly kind: AccountErrorKind = 'validation_failed', readonly messageZh?: string,
    /** The field of the new account it is about. */
    readonly field?: string) {
    super(message);
  }
}

/** Who makes a change: an account id (API) or `cli:<user>`, with the client's address for API calls. */
export interface Caller { actor: string; address?: string | null; viaApi?: boolean }

const callerOf = (c: Caller | string): Caller => (typeof c === 'string' ? { actor: c } : c);

const ACCOUNT_ID = /^[A-Za-z0-9_-]{1,64}$/;

interface Locked { id: string; role: Role; disabled: boolean }

/** The account row, locked for the change; AccountError when there is none (or the API may not change it). */
async function lockAccount(client: PoolClient, id: string, caller: Caller): Promise<Locked> {
  const { rows } = await client.query<Locked>(
    'SELECT id, role, disabled_at IS NOT NULL AS disabled FROM accounts WHERE id = $1 FOR UPDATE', [id]);
  if (!rows[0]) throw new AccountError(`no account with id "${id}"`, 'not_found', `没有账号“${id}”`);
  if (caller.viaApi && isSystemRole(rows[0].role)) {
    throw new AccountError('accounts of the administrators (admin, security, auditor) are changed only with npm run accounts',
      'forbidden', '系统管理员、安全管理员和审计管理员的账号只能在服务器命令行（npm run accounts）管理');
  }
  return rows[0];
}

async function audit(client: PoolClient, caller: Caller, type: AuditType, subject: string, note: string) {
  await recordAudit(client, { type, actor: caller.actor, subject, note, address: caller.address ?? null });
}

/** Ends the account's live sessions (all, or those opened with its key as password); how many. */
async function endSessionsOf(client: PoolClient, id: string, which: 'all' | 'via_key' = 'all', except?: string): Promise<number> {
  const ended = await client.query(
    `UPDATE sessions SET ended_at = now() WHERE account_id = $1 AND ended_at IS NULL AND expires_at > now()
        ${which === 'via_key' ? 'AND via_key' : ''} ${except ? 'AND token_hash <> $2' : ''}`, except ? [id, except] : [id]);
  return ended.rowCount ?? 0;
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

export interface NewAccount { org: string; role: string; id?: string; name?: string }
export interface CreatedAccount {
  id: string; key: string; initialPassword: string;
  account: { id: string; role: Role; orgId: string; name: string };
}

/** Checks a new account against the units (it must fit its unit's kind); its name, defaulting to the unit's. */
export function checkNewAccount(a: NewAccount, org: { kind: OrgKind; name: string; active: boolean } | undefined, caller: Caller): string {
  if (!ROLES.includes(a.role as Role)) throw new AccountError(`unknown role "${a.role}"`, 'validation_failed', `未知的角色“${a.role}”`, 'role');
  if (caller.viaApi && isSystemRole(a.role)) {
    throw new AccountError('accounts of the administrators (admin, security, auditor) are made only with npm run accounts', 'forbidden',
      '系统管理员、安全管理员和审计管理员的账号只能在服务器命令行（npm run accounts）创建', 'role');
  }
  if (a.id !== undefined && !ACCOUNT_ID.test(a.id)) {
    throw new AccountError('id may use letters, digits, - and _ only (at most 64)', 'validation_failed', '账号只能使用字母、数字、- 和 _（最多 64 个）', 'id');
  }
  if (!org) throw new AccountError(`unknown organisation "${a.org}"`, 'validation_failed', `未知的单位“${a.org}”`, 'orgId');
  if (!org.active) throw new AccountError(`organisation "${a.org}" is deactivated`, 'validation_failed', `单位“${org.name}”已停用`, 'orgId');
  if (!roleFitsUnit(a.role as Role, org.kind)) {
    throw new AccountError(`role ${a.role} does not fit a unit of kind ${org.kind}`, 'validation_failed',
      `角色“${a.role}”不适用于${KIND_ZH[org.kind]}“${org.name}”`, 'role');
  }
  const name = a.name?.trim() || org.name;
  if ([...name].length > 100) throw new AccountError('name may have at most 100 characters', 'validation_failed', '名称最多 100 个字符', 'name');
  return name;
}

/** A checked account with its new key and initial password, hashed (the hashing, done before any transaction). */
export interface PreparedAccount extends CreatedAccount { keyHash: string; passwordHash: string }

export async function prepareAccount(pepper: string, a: { id: string; role: Role; orgId: string; name: string }): Promise<PreparedAccount> {
  const key = generateKey();
  const initialPassword = generateInitialPassword(a.id);
  const passwordHash = await hashPassword(initialPassword, INITIAL_PASSWORD_COST);
  return { id: a.id, key, initialPassword, account: { ...a }, keyHash: hashKey(pepper, key), passwordHash };
}

/** Inserts prepared accounts (and their first password in the history) in two statements, inside the caller's transaction. */
export async function insertAccounts(client: PoolClient, accounts: PreparedAccount[]): Promise<void> {
  try {
    await client.query(
      `INSERT INTO accounts (id, role, org_id, name, key_hash, password_hash, password_set_at, must_change_password)
       SELECT id, role, org_id, name, key_hash, password_hash, now(), true
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS a(id, role, org_id, name, key_hash, password_hash)`,
      [accounts.map((a) => a.id), accounts.map((a) => a.account.role), accounts.map((a) => a.account.orgId), accounts.map((a) => a.account.name),
        accounts.map((a) => a.keyHash), accounts.map((a) => a.passwordHash)]);
  } catch (err) {
    if ((err as { code?: string }).code === '23505') {
      const id = /\(id\)=\(([^)]*)\)/.exec((err as { detail?: string }).detail ?? '')?.[1] ?? accounts[0].id;
      throw new AccountError(`an account with id "${id}" already exists`, 'validation_failed', `账号“${id}”已存在`, 'id');
    }
    throw err;
  }
  await client.query('INSERT INTO password_history (account_id, password_hash) SELECT * FROM unnest($1::text[], $2::text[])',
    [accounts.map((a) => a.id), accounts.map((a) => a.passwordHash)]);
}

/** Inserts a checked account with a new key and initial password (hashed here), inside the caller's transaction. */
async function insertAccount(client: PoolClient, pepper: string, a: { id: string; role: Role; orgId: string; name: string }): Promise<CreatedAccount> {
  const prepared = await prepareAccount(pepper, a);
  await insertAccounts(client, [prepared]);
  return { id: prepared.id, key: prepared.key, initialPassword: prepared.initialPassword, account: prepared.account };
}

const newAccountId = (org: string, role: string) => `${org}-${role}-${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;

/** Creates an account; its key and initial password are shown once, stored hashed. */
export async function createAccount(pool: Pool, pepper: string, by: Caller | string, a: NewAccount): Promise<CreatedAccount> {
  const caller = callerOf(by);
  return inTransaction(pool, async (client) => {
    const { rows } = await client.query<{ kind: OrgKind; name: string; active: boolean }>('SELECT kind, name, active FROM orgs WHERE id = $1', [a.org]);
    const name = checkNewAccount(a, rows[0], caller);
    const created = await insertAccount(client, pepper, { id: a.id ?? newAccountId(a.org, a.role), role: a.role as Role, orgId: a.org, name });
    await audit(client, caller, 'account_created', created.id, `${a.role} of ${a.org}`);
    return created;
  });
}

/** A new key for the account; the old one stops working at once, and so do sessions opened with it as password. */
export async function rotateKey(pool: Pool, pepper: string, by: Caller | string, id: string): Promise<string> {
  const caller = callerOf(by);
  return inTransaction(pool, async (client) => {
    await lockAccount(client, id, caller);
    const key = generateKey();
    await client.query('UPDATE accounts SET key_hash = $2 WHERE id = $1', [id, hashKey(pepper, key)]);
    const ended = await endSessionsOf(client, id, 'via_key');
    await audit(client, caller, 'key_rotated', id,
      `new API key issued; the previous key no longer works${ended ? `; ${plural(ended, 'session')} opened with it ended` : ''}`);
    return key;
  });
}

/** Disables the account: its key and every session stop working; the sessions end for good. */
export async function disableAccount(pool: Pool, by: Caller | string, id: string, reason?: string): Promise<{ changed: boolean; sessionsEnded: number }> {
  const caller = callerOf(by);
  if (caller.viaApi && caller.actor === id) throw new AccountError('nobody disables their own account', 'forbidden', '不能停用自己的账号');
  return inTransaction(pool, async (client) => {
    const account = await lockAccount(client, id, caller);
    if (account.disabled) return { changed: false, sessionsEnded: 0 };
    await client.query('UPDATE accounts SET disabled_at = now() WHERE id = $1', [id]);
    const sessionsEnded = await endSessionsOf(client, id);
    const note = [reason?.trim(), `key refused and ${plural(sessionsEnded, 'session')} ended`].filter(Boolean).join('; ');
    await audit(client, caller, 'account_disabled', id, note);
    return { changed: true, sessionsEnded };
  });
}

/** Enables a disabled account: its key works again; sessions ended by `disable` stay ended. */
export async function enableAccount(pool: Pool, by: Caller | string, id: string, reason?: string): Promise<{ changed: boolean }> {
  const caller = callerOf(by);
  return inTransaction(pool, async (client) => {
    const account = await lockAccount(client, id, caller);
    if (!account.disabled) return { changed: false };
    await client.query('UPDATE accounts SET disabled_at = NULL WHERE id = $1', [id]);
    const note = [reason?.trim(), 'key works again; earlier sessions stay ended'].filter(Boolean).join('; ');
    await audit(client, caller, 'account_enabled', id, note);
    return { changed: true };
  });
}

/**
 * Sets the account's password (the command line: at least 10 characters); sessions signed in
 * before end, so a password changed because it leaked also shuts out whoever used it.
 */
export async function setPassword(pool: Pool, by: Caller | string, id: string, password: string): Promise<{ sessionsEnded: number }> {
  const caller = callerOf(by);
  const problem = passwordProblem(password);
  if (problem) throw new AccountError(problem);
  const hash = await hashPassword(password);
  return inTransaction(pool, async (client) => {
    await lockAccount(client, id, caller);
    await storePassword(client, id, hash, false);
    const sessionsEnded = await endSessionsOf(client, id);
    await audit(client, caller, 'password_set', id, `password set${sessionsEnded ? `; ${sessionsEnded} earlier session${sessionsEnded === 1 ? '' : 's'} ended` : ''}`);
    return { sessionsEnded };
  });
}

/** A new random initial password (to be changed at the next sign-in); every session ends. */
export async function resetPassword(pool: Pool, by: Caller | string, id: string): Promise<{ initialPassword: string }> {
  const caller = callerOf(by);
  const initialPassword = generateInitialPassword(id);
  const hash = await hashPassword(initialPassword, INITIAL_PASSWORD_COST);
  return inTransaction(pool, async (client) => {
    await lockAccount(client, id, caller);
    await storePassword(client, id, hash, true);
    const ended = await endSessionsOf(client, id);
    await audit(client, caller, 'password_reset', id, `initial password issued, to be changed at the next sign-in; ${plural(ended, 'session')} ended`);
    return { initialPassword };
  });
}

/** Ends every session of the account (security, admin); how many. */
export async function endAllSessions(pool: Pool, caller: Caller, id: string): Promise<number> {
  return inTransaction(pool, async (client) => {
    await lockAccount(client, id, { ...caller, viaApi: false });
    const ended = await endSessionsOf(client, id);
    await audit(client, caller, 'sessions_ended', id, `${plural(ended, 'session')} ended`);
    return ended;
  });
}

/** Records that the account's sign-in throttling was cleared (the counters live in Limits). */
export async function recordUnlock(pool: Pool, caller: Caller, id: string): Promise<void> {
  await inTransaction(pool, async (client) => {
    await lockAccount(client, id, { ...caller, viaApi: false });
    await audit(client, caller, 'account_unlocked', id, 'sign-in throttling cleared');
  });
}

/**
 * The account's own new password (POST /v1/me/password), the current one already checked: the
 * rules, none of the last 5, then every other session ends and this one may work again.
 */
export async function changeOwnPassword(pool: Pool, caller: Caller, id: string, newPassword: string, currentTokenHash: string): Promise<void> {
  const refusal = passwordRuleRefusal(newPassword, id);
  if (refusal) throw new AccountError(refusal.message, 'validation_failed', refusal.messageZh);
  if (await isRecentPassword(pool, id, newPassword)) {
    throw new AccountError('the new password must be none of the last 5 passwords of this account', 'validation_failed', '新密码不能与最近 5 次使用过的密码相同');
  }
  const hash = await hashPassword(newPassword);
  await inTransaction(pool, async (client) => {
    await lockAccount(client, id, { ...caller, viaApi: false });
    await storePassword(client, id, hash, false);
    const ended = await endSessionsOf(client, id, 'all', currentTokenHash);
    await client.query('UPDATE sessions SET must_change_password = false, via_key = false WHERE token_hash = $1', [currentTokenHash]);
    await audit(client, caller, 'password_changed', id, `password changed by its account; ${plural(ended, 'other session')} ended`);
  });
}
