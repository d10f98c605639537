/**
 * The live-update stream (GET /v1/events, Server-Sent Events) over `fetch`: EventSource cannot
 * send the session's `Authorization: Bearer`, so the body is read as a stream and parsed by
 * eventsource-parser. One connection at a time, kept open until `close()`:
 *
 * - up once the server says `: ready` (its replay of what was missed is then over);
 * - every `id` (of events and of the `ready` / `heartbeat` comments) is kept and sent back as
 *   `Last-Event-ID` on the next connection, so nothing between two connections is lost (older
 *   than the server keeps: it says `reset`, and the console reloads what it shows);
 * - a connection that ends or fails is tried again: after the server's `retry` when it ended
 *   cleanly, else after a growing pause (1 s, 2 s, 4 s … 30 s, with jitter); a connection that
 *   hears nothing for longer than two heartbeats is given up and tried again;
 * - 429 (too many streams here): tried again after `Retry-After`, else 15 s, 30 s, 60 s;
 * - 401: the session no longer works; the stream stops and says so (sign in again).
 */
import { createParser } from 'eventsource-parser';

export interface WhistleEvent { type: 'whistle'; data: { id: string; status: string; holder: string | null; version: number } }
export interface HelpEvent { type: 'help'; data: { id: string; status: string; holder: string | null; version: number } }
export interface NotificationEvent { type: 'notification'; data: { id: string; kind: string; subjectId: string } }
export interface ResetEvent { type: 'reset'; data: { reason: string } }
export type LiveEvent = WhistleEvent | HelpEvent | NotificationEvent | ResetEvent;

const KINDS = new Set<string>(['whistle', 'help', 'notification', 'reset']);

export interface StreamHandlers {
  event(event: LiveEvent): void;
  /** The stream is live; `resumed` when it continued from a Last-Event-ID (nothing was missed). */
  up(resumed: boolean): void;
  /** The stream is not live (until the next `up`). */
  down(): void;
  /** 401: the session no longer works; the stream has stopped. */
  unauthorized(): void;
}

export interface StreamOptions {
  url: string;
  /** The bearer token now (null: nobody is signed in, the stream stops). */
  token(): string | null;
  fetch?: typeof fetch;
}

/** A stream that heard nothing (not even a heartbeat, every 20 s) for this long is given up. */
const STALL_MS = 50_000;
const BACKOFF_MS = [1_000, 2_000, 4_000, 8_000, 16_000, 30_000];
const BUSY_MS = [15_000, 30_000, 60_000];

const jitter = (ms: number) => Math.round(ms * (0.8 + Math.random() * 0.4));
const step = (steps: number[], attempt: number) => jitter(steps[Math.min(attempt, steps.length - 1)]);

function retryAfterMs(response: Response): number | null {
  const raw = response.headers.get('retry-after');
  const seconds = raw === null ? NaN : Number(raw);
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 300) * 1000 : null;
}

export interface EventStream {
  close(): void;
  /** The id the next connection resumes from. */
  readonly lastEventId: string | null;
}

export function openEventStream(options: StreamOptions, on: StreamHandlers): EventStream {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  let closed = false;
  let lastEventId: string | null = null;
  let retryMs = 3_000;
  let controller: AbortController | null = null;
  let wake: (() => void) | null = null;
  let isUp = false;

  const setDown = () => {
    if (!isUp) return;
    isUp = false;
    on.down();
  };
  const pause = (ms: number) => new Promise<void>((resolve) => {
    const timer = setTimeout(() => { wake = null; resolve(); }, ms);
    wake = () => { clearTimeout(timer); wake = null; resolve(); };
  });

  /** One connection: resolves with how long to wait before the next one (null: stop). */
  async function connect(attempt: { errors: number; busy: number }): Promise<number | null> {
    const token = options.token();
    if (!token) return null;
    controller = new AbortController();
    const resumeFrom = lastEventId;
    let response: Response;
    try {
      response = await doFetch(options.url, {
        headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream', ...(resumeFrom ? { 'last-event-id': resumeFrom } : {}) },
        cache: 'no-store', signal: controller.signal,
      });
    } catch {
      return step(BACKOFF_MS, attempt.errors++);
    }
    if (response.status === 401) {
      await response.body?.cancel().catch(() => undefined);
      on.unauthorized();
      return null;
    }
    if (response.status === 429) {
      await response.body?.cancel().catch(() => undefined);
      return retryAfterMs(response) ?? step(BUSY_MS, attempt.busy++);
    }
    if (!response.ok || !response.body || !(response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
      await response.body?.cancel().catch(() => undefined);
      return step(BACKOFF_MS, attempt.errors++);
    }

    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    const parser = createParser({
      onId: (id) => { if (id) lastEventId = id; },
      onRetry: (ms) => { retryMs = Math.max(500, Math.min(ms, 60_000)); },
      onComment: (text) => {
        if (text.trim() !== 'ready' || isUp) return;
        isUp = true;
        attempt.errors = 0;
        attempt.busy = 0;
        on.up(resumeFrom !== null);
      },
      onEvent: (message) => {
        if (!message.event || !KINDS.has(message.event)) return;
        let data: unknown;
        try { data = JSON.parse(message.data); } catch { return; }
        on.event({ type: message.event, data } as LiveEvent);
      },
    });
    let stall: ReturnType<typeof setTimeout> | undefined;
    const watch = () => { clearTimeout(stall); stall = setTimeout(() => controller?.abort(), STALL_MS); };
    try {
      watch();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        watch();
        parser.feed(value);
      }
    } catch {
      // Aborted (closed, stalled) or the connection broke: tried again below unless closed.
    } finally {
      clearTimeout(stall);
    }
    const wasUp = isUp;
    setDown();
    return wasUp ? jitter(retryMs) : step(BACKOFF_MS, attempt.errors++);
  }

  void (async () => {
    const attempt = { errors: 0, busy: 0 };
    while (!closed) {
      const wait = await connect(attempt);
      setDown();
      if (wait === null || closed) break;
      await pause(wait);
    }
  })();

  return {
    close() {
      if (closed) return;
      closed = true;
      controller?.abort();
      wake?.();
      setDown();
    },
    get lastEventId() {
      return lastEventId;
    },
  };
}
