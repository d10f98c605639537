/**
 * Console sessions (登录): an account id and its password give a bearer token that works like an
 * API key for `SESSION_TTL_HOURS`, and ends sooner when unused for `SESSION_IDLE_MINUTES`
 * (session-activity.ts). Tokens are random and stored only as HMAC-SHA256(pepper, token), like keys.
 *
 * Refusals (contract, "Sessions"): a wrong account, a wrong password, a disabled account (or one
 * of a deactivated unit) and one without a password all get the same 401 message, after the same
 * scrypt work, so neither the answer nor its time tells which ids exist. Failures are throttled
 * per (account, address) and per address before any password is checked (sign-in-throttle.ts).
 * Every attempt is a sign-in record (`sign_ins`: ok, wrong, throttled, disabled); every checked
 * one an audit entry (`signed_in`, `sign_in_failed`) with its address.
 *
 * Forced change: a session opened with an initial password (made by an administrator) or with one
 * older than `PASSWORD_MAX_AGE_DAYS` must change it before anything else (auth.ts).
 *
 * Development passwords: outside production an account whose key is still its development key
 * `dev-<id>` (the seeded tree) signs in with the password `dev-<id>` until it gets a password of
 * its own. Such a session is opened "with the key": rotating the key ends it.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Pool } from 'pg';
import { HttpError } from '../errors';
import { recordAudit } from '../../lib/audit';
import { devKey, generateSessionToken, hashKey } from '../../lib/keys';
import { verifyNothing, verifyPassword } from '../../lib/passwords';
import { endSession, liveSession, openSession, passwordRow, signInRow, type SignInRow } from '../../lib/stores/sessions';
import { recordSignIn, type SignInOutcome } from '../../lib/stores/sign-ins';
import type { Account } from './directory';
import type { Limits } from './limits';
import { CredentialCache } from './credential-cache';
import { CheckQueue } from './check-queue';
import { SessionActivity } from './session-activity';
import { SIGN_IN_WINDOW_MS, SignInThrottle } from './sign-in-throttle';

export interface SignedIn { token: string; expiresAt: string; mustChangePassword: boolean; account: Account }
export interface LiveSession { account: Account; tokenHash: string; expiresAt: Date; mustChangePassword: boolean }

const wrongLogin = () => new HttpError('unauthenticated', 'unknown account or wrong password', '账号或密码错误');
export const sessionEnded = () => new HttpError('unauthenticated', 'the session has expired or ended: sign in again', '登录已过期，请重新登录');

/** 429 for a throttled sign-in; `retryAfterSeconds` for the Retry-After header. */
export class LoginThrottled extends HttpError {
  constructor(readonly retryAfterSeconds: number) {
    const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
    super('rate_limited', `too many failed sign-ins for this account: try again in ${minutes} minute${minutes === 1 ? '' : 's'}`,
      `登录失败次数过多，请 ${minutes} 分钟后再试`);
  }
}

type AccountRow = SignInRow;

export interface SessionOptions {
  pool: Pool;
  pepper: string;
  production: boolean;
  /** SESSION_TTL_HOURS. */
  ttlHours: number;
  /** SESSION_IDLE_MINUTES (default 30). */
  idleMinutes?: number;
  /** PASSWORD_MAX_AGE_DAYS (default 90; 0: never). */
  passwordMaxAgeDays?: number;
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
  private readonly maxAgeDays: number;
  private readonly credentials: CredentialCache;
  readonly throttle: SignInThrottle;
  private readonly activity: SessionActivity;
  private readonly checks = new CheckQueue();

  constructor(o: SessionOptions) {
    this.pool = o.pool;
    this.pepper = o.pepper;
    this.production = o.production;
    this.ttlHours = o.ttlHours;
    this.maxAgeDays = o.passwordMaxAgeDays ?? 90;
    this.credentials = o.credentials ?? new CredentialCache();
    this.throttle = new SignInThrottle(o.limits, o.loginWindowMs ?? SIGN_IN_WINDOW_MS);
    this.activity = new SessionActivity(o.pool, (o.idleMinutes ?? 30) * 60_000);
  }

  async signIn(accountId: string, password: string, address = 'unknown'): Promise<SignedIn> {
    const attempt = await this.throttle.attempt(accountId, address);
    if (attempt.throttled) {
      await recordSignIn(this.pool, { accountId, address, outcome: 'throttled' });
      throw new LoginThrottled(attempt.retryAfterSeconds);
    }
    let outcome: SignInOutcome;
    let row: AccountRow | undefined;
    try {
      row = await signInRow(this.pool, accountId) ?? undefined;
      const fits = await this.checks.run(attempt.clean, () => this.passwordFits(row, password));
      outcome = fits === false ? 'wrong' : row!.disabled ? 'disabled' : 'ok';
      if (outcome === 'ok') {
        const signedIn = await this.open(row!, fits === 'key', address);
        await attempt.succeeded();
        return signedIn;
      }
      await recordSignIn(this.pool, { accountId, address, outcome, audit: { type: 'sign_in_failed', note: outcome === 'disabled' ? 'account disabled' : 'wrong account or password' } });
    } catch (err) {
      // Only a checked sign-in counts as a failure; an outage of PostgreSQL does not.
      await attempt.uncounted();
      throw err;
    }
    await attempt.failed();
    throw wrongLogin();
  }

  /** false, or how the password fitted: the account's own password, or (outside production) its development key. */
  private async passwordFits(row: Pick<AccountRow, 'id' | 'passwordHash' | 'keyHash'> | undefined, password: string): Promise<false | 'password' | 'key'> {
    if (!row) return verifyNothing(password);
    if (row.passwordHash) return (await verifyPassword(password, row.passwordHash)) ? 'password' : false;
    if (!this.production && password === devKey(row.id)) {
      const given = Buffer.from(hashKey(this.pepper, password), 'hex');
      const stored = Buffer.from(row.keyHash, 'hex');
      if (given.length === stored.length && timingSafeEqual(given, stored)) return 'key';
    }
    return verifyNothing(password);
  }

  /** Whether a sign-in with the account's stored password must change it first: initial, or too old. */
  private mustChange(row: AccountRow, via: 'password' | 'key'): boolean {
    if (via === 'key') return false;
    if (row.mustChange) return true;
    return this.maxAgeDays > 0 && row.passwordSetAt !== null && Date.now() - row.passwordSetAt.getTime() > this.maxAgeDays * 86_400_000;
  }

  private async open(row: AccountRow, viaKey: boolean, address: string): Promise<SignedIn> {
    const token = generateSessionToken();
    const mustChangePassword = this.mustChange(row, viaKey ? 'key' : 'password');
    const expiresAt = await openSession(this.pool, {
      tokenHash: hashKey(this.pepper, token), accountId: row.id, ttlSeconds: this.ttlHours * 3600, mustChangePassword, viaKey, address,
    });
    await recordSignIn(this.pool, { accountId: row.id, address, outcome: 'ok',
      audit: { type: 'signed_in', note: mustChangePassword ? 'signed in; the password must be changed first' : 'signed in' } });
    return {
      token, expiresAt: expiresAt.toISOString(), mustChangePassword,
      account: { id: row.id, role: row.role, orgId: row.orgId, name: row.name },
    };
  }

  /** Whether `password` is the account's own (POST /v1/me/password), throttled like a sign-in. */
  async checkPassword(accountId: string, password: string, address: string): Promise<boolean> {
    const attempt = await this.throttle.attempt(accountId, address);
    if (attempt.throttled) throw new LoginThrottled(attempt.retryAfterSeconds);
    try {
      const row = await passwordRow(this.pool, accountId) ?? undefined;
      const fits = (await this.checks.run(attempt.clean, () => this.passwordFits(row, password))) !== false;
      await (fits ? attempt.succeeded() : attempt.failed());
      return fits;
    } catch (err) {
      await attempt.uncounted();
      throw err;
    }
  }

  /**
   * The live session of `token`, or null (unknown, expired, idle too long, ended, its account
   * disabled or its unit deactivated).
   */
  async authenticate(token: string): Promise<LiveSession | null> {
    const tokenHash = hashKey(this.pepper, token);
    let session = this.credentials.get<(LiveSession & { lastSeenAt: Date }) | null>(`s:${tokenHash}`);
    if (session === undefined) {
      const row = await liveSession(this.pool, tokenHash);
      session = row ? {
        account: { id: row.id, role: row.role, orgId: row.orgId, name: row.name }, tokenHash, expiresAt: row.expiresAt,
        mustChangePassword: row.mustChangePassword, lastSeenAt: row.lastSeenAt,
      } : null;
      this.credentials.set(`s:${tokenHash}`, session);
    }
    if (!session || session.expiresAt.getTime() <= Date.now()) return null;
    if (!(await this.activity.use(tokenHash, session.lastSeenAt))) return null;
    const { lastSeenAt: _seen, ...live } = session;
    return live;
  }

  /** Forgets every cached credential of this process (after a change to an account or its sessions made here). */
  forgetCached(): void {
    this.credentials.clear();
  }

  /** Ends the session (sign-out): its token stops working here at once, on other processes on their notification. */
  async end(tokenHash: string, address?: string): Promise<void> {
    const accountId = await endSession(this.pool, tokenHash);
    this.credentials.delete(`s:${tokenHash}`);
    this.activity.forget(tokenHash);
    if (accountId) {
      await recordAudit(this.pool, { type: 'signed_out', actor: accountId, subject: accountId, note: 'signed out', address: address ?? null });
    }
  }
}
