/**
 * Live updates (GET /v1/events) under load, against the API as `npm run api` runs it
 * (`npx tsx bench/live-events.ts`, BENCH_SCALE=small for a quick run; also section `live` of
 * `npm run bench`):
 *
 *   1. latency: from an action's answer to its event on another clerk's open stream, with 200
 *      and 1,000 streams open (spread over every dev account): a filing (xiguan files, the street
 *      wuhang hears of it) and an acceptance through the workflow (wuhang accepts, xiguan hears);
 *      p50 / p99 in ms (negative: the event came before the answer, which writes the read model first);
 *   2. idle cost: CPU-seconds per second of the API process and of this database's PostgreSQL
 *      backends, with 1,000 idle open streams and then with 1,000 consoles polling
 *      GET /v1/whistles?holder=me&sort=due every 10 s with their ETag (as the console does today),
 *      in the same run;
 *   3. a burst: 5,000 streams opened at once (past EVENTS_MAX_STREAMS the API answers 429): how
 *      many open, how long /healthz takes meanwhile, the API's memory.
 */
import { changleAccounts, changleOrgs } from '../lib/seed';
import { cpuOfPid } from './cpu';
import { latencyOf, rssMb, sleep, type Latency } from './measure';
import { openMany, openStream, type StreamHandle } from './live-streams';
import { databaseCpu } from './pg-cpu';
import { call, type Api } from './stack';

export interface LiveEventsResult {
  latency: Array<{ streams: number; file: Latency; accept: Latency }>;
  idle: { seconds: number; streams: { apiCpuPerSecond: number; postgresCpuPerSecond: number }; polling: { apiCpuPerSecond: number; postgresCpuPerSecond: number; requests: number; notModified: number } };
  burst: { attempted: number; opened: number; refused: number; failed: number; outcomes: Record<string, number>; openMs: number; healthz: Latency; rssMb: { before: number | null; open: number | null; closed: number | null } };
}

export interface LiveEventsOptions {
  api: Api;
  databaseName: string;
  samples: number;
  streamCounts: number[];
  idleMs: number;
  burst: number;
  log: (line: string) => void;
}

const ACCOUNTS = changleAccounts(changleOrgs()).map((a) => a.id);
const FILER = 'xiguan';
const CLERK = 'wuhang';

function filingBody(i: number) {
  return { title: `实时更新测量 ${i}`, description: '测量事件从应答到推送的时间。', category: 'utilities', location: { address: '测量用地址' } };
}

/** Events of the observers by `<whistle id>:<status>`, and waiting for one. */
class Arrivals {
  private readonly seen = new Map<string, number>();
  private readonly waiting = new Map<string, (at: number) => void>();
  add(key: string, at: number) {
    if (this.seen.has(key)) return;
    this.seen.set(key, at);
    this.waiting.get(key)?.(at);
  }
  wait(key: string, ms = 10_000): Promise<number> {
    const at = this.seen.get(key);
    if (at !== undefined) return Promise.resolve(at);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no event ${key} within ${ms} ms`)), ms);
      this.waiting.set(key, (t) => { clearTimeout(timer); resolve(t); });
    });
  }
}

async function observe(base: string, as: string, arrivals: Arrivals): Promise<StreamHandle> {
  const s = await openStream(base, as, (type, data, at) => { if (type === 'whistle') arrivals.add(`${as}:${data.id}:${data.status}`, at); });
  await s.ready;
  return s;
}

async function latency(o: LiveEventsOptions, streams: number, offset: number) {
  const base = o.api.url;
  const fillers = await openMany(base, ACCOUNTS, streams);
  await Promise.all(fillers.map((s) => s.ready));
  const refused = fillers.filter((s) => s.status !== 200).length;
  if (refused) throw new Error(`${refused} of ${streams} streams refused: raise EVENTS_MAX_STREAMS_PER_ACCOUNT for the bench`);
  const arrivals = new Arrivals();
  const observers = [await observe(base, CLERK, arrivals), await observe(base, FILER, arrivals)];
  const file: number[] = [];
  const accept: number[] = [];
  for (let i = 0; i < o.samples; i++) {
    const filed = await call(base, FILER, 'POST', '/v1/whistles', filingBody(offset + i), 201);
    const answered = performance.now();
    file.push((await arrivals.wait(`${CLERK}:${filed.body.id}:filed`)) - answered);
    await call(base, CLERK, 'POST', `/v1/whistles/${filed.body.id}/accept`);
    const accepted = performance.now();
    accept.push((await arrivals.wait(`${FILER}:${filed.body.id}:street_handling`)) - accepted);
  }
  const result = { streams, file: latencyOf(file), accept: latencyOf(accept) };
  o.log(`  ${streams} streams: filing → street's stream p50 ${result.file.p50} / p99 ${result.file.p99} ms; acceptance → community's stream p50 ${result.accept.p50} / p99 ${result.accept.p99} ms`);
  return { result, open: [...fillers, ...observers] };
}

/** CPU-seconds per second of the API and of this database's backends while `during` runs. */
async function cpuWhile(o: LiveEventsOptions, during: () => Promise<void>) {
  const pg = databaseCpu(o.databaseName);
  await pg.start();
  const api0 = cpuOfPid(o.api.pid);
  const t0 = performance.now();
  await during();
  const seconds = (performance.now() - t0) / 1000;
  const apiCpu = cpuOfPid(o.api.pid) - api0;
  const pgCpu = await pg.stop();
  const round = (x: number) => Math.round(x * 10_000) / 10_000;
  return { seconds, apiCpuPerSecond: round(apiCpu / seconds), postgresCpuPerSecond: round(pgCpu / seconds) };
}

/** `clients` consoles polling their queue every 10 s with the ETag of their last answer, for `ms`. */
async function poll(base: string, clients: number, ms: number) {
  let requests = 0;
  let notModified = 0;
  const until = performance.now() + ms;
  await Promise.all(Array.from({ length: clients }, async (_, i) => {
    const as = ACCOUNTS[i % ACCOUNTS.length];
    let etag: string | undefined;
    await sleep((10_000 * i) / clients);
    while (performance.now() < until) {
      const res = await fetch(`${base}/v1/whistles?holder=me&sort=due`, {
        headers: { authorization: `Bearer dev-${as}`, ...(etag ? { 'if-none-match': etag } : {}) },
      });
      await res.arrayBuffer();
      requests += 1;
      if (res.status === 304) notModified += 1;
      etag = res.headers.get('etag') ?? etag;
      await sleep(10_000);
    }
  }));
  return { requests, notModified };
}

async function burst(o: LiveEventsOptions) {
  const base = o.api.url;
  const before = rssMb(o.api.pid);
  const probes: number[] = [];
  let probing = true;
  const prober = (async () => {
    while (probing) {
      const t = performance.now();
      await fetch(`${base}/healthz`).then((r) => r.arrayBuffer()).catch(() => undefined);
      probes.push(performance.now() - t);
      await sleep(100);
    }
  })();
  const t0 = performance.now();
  const results = await Promise.allSettled(Array.from({ length: o.burst }, (_, i) => openStream(base, ACCOUNTS[i % ACCOUNTS.length])));
  const handles = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  await Promise.all(handles.map((h) => h.ready));
  const openMs = Math.round(performance.now() - t0);
  await sleep(1000);
  probing = false;
  await prober;
  const open = rssMb(o.api.pid);
  for (const h of handles) h.close();
  await sleep(2000);
  const outcomes: Record<string, number> = {};
  for (const r of results) {
    const key = r.status === 'fulfilled' ? String(r.value.status) : String((r.reason as { code?: string }).code ?? (r.reason as Error).message);
    outcomes[key] = (outcomes[key] ?? 0) + 1;
  }
  const result = {
    attempted: o.burst, outcomes, opened: handles.filter((h) => h.status === 200).length, refused: handles.filter((h) => h.status === 429).length,
    failed: results.length - handles.length + handles.filter((h) => h.status !== 200 && h.status !== 429).length,
    openMs, healthz: latencyOf(probes), rssMb: { before, open, closed: rssMb(o.api.pid) },
  };
  o.log(`  ${o.burst} at once: ${result.opened} open, ${result.refused} refused (429), ${result.failed} failed (${JSON.stringify(outcomes)}), in ${openMs} ms; ` +
    `/healthz meanwhile p50 ${result.healthz.p50} / p99 ${result.healthz.p99} ms; API RSS ${before} → ${open} → ${result.rssMb.closed} MB`);
  return result;
}

export async function benchLiveEvents(o: LiveEventsOptions): Promise<LiveEventsResult> {
  const latencies: LiveEventsResult['latency'] = [];
  let open: StreamHandle[] = [];
  for (const [i, n] of o.streamCounts.entries()) {
    for (const s of open) s.close();
    const run = await latency(o, n, i * o.samples);
    latencies.push(run.result);
    open = run.open;
  }
  o.log(`  idle: ${open.length} open streams for ${o.idleMs / 1000} s`);
  const streams = await cpuWhile(o, () => sleep(o.idleMs));
  for (const s of open) s.close();
  await sleep(2000);
  const clients = o.streamCounts[o.streamCounts.length - 1];
  o.log(`  idle: ${clients} consoles polling every 10 s for ${o.idleMs / 1000} s`);
  let polled = { requests: 0, notModified: 0 };
  const polling = await cpuWhile(o, async () => { polled = await poll(o.api.url, clients, o.idleMs); });
  o.log(`  idle cost, CPU-s per s: streams API ${streams.apiCpuPerSecond} PostgreSQL ${streams.postgresCpuPerSecond}; ` +
    `polling API ${polling.apiCpuPerSecond} PostgreSQL ${polling.postgresCpuPerSecond} (${polled.requests} requests, ${polled.notModified} answered 304)`);
  const burstResult = await burst(o);
  return {
    latency: latencies,
    idle: { seconds: Math.round(streams.seconds), streams: { apiCpuPerSecond: streams.apiCpuPerSecond, postgresCpuPerSecond: streams.postgresCpuPerSecond },
      polling: { apiCpuPerSecond: polling.apiCpuPerSecond, postgresCpuPerSecond: polling.postgresCpuPerSecond, ...polled } },
    burst: burstResult,
  };
}
