/**
 * The read side of the live-update journal for one API process: `LISTEN whistle_live` on a
 * connection of its own, and on each announcement — and every 250 ms without one — the new
 * journal rows, read in id order through the pool and handed to `deliver` once each. Only the
 * API's own writes announce themselves (migration 035 says why: a notifying commit waits for
 * every other); the rest is found by the read every 250 ms, an index range scan that finds
 * nothing most of the time.
 *
 * Journal ids come from a sequence when a change is written, not when it commits, so a row can
 * become visible after a row with a higher id (two projections committing in the other order).
 * `settled` is therefore the highest id up to which every row has been delivered or can no longer
 * come: it stops below a missing id until every transaction that was running when the gap was
 * seen has ended (transactionHorizon in lib/stores/live-events.ts), then passes it (a rolled-back
 * write). Rows above it are delivered as they appear; `settled` is what a client resumes from
 * (its Last-Event-ID), so nothing in a gap is lost by a reconnection — at most a row comes twice.
 *
 * While the connection is broken nothing is announced: it reconnects with a growing pause (up to
 * 5 s) and then reads everything after `settled`, so the streams get what they missed from the
 * journal (the reads every 250 ms go on meanwhile, as long as the pool reaches PostgreSQL). When
 * the journal no longer reaches back to `settled` (PostgreSQL was away longer than the journal
 * keeps), `onLost` says so: every stream gets `reset`.
 */
import { Client, type Pool } from 'pg';
import type { Logger } from '../../lib/logger';
import {
  journalAfter, journalBounds, LIVE_CHANNEL, transactionHorizon, type JournalRow,
} from '../../lib/stores/live-events';

/**
 * Rows read (and written to every stream) at a time; between batches the sockets flush, so what
 * one batch adds to a stream's unsent bytes (about 30 KB of whistle events) stays well under the
 * stream's bound (EVENTS_BUFFER_KB).
 */
const BATCH = 200;
/** How soon a gap in the journal is looked at again. */
const GAP_RECHECK_MS = 100;
/** A read without announcement this often: what durable writes added (and an announcement lost). */
const POLL_MS = 250;
/** Whether the journal still reaches back to `settled` is looked at this often (and after a failed read). */
const BOUNDS_MS = 5_000;

export interface JournalFeedOptions {
  databaseUrl: string;
  pool: Pool;
  logger?: Logger;
  /** Rows, in id order, each once; `settled` as it stands after them. */
  deliver: (rows: JournalRow[], settled: bigint) => Promise<void> | void;
  /** The journal no longer holds what came after `settled` (the listener was away too long). */
  onLost: () => void;
}

export class JournalFeed {
  private client: Client | undefined;
  private stopped = false;
  private started: Promise<void> | undefined;
  private settledId = 0n;
  /** Ids above `settled` already delivered. */
  private readonly delivered = new Set<bigint>();
  /** A gap below delivered rows: ids up to `upto` may still come until transactions below `xmax` have ended. */
  private gap: { upto: bigint; xmax: bigint } | undefined;
  private reading: Promise<void> | undefined;
  private readAgain = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private brokenSince: number | undefined;
  private boundsCheckedAt = 0;

  constructor(private readonly o: JournalFeedOptions) {}

  /** The id every stream may resume from: every row up to it has been delivered or will never come. */
  get settled(): bigint {
    return this.settledId;
  }

  get connected(): boolean {
    return this.client !== undefined;
  }

  /** Starts listening (once): from the journal's current end. */
  start(): Promise<void> {
    this.started ??= (async () => {
      const { last } = await journalBounds(this.o.pool);
      this.settledId = BigInt(last);
      await this.connect(0);
      this.every(POLL_MS, () => this.read());
    })();
    return this.started;
  }

  private every(ms: number, fn: () => void) {
    const timer = setInterval(fn, ms);
    timer.unref();
    this.timers.add(timer);
  }

  private later(ms: number, fn: () => void) {
    const timer = setTimeout(() => { this.timers.delete(timer); fn(); }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  private async connect(attempt: number): Promise<void> {
    if (this.stopped) return;
    const client = new Client({ connectionString: this.o.databaseUrl, connectionTimeoutMillis: 5000, keepAlive: true });
    client.on('error', () => undefined); // followed by 'end', handled there
    client.on('notification', (msg) => {
      if (msg.channel === LIVE_CHANNEL) this.read();
    });
    client.on('end', () => {
      if (this.client !== client) return;
      this.client = undefined;
      if (this.stopped) return;
      this.brokenSince = Date.now();
      this.o.logger?.warn('the live-update listener lost PostgreSQL: reconnecting; open streams get what they missed from the journal');
      this.later(250, () => void this.connect(1));
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${LIVE_CHANNEL}`);
    } catch {
      await client.end().catch(() => undefined);
      this.later(Math.min(250 * (attempt + 1), 5000), () => void this.connect(attempt + 1));
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    if (this.brokenSince !== undefined) {
      this.o.logger?.info({ brokenMs: Date.now() - this.brokenSince }, 'the live-update listener is back');
      this.brokenSince = undefined;
    }
    // What was announced while not listening: from the journal.
    this.read();
  }

  /** Reads what is new (coalesced: one read at a time, and one more if asked meanwhile). */
  read(): void {
    if (this.stopped || !this.started) return;
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    this.reading = this.readOnce()
      .catch((err) => {
        this.boundsCheckedAt = 0;
        this.o.logger?.warn({ err }, 'the live-update journal could not be read; trying again shortly');
      })
      .finally(() => {
        this.reading = undefined;
        if (this.readAgain) {
          this.readAgain = false;
          this.read();
        } else if (this.gap) {
          this.later(GAP_RECHECK_MS, () => this.read());
        }
      });
  }

  private async readOnce(): Promise<void> {
    const pool = this.o.pool;
    // A gap whose transactions have all ended: what is still missing up to it never comes.
    let abandonUpto: bigint | undefined;
    if (this.gap && (await transactionHorizon(pool)).xmin >= this.gap.xmax) {
      abandonUpto = this.gap.upto;
      this.gap = undefined;
    }
    const oldest = Date.now() - this.boundsCheckedAt > BOUNDS_MS ? (await journalBounds(pool)).oldest : null;
    if (oldest !== null) this.boundsCheckedAt = Date.now();
    if (oldest !== null && BigInt(oldest) > this.settledId + 1n) {
      // Pruned past what this process had settled: the streams cannot be told what they missed.
      this.o.logger?.warn({ settled: String(this.settledId), oldest }, 'the live-update journal no longer reaches back to what the streams had: resetting them');
      this.settledId = BigInt(oldest) - 1n;
      this.delivered.clear();
      this.gap = undefined;
      this.o.onLost();
    }
    let from = this.settledId;
    for (;;) {
      const rows = await journalAfter(pool, String(from), BATCH);
      const fresh = rows.filter((r) => !this.delivered.has(BigInt(r.id)));
      for (const r of fresh) this.delivered.add(BigInt(r.id));
      if (abandonUpto !== undefined) this.settle(abandonUpto);
      this.settle();
      if (fresh.length > 0) await this.o.deliver(fresh, this.settledId);
      if (rows.length < BATCH) break;
      from = BigInt(rows[rows.length - 1].id);
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (abandonUpto !== undefined) this.settle(abandonUpto);
    this.settle();
    if (this.delivered.size > 0 && !this.gap) {
      this.gap = { upto: [...this.delivered].reduce((a, b) => (a > b ? a : b)), xmax: (await transactionHorizon(pool)).xmax };
    }
  }

  /** Moves `settled` over delivered ids, and over everything up to `abandonUpto`. */
  private settle(abandonUpto?: bigint) {
    if (abandonUpto !== undefined) {
      for (const id of this.delivered) if (id <= abandonUpto) this.delivered.delete(id);
      if (abandonUpto > this.settledId) this.settledId = abandonUpto;
    }
    while (this.delivered.has(this.settledId + 1n)) {
      this.settledId += 1n;
      this.delivered.delete(this.settledId);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
    await this.reading;
  }
}
