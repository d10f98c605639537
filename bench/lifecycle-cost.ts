/**
 * `npx tsx bench/lifecycle-cost.ts [whistles per path] [in flight]`: the CPU-seconds one whistle's
 * whole life costs each part of the service — the API, the worker, the Temporal server and
 * PostgreSQL — and the bytes it leaves behind, for the capacity model of docs/SCALING.md.
 *
 * Its own world (bench/stack.ts): a Temporal dev server, a throwaway database, one worker and one
 * API as child processes. Two paths, each driven to closure through the HTTP API as people do it,
 * with one view read (`GET /v1/whistles/:id`) before every action, as the console opens a case
 * before acting on it:
 *
 * - street: file → accept → resolve → evaluate;
 * - escalated: file → escalate → triage (two departments, a lead) → both departments accept →
 *   the lead resolves → evaluate.
 *
 * CPU is read from /proc (utime + stime of each process and all its threads; PostgreSQL as the
 * sum over every `postgres` process of the machine, so nothing else should use it meanwhile).
 * What the processes burn while idle (pollers, timers) is measured first and subtracted. Last, what
 * a console's poll of a clerk's queue (40 open whistles) costs, answered with a body and with 304.
 */
import fs from 'node:fs';
import os from 'node:os';
import { temporal as proto } from '@temporalio/proto';
import { benchDir, call, cleanupAll, createDatabase, startApi, startTemporal, startWorker } from './stack';
import { filerOf, filingBody } from './filings';
import { runLoad, sleep } from './measure';
import { cpuOfPid, cpuOfPostgres } from './cpu';

type Part = 'api' | 'worker' | 'temporal' | 'postgres' | 'driver';
type Cpu = Record<Part, number>;

async function main(): Promise<void> {
  const perPath = Number(process.argv[2] ?? 200);
  const inFlight = Number(process.argv[3] ?? 8);
  const dir = benchDir();
  const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
  log(`lifecycle cost: ${perPath} whistles per path, ${inFlight} in flight; ${os.availableParallelism()} CPUs, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);

  const temporal = await startTemporal(dir);
  const db = await createDatabase('lifecycle');
  const taskQueue = 'whistle-lifecycle';
  const worker = await startWorker(dir, 'worker', temporal, db.url, taskQueue);
  const api = await startApi(dir, 'api', temporal, db.url, taskQueue);
  const temporalPid = temporal.server.process.pid!;
  const read = (): Cpu => ({
    api: cpuOfPid(api.pid), worker: cpuOfPid(worker.pid), temporal: cpuOfPid(temporalPid),
    postgres: cpuOfPostgres(), driver: process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6,
  });
  const minus = (a: Cpu, b: Cpu): Cpu => Object.fromEntries(Object.keys(a).map((k) => [k, a[k as Part] - b[k as Part]])) as Cpu;

  const view = (as: string, id: string) => call(api.url, as, 'GET', `/v1/whistles/${id}`);
  const act = async (as: string, id: string, action: string, body?: unknown) => {
    await view(as, id);
    await call(api.url, as, 'POST', `/v1/whistles/${id}/${action}`, body ?? {});
  };
  const file = async (i: number) => {
    const filer = filerOf(i);
    const res = await call(api.url, filer.id, 'POST', '/v1/whistles', { ...filingBody(i), urgent: false }, 201);
    return { id: res.body.id as string, filer };
  };
  const sampleIds: Record<string, string> = {};
  const paths: Record<string, (i: number) => Promise<void>> = {
    street: async (i) => {
      const { id, filer } = await file(i);
      sampleIds.street = id;
      await act(filer.streetId, id, 'accept');
      await act(filer.streetId, id, 'resolve', { result: '已协调物业处理完毕。', outcome: 'solved' });
      await act(filer.id, id, 'evaluate', { rating: 'satisfied' });
    },
    escalated: async (i) => {
      const { id, filer } = await file(i);
      sampleIds.escalated = id;
      await act(filer.streetId, id, 'escalate', { reason: '涉及市政管网，超出街道职权' });
      await act('center', id, 'triage', { list: 'immediate', departmentIds: ['urban', 'water'], leadDepartmentId: 'water' });
      await act('urban', id, 'accept');
      await act('water', id, 'accept');
      await act('water', id, 'resolve', { result: '已抢修管道，恢复供水。', outcome: 'solved' });
      await act(filer.id, id, 'evaluate', { rating: 'satisfied' });
    },
  };

  // Warm up (bundles, connections, caches), then what idling costs per second.
  await runLoad({ concurrency: 2, count: 10, task: async (i) => { await paths.escalated(100_000 + i); } });
  await sleep(5_000);
  const idleStart = read();
  const idleMs = 15_000;
  await sleep(idleMs);
  const idlePerSecond = minus(read(), idleStart);
  for (const k of Object.keys(idlePerSecond) as Part[]) idlePerSecond[k] /= idleMs / 1000;
  log(`idle CPU per second: ${JSON.stringify(round(idlePerSecond, 4))}`);

  const results: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, path] of Object.entries(paths)) {
    const before = read();
    const sizeBefore = await databaseBytes(db.url);
    const t0 = Date.now();
    const load = await runLoad({ concurrency: inFlight, count: perPath, task: (i) => path(offset + i) });
    await sleep(6_000); // deferred projections (2 s after an update) and the outbox land
    const seconds = (Date.now() - t0) / 1000;
    const used = minus(read(), before);
    for (const k of Object.keys(used) as Part[]) used[k] = Math.max(0, used[k] - idlePerSecond[k] * seconds);
    const perWhistleMs = Object.fromEntries(Object.entries(used).map(([k, v]) => [k, (v / load.ok) * 1000])) as Cpu;
    const serviceMs = perWhistleMs.api + perWhistleMs.worker + perWhistleMs.temporal + perWhistleMs.postgres;
    const bytes = (await databaseBytes(db.url)) - sizeBefore;
    offset += perPath;
    results[name] = {
      whistles: load.ok, failed: load.failed, firstError: load.firstError, seconds: Math.round(seconds),
      cpuMsPerWhistle: round(perWhistleMs, 1), serviceCpuMsPerWhistle: Math.round(serviceMs * 10) / 10,
      readModelBytesPerWhistle: Math.round(bytes / Math.max(1, load.ok)),
    };
    log(`${name}: ${load.ok} closed (${load.failed} failed${load.firstError ? `: ${load.firstError}` : ''}) in ${seconds.toFixed(0)} s; ` +
      `CPU ms per whistle ${JSON.stringify(round(perWhistleMs, 1))} (service ${serviceMs.toFixed(1)} ms); read model ${Math.round(bytes / Math.max(1, load.ok))} B`);
  }

  // One closed whistle of each path: its Temporal history as the server stores it.
  for (const [name, id] of Object.entries(sampleIds)) {
    const handle = temporal.client.workflow.getHandle(`whistle-${id}`);
    const history = await handle.fetchHistory();
    const bytes = proto.api.history.v1.History.encode(history).finish().length;
    const described = await handle.describe();
    const stateTransitions = Number(described.raw.workflowExecutionInfo?.stateTransitionCount ?? 0);
    (results[name] as Record<string, unknown>).history = { workflowId: `whistle-${id}`, status: described.status.name, events: history.events?.length ?? 0, bytes, stateTransitions };
    log(`${name}: a closed whistle's history: ${history.events?.length} events, ${bytes} bytes, ${stateTransitions} state transitions (${described.status.name})`);
  }

  // What a console's poll costs: a clerk's queue (holder=me, sort=due), as the console asks for it
  // every 5 s, first answered with a body, then with 304 for the same ETag.
  // The queue holds 40 open whistles, as the console bench's clerk has (bench/console.ts).
  for (let i = 0; i < 40; i++) await call(api.url, 'xiguan', 'POST', '/v1/whistles', { ...filingBody(i), urgent: false }, 201);
  await sleep(3_000);
  const queueUrl = '/v1/whistles?holder=me&sort=due&limit=50';
  const first = await fetch(`${api.url}${queueUrl}`, { headers: { authorization: 'Bearer dev-wuhang' } });
  const etag = first.headers.get('etag') ?? '';
  await first.arrayBuffer();
  for (const [name, headers] of [
    ['queue poll 200', { authorization: 'Bearer dev-wuhang' }],
    ['queue poll 304', { authorization: 'Bearer dev-wuhang', 'if-none-match': etag }],
  ] as const) {
    const polls = 2000;
    const before = read();
    const t0 = Date.now();
    let statuses = new Set<number>();
    await runLoad({ concurrency: inFlight, count: polls, task: async () => {
      const res = await fetch(`${api.url}${queueUrl}`, { headers });
      statuses.add(res.status);
      await res.arrayBuffer();
    } });
    const seconds = (Date.now() - t0) / 1000;
    const used = minus(read(), before);
    for (const k of Object.keys(used) as Part[]) used[k] = Math.max(0, used[k] - idlePerSecond[k] * seconds);
    const perPollMs = Object.fromEntries(Object.entries(used).map(([k, v]) => [k, (v / polls) * 1000])) as Cpu;
    results[name] = { polls, statuses: [...statuses], perSecond: Math.round(polls / seconds), cpuMsPerPoll: round(perPollMs, 2) };
    log(`${name}: ${polls} in ${seconds.toFixed(1)} s (statuses ${[...statuses].join(',')}); CPU ms per poll ${JSON.stringify(round(perPollMs, 2))}`);
    statuses = new Set();
  }

  const out = { at: new Date().toISOString(), perPath, inFlight, cpus: os.availableParallelism(), idlePerSecond: round(idlePerSecond, 4), results };
  fs.mkdirSync('bench/results', { recursive: true });
  const file2 = `bench/results/lifecycle-${out.at.replace(/[:.]/g, '-')}.json`;
  fs.writeFileSync(file2, JSON.stringify(out, null, 2));
  log(`results: ${file2}`);
}

function round(cpu: Cpu, digits: number): Cpu {
  const f = 10 ** digits;
  return Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, Math.round(v * f) / f])) as Cpu;
}

async function databaseBytes(url: string): Promise<number> {
  const { Client } = await import('pg');
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('CHECKPOINT').catch(() => undefined);
    const r = await c.query('SELECT pg_database_size(current_database())::bigint AS b');
    return Number(r.rows[0].b);
  } finally { await c.end(); }
}

main().catch((err) => { console.error(err); process.exitCode = 1; }).finally(() => cleanupAll());
