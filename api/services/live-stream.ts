/**
 * One open live-update stream (Server-Sent Events) on its HTTP response: events, comments and
 * `reset`, written with a bound on what may wait unsent. A client that stops reading fills the
 * socket and then this bound: the stream gets `reset` and is closed, and its socket destroyed a
 * moment later if even that cannot leave — the API's memory never grows for a client that does
 * not read.
 */
import type { ServerResponse } from 'node:http';
import type { Account } from './directory';

/**
 * Why a stream says `reset` (the client reloads what it shows): `expired` a Last-Event-ID older
 * than the journal keeps, `invalid` one this API never gave out, `ahead` one from the future,
 * `overflow` the client did not read what was sent, `lost` the API lost track of changes
 * (its listener was away longer than the journal keeps).
 */
export type ResetReason = 'expired' | 'invalid' | 'ahead' | 'overflow' | 'lost';

/** How long a stream that overflowed may take to send its last words before its socket is destroyed. */
const OVERFLOW_GRACE_MS = 2_000;

export interface StreamIdentity {
  account: Account;
  /** The request's Authorization header: looked at again when the account's credentials change. */
  authorization: string;
  /** When the credential ends by itself (a session's expiry), if it does. */
  expiresAt?: Date;
}

export class LiveStream {
  private ended = false;
  /** Events that came live while the stream was being replayed: sent after the replay, by journal id. */
  private held: Array<{ rowId: bigint; chunk: string }> | undefined;
  private heldBytes = 0;
  /** While replaying: where the replay started and what it sent, so that held live events are not sent twice. */
  private replayed: { after: bigint; ids: Set<bigint> } | undefined;
  private finished = false;

  constructor(
    readonly identity: StreamIdentity,
    private readonly res: ServerResponse,
    private readonly bufferBytes: number,
    private readonly onEnd: (stream: LiveStream) => void,
  ) {
    res.once('close', () => this.finish());
  }

  get account(): Account {
    return this.identity.account;
  }

  get closed(): boolean {
    return this.ended;
  }

  /** The response's head and the reconnection delay for EventSource. */
  open(headers: Record<string, string | number | string[]>): void {
    this.res.writeHead(200, headers);
    this.res.write('retry: 3000\n\n');
  }

  /** From now on live events wait until `endReplay` (the journal is being replayed from `afterId`). */
  beginReplay(afterId: bigint): void {
    this.held = [];
    this.replayed = { after: afterId, ids: new Set() };
  }

  get replaying(): boolean {
    return this.held !== undefined;
  }

  /** A replayed journal row's event. */
  replay(rowId: bigint, type: string, sseId: bigint, data: unknown): boolean {
    this.replayed?.ids.add(rowId);
    return this.write(eventChunk(type, sseId, data));
  }

  /** Sends what came live during the replay (not what the replay sent, nor what the client had), and then goes live. */
  endReplay(): void {
    const held = this.held ?? [];
    const replayed = this.replayed;
    this.held = undefined;
    this.replayed = undefined;
    this.heldBytes = 0;
    for (const h of held) {
      if (replayed && (h.rowId <= replayed.after || replayed.ids.has(h.rowId))) continue;
      if (!this.write(h.chunk)) return;
    }
  }

  /** A live event for journal row `rowId`, resumable from `sseId`. */
  event(rowId: bigint, type: string, sseId: bigint, data: unknown): void {
    if (this.ended) return;
    const chunk = eventChunk(type, sseId, data);
    if (this.held) {
      this.heldBytes += chunk.length;
      if (this.heldBytes > this.bufferBytes) return this.overflow();
      this.held.push({ rowId, chunk });
      return;
    }
    this.write(chunk);
  }

  /** A comment line (`: text`): heartbeats and the sign that the stream is live. */
  comment(text: string): void {
    this.write(`: ${text}\n\n`);
  }

  /** `reset`: the client reloads what it shows. The stream stays open unless `close`. */
  reset(reason: ResetReason, close = false): void {
    if (this.ended) return;
    this.res.write(eventChunk('reset', undefined, { reason }));
    if (close) this.end();
  }

  /** Ends the stream (the session ended, the account was disabled, the API stops). */
  end(): void {
    if (this.ended) return;
    this.res.end();
    this.finish();
  }

  private write(chunk: string): boolean {
    if (this.ended) return false;
    if (this.res.writableLength + Buffer.byteLength(chunk) > this.bufferBytes) {
      this.overflow();
      return false;
    }
    this.res.write(chunk);
    return true;
  }

  private overflow(): void {
    const socket = this.res.socket;
    this.reset('overflow', true);
    // What waits in the socket stays in memory until the client reads it: it has a moment, then
    // the connection goes (the response itself counts as done once it is handed to the socket).
    if (!socket) return;
    const timer = setTimeout(() => socket.destroy(), OVERFLOW_GRACE_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  }

  private finish(): void {
    this.ended = true;
    this.held = undefined;
    if (this.finished) return;
    this.finished = true;
    this.onEnd(this);
  }
}

function eventChunk(type: string, sseId: bigint | undefined, data: unknown): string {
  return `${sseId !== undefined ? `id: ${sseId}\n` : ''}event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}
