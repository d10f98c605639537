/**
 * Accounts for the system administrator (admin) and the security administrator (security): the
 * lifecycle of lib/accounts.ts as the API answers it, the list with each account's state, and the
 * unlock of throttled sign-ins. Refusals of the lifecycle become the contract's errors here.
 */
import type { Pool } from 'pg';
import { AccountError, changeOwnPassword, createAccount, disableAccount, enableAccount, endAllSessions, recordUnlock, resetPassword, rotateKey, type Caller, type CreatedAccount } from '../../lib/accounts';
import { importAccounts, type ImportedAccount } from '../../lib/account-import';
import { ImportRefused, type FileFormat } from '../../lib/org-import/records';
import { HttpError } from '../errors';
import type { Account } from './directory';
import type { SignInThrottle } from './sign-in-throttle';
import { accountListings } from '../../lib/stores/orgs';

export interface AccountState extends Account {
  disabled: boolean; locked: boolean; hasPassword: boolean; mustChangePassword: boolean; lastSignInAt: string | null;
}

/** The refusal of an import: 400 validation_failed with every error of the file. */
export function importRefused(err: ImportRefused): HttpError {
  return new HttpError('validation_failed', `${err.message}: see errors`, `文件有 ${err.errors.length} 处错误，未导入任何内容`, { errors: err.errors });
}

async function answering<T>(work: () => Promise<T>, after?: () => void): Promise<T> {
  try {
    const result = await work();
    after?.();
    return result;
  } catch (err) {
    if (err instanceof AccountError) throw new HttpError(err.kind, err.message, err.messageZh);
    if (err instanceof ImportRefused) throw importRefused(err);
    throw err;
  }
}

export class AccountService {
  constructor(
    private readonly pool: Pool,
    private readonly pepper: string,
    private readonly throttle: SignInThrottle,
    private readonly passwordMaxAgeDays: number,
    /** Forgets this process's cached credentials after a change (the others hear of it from PostgreSQL). */
    private readonly forgetCached: () => void = () => undefined,
  ) {}

  async list(): Promise<AccountState[]> {
    const rows = await accountListings(this.pool, this.passwordMaxAgeDays);
    const locked = await this.throttle.locked(rows.map((r) => r.id));
    return rows.map((r) => ({ ...r, locked: locked.get(r.id) ?? false, lastSignInAt: r.lastSignInAt?.toISOString() ?? null }));
  }

  async one(id: string): Promise<AccountState> {
    const found = (await this.list()).find((a) => a.id === id);
    if (!found) throw new HttpError('not_found', `no account with id "${id}"`, `没有账号“${id}”`);
    return found;
  }

  create(caller: Caller, body: { id?: string; role: string; orgId: string; name: string }): Promise<CreatedAccount> {
    return answering(() => createAccount(this.pool, this.pepper, { ...caller, viaApi: true }, { id: body.id, role: body.role, org: body.orgId, name: body.name }));
  }

  import(caller: Caller, content: Buffer, format: FileFormat): Promise<{ created: ImportedAccount[] }> {
    return answering(() => importAccounts(this.pool, this.pepper, content, format, { ...caller, viaApi: true }));
  }

  async disable(caller: Caller, id: string, reason: string): Promise<AccountState> {
    await answering(() => disableAccount(this.pool, { ...caller, viaApi: true }, id, reason), this.forgetCached);
    return this.one(id);
  }

  async enable(caller: Caller, id: string): Promise<AccountState> {
    await answering(() => enableAccount(this.pool, { ...caller, viaApi: true }, id), this.forgetCached);
    return this.one(id);
  }

  async rotateKey(caller: Caller, id: string): Promise<{ key: string }> {
    return { key: await answering(() => rotateKey(this.pool, this.pepper, { ...caller, viaApi: true }, id), this.forgetCached) };
  }

  resetPassword(caller: Caller, id: string): Promise<{ initialPassword: string }> {
    return answering(() => resetPassword(this.pool, { ...caller, viaApi: true }, id), this.forgetCached);
  }

  async endSessions(caller: Caller, id: string): Promise<void> {
    await answering(() => endAllSessions(this.pool, caller, id), this.forgetCached);
  }

  /** The caller's own password (its current one checked by the sessions): every other session of it ends. */
  changeOwnPassword(caller: Caller, id: string, newPassword: string, currentTokenHash: string): Promise<void> {
    return changeOwnPassword(this.pool, caller, id, newPassword, currentTokenHash);
  }

  async unlock(caller: Caller, id: string): Promise<AccountState> {
    await answering(() => recordUnlock(this.pool, caller, id));
    await this.throttle.unlock(id);
    return this.one(id);
  }
}
