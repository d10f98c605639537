/**
 * The live updates of one API process (GET /v1/events): its open streams, indexed by account and
 * organisation, fed from the journal (live-journal.ts, one LISTEN connection for the process) and
 * each filtered by its caller's visibility (live-visibility.ts).
 *
 * - Limits: at most `maxStreams` open streams in the process and `maxStreamsPerAccount` per
 *   account; past them the request is refused with 429 before it becomes a stream.
 * - Resume: `Last-Event-ID` replays the journal after it, filtered like the live events; an id
 *   the journal no longer reaches back to, one never given out or one from the future gets
 *   `reset` and the stream goes on live.
 * - Heartbeat: a comment every `heartbeatMs`, with the id the stream may resume from (so a client
 *   that heard nothing for a while does not resume from too long ago).
 * - Credentials: a change announced for an account (credential-cache.ts: a session ended, a key
 *   rotated, the account disabled) looks at its streams' credentials again at once and ends those
 *   that no longer work; a session's streams end when it expires, and are looked at again every
 *   `recheckMs` (a session may end by time in ways that are not announced).
 */
import type { ServerResponse } from 'node:http';
import type { Pool } from 'pg';
import type { LiveConfig } from '../../lib/live-config';
import type { Logger } from '../../lib/logger';
import { journalAfter, journalBounds, pruneJournal, whistleFactsOf, type JournalRow } from '../../lib/stores/live-events';
import { HttpError } from '../errors';
import type { Account } from './directory';
import type { Credentials } from './credentials';
import { JournalFeed } from './live-journal';
import { LiveStream, type ResetReason, type StreamIdentity } from './live-stream';
import { audienceOf, eventData, hears, SEES_EVERY_WHISTLE, whistleSubjectsOf } from './live-visibility';

const REPLAY_BATCH = 200;
const PRUNE_MS = 30_000;
/** Longest delay setTimeout takes (about 24.8 days); a later expiry is left to the rechecks. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface LiveHubOptions {
  pool: Pool;
  databaseUrl: string;
  config: LiveConfig;
  credentials: Credentials;
  logger?: Logger;
}

/** A place among the open streams, taken before the stream opens. */
export interface StreamSlot { account: Account; release(): void }

export class LiveHub {
  private readonly streams = new Set<LiveStream>();
  private readonly byAccount = new Map<string, Set<LiveStream>>();
  private readonly byOrg = new Map<string, Set<LiveStream>>();
  private readonly wide = new Set<LiveStream>();
  private reserved = 0;
  private readonly reservedBy = new Map<string, number>();
  private readonly feed: JournalFeed;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly expiries = new Map<LiveStream, NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly o: LiveHubOptions) {
    this.feed = new JournalFeed({
      databaseUrl: o.databaseUrl, pool: o.pool, logger: o.logger,
      deliver: (rows, settled) => this.deliver(rows, settled),
      onLost: () => { for (const s of this.streams) s.reset('lost'); },
    });
  }

  /** Open streams of this process (for /metrics and the tests). */
  get size(): number {
    return this.streams.size;
  }

  /** Starts the periodic work that does not wait for a stream: heartbeats, rechecks, pruning the journal. */
  startTimers(): void {
    if (this.timers.length || this.stopped) return;
    const every = (ms: number, fn: () => void) => { const t = setInterval(fn, ms); t.unref(); this.timers.push(t); };
    every(this.o.config.heartbeatMs, () => this.heartbeat());
    every(this.o.config.recheckMs, () => void this.recheck((s) => s.identity.expiresAt !== undefined));
    every(PRUNE_MS, () => void pruneJournal(this.o.pool, this.o.config.resumeSeconds).catch(() => undefined));
  }

  /** Takes a place for a new stream of `account`, or refuses with 429 (every place taken). */
  reserve(account: Account): StreamSlot {
    const mine = (this.byAccount.get(account.id)?.size ?? 0) + (this.reservedBy.get(account.id) ?? 0);
    if (mine >= this.o.config.maxStreamsPerAccount) {
      throw new HttpError('rate_limited', `this account has ${mine} live-update streams open here already (at most ${this.o.config.maxStreamsPerAccount})`,
        `该账号打开的实时更新连接已达上限（${this.o.config.maxStreamsPerAccount} 个），请关闭多余的页面后再试`);
    }
    if (this.streams.size + this.reserved >= this.o.config.maxStreams) {
      throw new HttpError('rate_limited', 'this API process holds as many live-update streams as it may: try again shortly',
        '实时更新连接数已满，请稍后再试；在此期间页面会定时刷新');
    }
    this.reserved += 1;
    this.reservedBy.set(account.id, (this.reservedBy.get(account.id) ?? 0) + 1);
    let released = false;
    return {
      account,
      release: () => {
        if (released) return;
        released = true;
        this.reserved -= 1;
        const n = (this.reservedBy.get(account.id) ?? 1) - 1;
        if (n > 0) this.reservedBy.set(account.id, n); else this.reservedBy.delete(account.id);
      },
    };
  }

  /**
   * What a `Last-Event-ID` resumes from: the id, or why the stream starts with `reset`. Also
   * starts the journal's listener (the first stream of the process waits for it).
   */
  async resumePoint(lastEventId: string | undefined): Promise<bigint | ResetReason | undefined> {
    await this.feed.start();
    if (lastEventId === undefined) return undefined;
    if (!/^[0-9]{1,19}$/.test(lastEventId.trim())) return 'invalid';
    const id = BigInt(lastEventId.trim());
    const { oldest, last } = await journalBounds(this.o.pool);
    if (id > BigInt(last)) return 'ahead';
    if (oldest === null ? id < BigInt(last) : id < BigInt(oldest) - 1n) return 'expired';
    return id;
  }

  /** Opens the stream on `res` (the head with `headers`), replays from `resume` when given, and goes live. */
  async open(slot: StreamSlot, identity: StreamIdentity, res: ServerResponse, headers: Record<string, string | number | string[]>,
    resume: bigint | ResetReason | undefined): Promise<void> {
    this.startTimers();
    const stream = new LiveStream(identity, res, this.o.config.bufferBytes, (s) => this.remove(s));
    slot.release();
    if (this.stopped) {
      res.writeHead(503).end();
      return;
    }
    this.add(stream);
    stream.open(headers);
    if (typeof resume === 'bigint') {
      stream.beginReplay(resume);
      try {
        await this.replay(stream, resume);
      } catch (err) {
        this.o.logger?.warn({ err }, 'a live-update stream could not be replayed from the journal: it starts with reset');
        stream.reset('lost');
      }
      stream.endReplay();
    } else if (resume !== undefined) {
      stream.reset(resume);
    }
    stream.comment(`ready\nid: ${this.resumeIdFor(resume)}`);
  }

  private resumeIdFor(resume: bigint | ResetReason | undefined): bigint {
    return typeof resume === 'bigint' && resume > this.feed.settled ? resume : this.feed.settled;
  }

  private async replay(stream: LiveStream, after: bigint): Promise<void> {
    let from = after;
    for (;;) {
      const rows = await journalAfter(this.o.pool, String(from), REPLAY_BATCH);
      if (rows.length === 0 || stream.closed) return;
      const subjects = await whistleFactsOf(this.o.pool, whistleSubjectsOf(rows));
      for (const row of rows) {
        if (!hears(stream.account, row, subjects)) continue;
        const rowId = BigInt(row.id);
        const sseId = rowId < this.feed.settled ? rowId : this.feed.settled > after ? this.feed.settled : after;
        if (!stream.replay(rowId, row.kind, sseId, eventData(row))) return;
      }
      if (rows.length < REPLAY_BATCH) return;
      from = BigInt(rows[rows.length - 1].id);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private async deliver(rows: JournalRow[], settled: bigint): Promise<void> {
    if (this.streams.size === 0) return;
    const audiences = rows.map((row) => ({ row, streams: this.candidates(row) }));
    const subjects = await whistleFactsOf(this.o.pool, whistleSubjectsOf(audiences.filter((a) => a.streams.size > 0).map((a) => a.row)));
    for (const { row, streams } of audiences) {
      if (streams.size === 0) continue;
      const rowId = BigInt(row.id);
      const sseId = rowId < settled ? rowId : settled;
      const data = eventData(row);
      for (const s of streams) if (hears(s.account, row, subjects)) s.event(rowId, row.kind, sseId, data);
    }
  }

  /** The streams that may hear of `row` (visibility decides among them). */
  private candidates(row: JournalRow): Set<LiveStream> {
    const audience = audienceOf(row);
    if (audience === 'everyone') return this.streams;
    const found = new Set<LiveStream>(row.kind === 'notification' ? [] : this.wide);
    for (const org of audience.orgs) for (const s of this.byOrg.get(org) ?? []) found.add(s);
    for (const id of audience.accounts) for (const s of this.byAccount.get(id) ?? []) found.add(s);
    return found;
  }

  private heartbeat(): void {
    const id = this.feed.settled;
    for (const s of this.streams) s.comment(s.replaying ? 'heartbeat' : `heartbeat\nid: ${id}`);
  }

  /** Looks at the credentials of the streams `which` selects again; ends those that no longer work. */
  async recheck(which: (s: LiveStream) => boolean): Promise<void> {
    const streams = [...this.streams].filter(which);
    for (let i = 0; i < streams.length; i += 20) {
      await Promise.all(streams.slice(i, i + 20).map(async (s) => {
        if (s.closed) return;
        try {
          const found = await this.o.credentials.resolve(s.identity.authorization, true);
          if ('refused' in found || found.account.id !== s.account.id) s.end();
        } catch {
          /* PostgreSQL away: looked at again at the next change or recheck */
        }
      }));
    }
  }

  /** An account's credentials changed (null: any account's may have, while the listener was away). */
  credentialsChanged(accountId: string | null): void {
    if (this.streams.size === 0) return;
    void this.recheck((s) => accountId === null || s.account.id === accountId);
  }

  private add(stream: LiveStream) {
    const { account, expiresAt } = stream.identity;
    this.streams.add(stream);
    addTo(this.byAccount, account.id, stream);
    addTo(this.byOrg, account.orgId, stream);
    if (SEES_EVERY_WHISTLE.has(account.role)) this.wide.add(stream);
    if (expiresAt) {
      const ms = expiresAt.getTime() - Date.now();
      if (ms <= 0) stream.end();
      else if (ms < MAX_TIMER_MS) {
        const t = setTimeout(() => stream.end(), ms);
        t.unref();
        this.expiries.set(stream, t);
      }
    }
  }

  private remove(stream: LiveStream) {
    const { account } = stream.identity;
    this.streams.delete(stream);
    removeFrom(this.byAccount, account.id, stream);
    removeFrom(this.byOrg, account.orgId, stream);
    this.wide.delete(stream);
    const t = this.expiries.get(stream);
    if (t) clearTimeout(t);
    this.expiries.delete(stream);
  }

  /** Ends every stream and stops listening (the API stops). */
  async close(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    for (const s of [...this.streams]) s.end();
    await this.feed.stop();
  }
}

function addTo(index: Map<string, Set<LiveStream>>, key: string, stream: LiveStream) {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(stream);
}

function removeFrom(index: Map<string, Set<LiveStream>>, key: string, stream: LiveStream) {
  const set = index.get(key);
  set?.delete(stream);
  if (set?.size === 0) index.delete(key);
}
