/**
 * A Server-Sent Events client for the tests of GET /v1/events, on node:http against a listening
 * API: parses events and comments as the EventSource specification does, and waits for them.
 */
import http from 'node:http';
import type { Json } from './json';

export interface SseEvent { id: string | undefined; type: string; data: Json }

export interface SseClient {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body when the answer is not a stream (a refusal). */
  body: string;
  events: SseEvent[];
  comments: string[];
  /** The last `id` field seen (what EventSource would send as Last-Event-ID). */
  lastId: string | undefined;
  ended: boolean;
  /** Resolves when the server ends the stream. */
  closed: Promise<void>;
  /** The first event (from the start, or after `from` events) that `match` accepts. */
  next(match: (e: SseEvent) => boolean, ms?: number, from?: number): Promise<SseEvent>;
  /** Waits until a comment `text` has come `count` times in all. */
  comment(text: string, count?: number, ms?: number): Promise<void>;
  close(): void;
}

export function openSse(baseUrl: string, headers: Record<string, string>): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${baseUrl}/v1/events`, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      const waiters = new Set<() => void>();
      const wake = () => { for (const w of [...waiters]) w(); };
      let ended = false;
      let endedResolve!: () => void;
      const closed = new Promise<void>((r) => { endedResolve = r; });
      const client: SseClient = {
        status: res.statusCode ?? 0, headers: res.headers, body: '', events: [], comments: [], lastId: undefined,
        get ended() { return ended; },
        closed,
        next(match, ms = 10_000, from = 0) {
          return until(() => client.events.slice(from).find(match), ms, 'an event');
        },
        async comment(text, count = 1, ms = 10_000) {
          await until(() => client.comments.filter((c) => c === text).length >= count || undefined, ms, `comment "${text}"`);
        },
        close() { req.destroy(); },
      } as SseClient;
      const until = <T>(found: () => T | undefined, ms: number, what: string) => new Promise<T>((ok, fail) => {
        const check = () => {
          const value = found();
          if (value !== undefined) { done(); ok(value); } else if (ended) { done(); fail(new Error(`the stream ended before ${what} came`)); }
        };
        const timer = setTimeout(() => { done(); fail(new Error(`no ${what} within ${ms} ms`)); }, ms);
        const done = () => { clearTimeout(timer); waiters.delete(check); };
        waiters.add(check);
        check();
      });
      res.setEncoding('utf8');
      let buffer = '';
      let fields: { id?: string; event?: string; data: string[] } = { data: [] };
      res.on('data', (chunk: string) => {
        if (!String(res.headers['content-type']).startsWith('text/event-stream')) { client.body += chunk; return; }
        buffer += chunk;
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          if (line === '') {
            if (fields.id !== undefined) client.lastId = fields.id;
            if (fields.data.length) {
              const text = fields.data.join('\n');
              let data: unknown = text;
              try { data = JSON.parse(text); } catch { /* not JSON */ }
              client.events.push({ id: fields.id ?? client.lastId, type: fields.event ?? 'message', data });
            }
            fields = { data: [] };
          } else if (line.startsWith(':')) {
            client.comments.push(line.slice(1).trim());
          } else {
            const colon = line.indexOf(':');
            const name = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (name === 'id') fields.id = value;
            else if (name === 'event') fields.event = value;
            else if (name === 'data') fields.data.push(value);
          }
        }
        wake();
      });
      const finish = () => { if (!ended) { ended = true; endedResolve(); wake(); } };
      res.on('end', finish);
      res.on('close', finish);
      res.on('error', finish);
      resolve(client);
    });
    req.on('error', reject);
  });
}
