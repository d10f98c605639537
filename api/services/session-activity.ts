/**
 * Idle sessions (SESSION_IDLE_MINUTES): a session unused that long ends; each request extends it.
 *
 * Cheap by design: a request does not write the database. Each process remembers when it last saw
 * each session (exact, in memory) and writes `sessions.last_seen_at` at most once every `every`
 * (a tenth of the idle time, at most a minute) per session. Another process may then have seen
 * the session up to `every` later than the database says, so the check allows that margin: a
 * session is idle when neither this process nor the database has seen it for `idle + every`. A
 * session therefore ends between `idle` and `idle + every` after its last request (30 minutes: by
 * 31), never before — the margin errs toward the person at work. The write is one UPDATE by
 * primary key that no trigger announces (migration 020), so the credential caches stay warm.
 */
import type { Pool } from 'pg';
import { touchSession } from '../../lib/stores/sessions';

const MAX_WRITE_EVERY_MS = 60_000;
const MAX_ENTRIES = 100_000;

export class SessionActivity {
  readonly every: number;
  private readonly seen = new Map<string, number>();
  private readonly written = new Map<string, number>();

  constructor(private readonly pool: Pool, readonly idleMs: number) {
    this.every = Math.max(100, Math.min(MAX_WRITE_EVERY_MS, idleMs / 10));
  }

  /**
   * Records a request of the session; false when it was idle too long (it then stays ended: every
   * later request finds it idle too).
   */
  async use(tokenHash: string, lastSeenInDatabase: Date): Promise<boolean> {
    const now = Date.now();
    const last = Math.max(lastSeenInDatabase.getTime(), this.seen.get(tokenHash) ?? 0);
    if (now - last > this.idleMs + this.every) return false;
    if (this.seen.size >= MAX_ENTRIES) this.sweep(now);
    this.seen.set(tokenHash, now);
    const lastWrite = Math.max(this.written.get(tokenHash) ?? 0, lastSeenInDatabase.getTime());
    if (now - lastWrite >= this.every) {
      this.written.set(tokenHash, now);
      await touchSession(this.pool, tokenHash);
    }
    return true;
  }

  forget(tokenHash: string): void {
    this.seen.delete(tokenHash);
    this.written.delete(tokenHash);
  }

  private sweep(now: number) {
    for (const [hash, at] of this.seen) {
      if (now - at > this.idleMs + this.every) {
        this.seen.delete(hash);
        this.written.delete(hash);
      }
    }
  }
}
