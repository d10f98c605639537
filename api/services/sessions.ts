/**
 * Console sessions (登录): an account id and its password give a bearer token that works like an
 * API key for `SESSION_TTL_HOURS`. Tokens are random and stored only as HMAC-SHA256(pepper,
 * token), like keys (lib/keys.ts).
 *
 * Refusals (contract, "Sessions"): a wrong account, a wrong password, a disabled account and one
 * without a password all get the same 401 message, after the same scrypt work, so neither the
 * answer nor its time tells which ids exist. After `LOGIN_MAX_FAILURES` failures for one account
 * id within `LOGIN_WINDOW_MS` (the window starts at the first failure), every login for that id
 * is 429 until the window ends — the right password included, unknown ids alike. The count is
 * shared by every API process through Redis when REDIS_URL is set (limits.ts).
 *
 * Each attempt is counted *before* the password is checked and taken back when it succeeds, so
 * a burst of parallel guesses gets no more than five checks either.
 *
 * Development passwords: outside production an account whose key is still its development key
 * `dev-<id>` (the seeded tree) signs in with the password `dev-<id>` until it gets a password of
 * its own. Nothing is stored for that: the password is exactly as public as the key, so it is
 * accepted exactly when the key would be (Directory refuses `dev-` keys in production the same
 * way), and seeding the ~90 dev accounts costs no scrypt hashing at all.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Pool } from 'pg';
import { HttpError } from '../errors';
import { devKey, generateSessionToken, hashKey } from '../../lib/keys';
import { verifyNothing, verifyPassword } from '../../lib/passwords';
import type { Account } from './directory';
import type { Limits } from './limits';
import { CredentialCache } from './credential-cache';

export const LOGIN_MAX_FAILURES = 5;
export const LOGIN_WINDOW_MS = 15 * 60_000;

export interface SignedIn { token: string; expiresAt: string; account: Account }
export interface LiveSession { account: Account; tokenHash: string; expiresAt: Date }

export const wrongLogin = () => new HttpError('unauthenticated', 'unknown account or wrong password', '账号或密码错误');
export const sessionEnded = () => new HttpError('unauthenticated', 'the session has expired or ended: sign in again', '登录已过期，请重新登录');

/** 429 for an account id whose sign-ins are throttled; `retryAfterSeconds` for the Retry-After header. */
export class LoginThrottled extends HttpError {
  constructor(readonly retryAfterSeconds: number) {
    const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
    super('rate_limited', `too many failed sign-ins for this account: try again in ${minutes} minute${minutes === 1 ? '' : 's'}`,
      `登录失败次数过多，请 ${minutes} 分钟后再试`);
  }
}

interface AccountRow extends Account { passwordHash: string | null; keyHash: string; disabled: boolean }

export interface SessionOptions {
  pool: Pool;
  pepper: string;
  production: boolean;
  /** SESSION_TTL_HOURS. */
  ttlHours: number;
  limits: Limits;
  credentials?: CredentialCache;
  /** The throttle's window (15 minutes; shorter only in tests of the window itself). */
  loginWindowMs?: number;
}

export class SessionService {
  private readonly pool: Pool;
  private readonly pepper: string;
  private readonly production: boolean;
  private readonly ttlHours: number;
  private readonly limits: Limits;
  private readonly credentials: CredentialCache;
  private readonly loginWindowMs: number;

  constructor(o: SessionOptions) {
    this.pool = o.pool;
    this.pepper = o.pepper;
    this.production = o.production;
    this.ttlHours = o.ttlHours;
    this.limits = o.limits;
    this.credentials = o.credentials ?? new CredentialCache();
    this.loginWindowMs = o.loginWindowMs ?? LOGIN_WINDOW_MS;
  }

  async signIn(accountId: string, password: string): Promise<SignedIn> {
    const throttleKey = createHash('sha256').update(accountId, 'utf8').digest('hex').slice(0, 32);
    const attempt = await this.limits.hit('login', throttleKey, this.loginWindowMs);
    if (attempt.current > LOGIN_MAX_FAILURES) throw new LoginThrottled(Math.ceil(attempt.ttlMs / 1000));
    let signedIn: SignedIn;
    try {
      const { rows } = await this.pool.query<AccountRow>(
        `SELECT id, role, org_id AS "orgId", name, password_hash AS "passwordHash", key_hash AS "keyHash",
                disabled_at IS NOT NULL AS disabled
           FROM accounts WHERE id = $1`, [accountId]);
      const row = rows[0];
      if (!(await this.passwordFits(row, password))) throw wrongLogin();
      signedIn = await this.open(row);
    } catch (err) {
      // Only a wrong sign-in counts as a failure; an outage of PostgreSQL does not.
      if (!(err instanceof HttpError && err.code === 'unauthenticated')) await this.limits.undo('login', throttleKey);
      throw err;
    }
    await this.limits.undo('login', throttleKey);
    return signedIn;
  }

  private async passwordFits(row: AccountRow | undefined, password: string): Promise<boolean> {
    if (!row || row.disabled) return verifyNothing(password);
    if (row.passwordHash) return verifyPassword(password, row.passwordHash);
    if (!this.production && password === devKey(row.id)) {
      const given = Buffer.from(hashKey(this.pepper, password), 'hex');
      const stored = Buffer.from(row.keyHash, 'hex');
      if (given.length === stored.length && timingSafeEqual(given, stored)) return true;
    }
    return verifyNothing(password);
  }

  private async open(row: AccountRow): Promise<SignedIn> {
    const token = generateSessionToken();
    const ttlSeconds = this.ttlHours * 3600;
    const { rows } = await this.pool.query<{ expires_at: Date }>(
      `WITH cleared AS (DELETE FROM sessions WHERE account_id = $2 AND expires_at < now() - interval '1 day')
       INSERT INTO sessions (token_hash, account_id, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))
       RETURNING expires_at`, [hashKey(this.pepper, token), row.id, ttlSeconds]);
    return { token, expiresAt: rows[0].expires_at.toISOString(), account: { id: row.id, role: row.role, orgId: row.orgId, name: row.name } };
  }

  /** The live session of `token`, or null (unknown, expired, ended, or its account disabled). */
  async authenticate(token: string): Promise<LiveSession | null> {
    const tokenHash = hashKey(this.pepper, token);
    let session = this.credentials.get<LiveSession | null>(`s:${tokenHash}`);
    if (session === undefined) {
      const { rows } = await this.pool.query<Account & { expiresAt: Date }>(
        `SELECT a.id, a.role, a.org_id AS "orgId", a.name, s.expires_at AS "expiresAt"
           FROM sessions s JOIN accounts a ON a.id = s.account_id
          WHERE s.token_hash = $1 AND s.ended_at IS NULL AND s.expires_at > now() AND a.disabled_at IS NULL`, [tokenHash]);
      const row = rows[0];
      session = row ? { account: { id: row.id, role: row.role, orgId: row.orgId, name: row.name }, tokenHash, expiresAt: row.expiresAt } : null;
      this.credentials.set(`s:${tokenHash}`, session);
    }
    return session && session.expiresAt.getTime() > Date.now() ? session : null;
  }

  /** Ends the session (sign-out): its token stops working here at once, on other processes on their notification. */
  async end(tokenHash: string): Promise<void> {
    await this.pool.query('UPDATE sessions SET ended_at = now() WHERE token_hash = $1 AND ended_at IS NULL', [tokenHash]);
    this.credentials.delete(`s:${tokenHash}`);
  }
}
