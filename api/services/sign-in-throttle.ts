/**
 * Throttling of failed sign-ins (等保 2.0, 登录失败处理), answered before any password is checked:
 *
 * - per (account id, client address): 5 failures within 15 minutes (from the first) → 429 for
 *   that pair for the rest of the window; the same account signs in from another address;
 * - per client address: 20 failures within 15 minutes → 429 for every sign-in from it.
 *
 * An attempt is counted on both before its password is checked (so a burst of parallel guesses
 * gets no more checks than the limits) and taken back when it succeeds, when it is throttled (a
 * throttled attempt counts as no failure) and when it could not be checked (an outage). Unknown
 * account ids are counted alike, so no answer tells which ids exist.
 *
 * An account is `locked` while any of its pairs is throttled: a marker lives as long as the
 * longest such window; the addresses that failed for it are kept beside it, so `unlock` clears
 * each pair. Counters live in Limits: shared through Redis when REDIS_URL is set.
 */
import { createHash } from 'node:crypto';
import type { Limits } from './limits';

const PAIR_MAX_FAILURES = 5;
const ADDRESS_MAX_FAILURES = 20;
export const SIGN_IN_WINDOW_MS = 15 * 60_000;

const h = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex').slice(0, 32);

export type Attempt =
  | { throttled: true; retryAfterSeconds: number }
  | {
    throttled: false;
    /** No failure from this address in the window: its password check goes first (check-queue.ts). */
    clean: boolean;
    succeeded(): Promise<void>; failed(): Promise<void>; uncounted(): Promise<void>;
  };

export class SignInThrottle {
  constructor(private readonly limits: Limits, private readonly windowMs = SIGN_IN_WINDOW_MS) {}

  private pairKey(account: string, address: string) { return `${h(account)}:${h(address)}`; }

  async attempt(accountId: string, address: string): Promise<Attempt> {
    const account = h(accountId);
    const pairKey = this.pairKey(accountId, address);
    const addressKey = h(address);
    const [pair, byAddress] = await Promise.all([
      this.limits.hit('signin-pair', pairKey, this.windowMs),
      this.limits.hit('signin-address', addressKey, this.windowMs),
    ]);
    const takeBack = async () => { await Promise.all([this.limits.undo('signin-pair', pairKey), this.limits.undo('signin-address', addressKey)]); };
    const pairThrottled = pair.current > PAIR_MAX_FAILURES;
    const addressThrottled = byAddress.current > ADDRESS_MAX_FAILURES;
    if (pairThrottled || addressThrottled) {
      await takeBack();
      const ms = Math.max(pairThrottled ? pair.ttlMs : 0, addressThrottled ? byAddress.ttlMs : 0);
      return { throttled: true, retryAfterSeconds: Math.max(1, Math.ceil(ms / 1000)) };
    }
    return {
      throttled: false,
      clean: byAddress.current <= 1,
      succeeded: takeBack,
      uncounted: takeBack,
      failed: async () => {
        // The addresses that failed for the account, for unlock; the marker once a pair is throttled.
        await this.limits.add('signin-addresses', account, address, pair.ttlMs);
        if (pair.current >= PAIR_MAX_FAILURES) await this.limits.extend('signin-locked', account, pair.ttlMs);
      },
    };
  }

  /** Whether each account is throttled now from some address. */
  async locked(accountIds: string[]): Promise<Map<string, boolean>> {
    const left = await this.limits.remaining('signin-locked', accountIds.map(h));
    return new Map(accountIds.map((id, i) => [id, left[i] > 0]));
  }

  /** Clears the account's throttling from every address (the security administrator's unlock). */
  async unlock(accountId: string): Promise<void> {
    const account = h(accountId);
    const addresses = await this.limits.members('signin-addresses', account);
    await Promise.all(addresses.map((a) => this.limits.clear('signin-pair', this.pairKey(accountId, a))));
    await Promise.all([this.limits.clear('signin-locked', account), this.limits.clear('signin-addresses', account)]);
  }
}
