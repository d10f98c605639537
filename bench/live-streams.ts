/**
 * Many live-update streams (GET /v1/events) from one process, for bench/live-events.ts: each
 * stream counts what it receives; an observer stream also hands each event to a callback with
 * the moment it arrived.
 */
import http from 'node:http';

const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });

export interface StreamHandle {
  as: string;
  status: number;
  /** Resolves when the stream says it is live (`: ready`), or at once for a refusal. */
  ready: Promise<void>;
  close(): void;
}

/** An event's type and parsed data (whistle: `{ id, status, holder, version }`), and when it arrived. */
export type OnEvent = (type: string, data: { id: string; status?: string }, at: number) => void;

/** Opens a stream as the dev account `as`; `onEvent` parses its events (observers only). */
export function openStream(base: string, as: string, onEvent?: OnEvent): Promise<StreamHandle> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}/v1/events`, { agent, headers: { authorization: `Bearer dev-${as}`, accept: 'text/event-stream' } }, (res) => {
      let readyResolve!: () => void;
      const ready = new Promise<void>((r) => { readyResolve = r; });
      const handle: StreamHandle = { as, status: res.statusCode ?? 0, ready, close: () => req.destroy() };
      if (res.statusCode !== 200) {
        res.resume();
        readyResolve();
        return resolve(handle);
      }
      res.setEncoding('utf8');
      let buffer = '';
      let isReady = false;
      res.on('data', (chunk: string) => {
        const at = performance.now();
        if (!isReady || onEvent) buffer += chunk;
        if (!isReady && buffer.includes(': ready')) { isReady = true; readyResolve(); }
        if (!onEvent) { if (isReady) buffer = ''; return; }
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const type = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (type && data) onEvent(type, JSON.parse(data), at);
        }
      });
      res.on('error', () => undefined);
      resolve(handle);
    });
    req.on('error', reject);
  });
}

/** Opens `n` streams at once, the accounts taken in turn from `accounts`. */
export async function openMany(base: string, accounts: string[], n: number): Promise<StreamHandle[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => openStream(base, accounts[i % accounts.length])));
}
