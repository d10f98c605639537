/**
 * What API keys and session tokens resolved to, remembered for a few seconds, and forgotten the
 * moment PostgreSQL announces a change to an account or a session.
 *
 * Two mechanisms, because each alone falls short:
 * - LISTEN/NOTIFY: migration 008's triggers send the account id on `whistle_credentials` when an
 *   account changes (key rotated, disabled, enabled, password set) or a live session ends; every
 *   process forgets its whole cache within milliseconds of the commit — a rotated key stops "at
 *   once", on every API process, not only the one that saw the change.
 * - a short time to live (`CREDENTIAL_TTL_MS`, 3 s): a notification lost while the listening
 *   connection is broken (and not yet noticed) cannot keep a disabled account working for longer;
 *   the contract's bound is 5 s. After a reconnection the cache is cleared too, since what was
 *   announced meanwhile is lost.
 *
 * Measured (docs/RELIABILITY.md, section 9; `npx tsx bench/credentials.ts`, load average 9 on 2
 * CPUs): a key lookup costs 0.44 ms uncached (p50; p99 11.5 ms) and 0.007 ms cached; the
 * notification reaches another connection 0.1 ms after the UPDATE returns; a disabled account is
 * refused by a second API process 9 ms (key) and 23 ms (session) after `npm run accounts --
 * disable` returns (test/accounts-lifecycle.test.ts), and within the 3 s time to live with no
 * listener at all (same file). A short cache alone would have cost a 3 s window for a rotated
 * key; no cache at all, a query per request.
 *
 * The listener connects on the first lookup, so an app that never authenticates anyone (the
 * OpenAPI linter, a metrics probe) opens no connection.
 */
import { Client } from 'pg';
import type { Logger } from '../../lib/logger';

const CREDENTIAL_TTL_MS = 3_000;
const MAX_ENTRIES = 10_000;
const CREDENTIALS_CHANNEL = 'whistle_credentials';

export class CredentialCache {
  private entries = new Map<string, { at: number; value: unknown }>();
  private listening = false;

  constructor(private readonly ttlMs = CREDENTIAL_TTL_MS, private readonly onFirstUse?: () => void) {}

  /** The value remembered for `key`, or undefined when there is none (or it is too old). */
  get<T>(key: string): T | undefined {
    if (!this.listening) {
      this.listening = true;
      this.onFirstUse?.();
    }
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (Date.now() - hit.at >= this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return hit.value as T;
  }

  set(key: string, value: unknown): void {
    if (this.ttlMs <= 0) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(key, { at: Date.now(), value });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}

/**
 * `LISTEN whistle_credentials` on a connection of its own (not the pool's), reconnecting with a
 * growing pause (up to 5 s) whenever it breaks. `onChange` gets the account id of a change, or
 * null after a (re)connection.
 */
export class CredentialChanges {
  private client: Client | undefined;
  private started = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private brokenSince: number | undefined;

  constructor(private readonly databaseUrl: string, private readonly onChange: (accountId: string | null) => void, private readonly logger?: Logger) {}

  get connected(): boolean {
    return this.client !== undefined;
  }

  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    void this.connect(0);
  }

  private async connect(attempt: number): Promise<void> {
    if (this.stopped) return;
    const client = new Client({ connectionString: this.databaseUrl, connectionTimeoutMillis: 5000, keepAlive: true });
    client.on('error', () => undefined); // followed by 'end', handled there
    client.on('notification', (msg) => {
      if (msg.channel === CREDENTIALS_CHANNEL) this.onChange(msg.payload ?? null);
    });
    client.on('end', () => {
      if (this.client !== client) return;
      this.client = undefined;
      this.onChange(null);
      if (this.stopped) return;
      this.brokenSince = Date.now();
      this.logger?.warn('the credential-change listener lost PostgreSQL; cached credentials now live at most their few seconds');
      this.retry(1);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CREDENTIALS_CHANNEL}`);
    } catch {
      await client.end().catch(() => undefined);
      this.retry(attempt + 1);
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.onChange(null); // whatever was announced while not listening is lost: forget everything
    if (this.brokenSince !== undefined) {
      this.logger?.info({ brokenMs: Date.now() - this.brokenSince }, 'the credential-change listener is back');
      this.brokenSince = undefined;
    }
  }

  private retry(attempt: number) {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.connect(attempt), Math.min(250 * attempt, 5000));
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
