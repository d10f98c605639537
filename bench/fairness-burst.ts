/**
 * Section 7 of `npm run bench`: fairness and priority on the task queue under a burst, with the
 * priorities the project gives its workflows (lib/task-priority.ts), on three Temporal dev
 * servers of this run — fairness and priority on (MATCHING_DYNAMIC_CONFIG, as every server of
 * the project runs), the same with one partition per task queue instead of the default four, and
 * the server's defaults (both off) — and against the same work with no burst (idle).
 *
 * - Filing: street A files `burst` whistles at once (64 at a time) while street B files `late`,
 *   one every 50 ms from the moment half of A's are filed. Measured: B's time from filing (the
 *   start call) to its first workflow task (WorkflowTaskStarted), and how many of A's whistles
 *   were still waiting when each of B's was filed.
 * - Deadlines: `burst` whistles of the understanding list (谅解) and `late` urgent ones (即办)
 *   have deadlines falling due at the same moment. Measured: each urgent one's time from its timer
 *   firing (TimerFired) to the workflow task that escalates it.
 *
 * The worker is one at its limit: 4 workflow task slots, each whistle's task a local activity of
 * 10 ms (its projection) — about 400 tasks a second, so a burst waits on the server's task
 * queue, where fairness and priority act. The probes are bench/fairness-workflow.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker, type WorkflowBundle } from '@temporalio/worker';
import { DEFAULT_CACHED_WORKFLOWS } from '../lib/config';
import { whistlePriority, type TaskPriority } from '../lib/task-priority';
import { freePort, MATCHING_DYNAMIC_CONFIG, startDevServer, temporalBinary } from '../lib/temporal-dev-server';
import { latencyOf, ratio, sleep, type Latency } from './measure';
import type { deadlineProbe, filedProbe } from './fairness-workflow';

const SLOTS = Number(process.env.BENCH_FAIRNESS_SLOTS ?? 4);
const WORK_MS = Number(process.env.BENCH_FAIRNESS_WORK_MS ?? 10);
const AT_ONCE = 64;
const SPACING_MS = 50;
/** The server's default is four partitions a task queue, each with its own order; one partition is one order. */
const ONE_PARTITION = { 'matching.numTaskqueueReadPartitions': 1, 'matching.numTaskqueueWritePartitions': 1 };
const QUIET = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never;

/** One case: the late (B's, or the urgent) whistles' waits, and how many of the burst were served while each waited. */
export interface BurstCase { latency: Latency; burstAheadMedian: number }

export interface FairnessBurstResult {
  worker: { slots: number; workMs: number };
  filing: { burst: number; late: number; idle: BurstCase; on: BurstCase; onOnePartition: BurstCase; off: BurstCase; onToIdle: number | null };
  deadlines: {
    burst: number; urgent: number; idle: BurstCase; on: BurstCase; onOnePartition: BurstCase; off: BurstCase; onToIdle: number | null; armedLate: number;
  };
}

type Event = proto.api.history.v1.IHistoryEvent;
const ms = (e: Event) => Number(e.eventTime!.seconds) * 1000 + Math.round((e.eventTime!.nanos ?? 0) / 1e6);
const { EVENT_TYPE_WORKFLOW_TASK_STARTED: TASK_STARTED, EVENT_TYPE_TIMER_FIRED: TIMER_FIRED } = proto.api.enums.v1.EventType;

/** Runs `fn` over `items`, `n` at a time. */
async function inParallel<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] : 0);

/** A server, the one worker of its task queue, and when each label was served (its projection ran). */
interface Server { client: Client; taskQueue: string; served: Map<string, number> }

async function withWorker<T>(s: Server, native: NativeConnection, bundle: WorkflowBundle, fn: () => Promise<T>): Promise<T> {
  const worker = await Worker.create({
    connection: native, taskQueue: s.taskQueue, workflowBundle: bundle, maxConcurrentWorkflowTaskExecutions: SLOTS,
    maxCachedWorkflows: DEFAULT_CACHED_WORKFLOWS,
    // Arming a deadline (the filing's projection) costs nothing here: only the tasks measured do.
    activities: { project: async (label: string) => { s.served.set(label, Date.now()); if (!label.endsWith(':filed')) await sleep(WORK_MS); } },
  });
  return worker.runUntil(fn);
}

async function eventsOf(client: Client, workflowId: string): Promise<Event[]> {
  return (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
}

async function filing(s: Server, name: string, burst: number, late: number): Promise<BurstCase & { drainPerSecond: number }> {
  const taskQueue = s.taskQueue;
  const filedAt = new Map<string, number>();
  const start = async (label: string, priority: TaskPriority) => {
    filedAt.set(label, Date.now());
    await s.client.workflow.start<typeof filedProbe>('filedProbe', { workflowId: label, taskQueue, args: [label], priority });
  };
  const a = Array.from({ length: burst }, (_, i) => `${name}:a-${i}`);
  const b = Array.from({ length: late }, (_, i) => `${name}:b-${i}`);
  let filed = 0;
  const lateOnes = (async () => {
    while (filed < burst / 2) await sleep(2);
    for (const label of b) {
      await start(label, whistlePriority({ streetId: 'street-b', urgent: false, list: 'phased' }));
      await sleep(SPACING_MS);
    }
  })();
  await inParallel(a, AT_ONCE, async (label) => {
    await start(label, whistlePriority({ streetId: 'street-a', urgent: false, list: 'phased' }));
    filed += 1;
  });
  await lateOnes;
  while ([...a, ...b].some((l) => !s.served.has(l))) await sleep(50);
  const waits: number[] = [];
  const ahead: number[] = [];
  for (const label of b) {
    const events = await eventsOf(s.client, label);
    const first = events.find((e) => e.eventType === TASK_STARTED)!;
    waits.push(ms(first) - filedAt.get(label)!);
    ahead.push(a.filter((l) => s.served.get(l)! > filedAt.get(label)! && s.served.get(l)! < s.served.get(label)!).length);
  }
  const times = a.map((l) => s.served.get(l)!);
  const drainPerSecond = burst > 1 ? (burst - 1) / ((Math.max(...times) - Math.min(...times)) / 1000 || 1) : 0;
  return { latency: latencyOf(waits), burstAheadMedian: median(ahead), drainPerSecond: Math.round(drainPerSecond) };
}

async function deadlines(s: Server, name: string, burst: number, urgent: number, perSecond: number): Promise<BurstCase & { armedLate: number }> {
  const taskQueue = s.taskQueue;
  const understanding = Array.from({ length: burst }, (_, i) => `${name}:u-${i}`);
  const immediate = Array.from({ length: urgent }, (_, i) => `${name}:i-${i}`);
  // Every whistle armed (its first task done) before the deadlines fall due: half again the time
  // the worker took for as many filings (`perSecond`), and 3 s.
  const dueAt = Date.now() + 3_000 + Math.ceil(((burst + urgent) / Math.max(perSecond, 1)) * 1500);
  const start = (label: string, list: 'understanding' | 'immediate') => s.client.workflow.start<typeof deadlineProbe>('deadlineProbe', {
    workflowId: label, taskQueue, args: [label, dueAt], priority: whistlePriority({ streetId: 'street-a', urgent: false, list }),
  });
  await inParallel(understanding, AT_ONCE, (l) => start(l, 'understanding').then(() => undefined));
  await inParallel(immediate, AT_ONCE, (l) => start(l, 'immediate').then(() => undefined));
  while ([...understanding, ...immediate].some((l) => !s.served.has(l))) await sleep(50);
  const waits: number[] = [];
  const ahead: number[] = [];
  let armedLate = 0;
  for (const label of immediate) {
    const events = await eventsOf(s.client, label);
    const fired = events.findIndex((e) => e.eventType === TIMER_FIRED);
    const task = events.slice(fired).find((e) => e.eventType === TASK_STARTED)!;
    waits.push(ms(task) - ms(events[fired]));
    ahead.push(understanding.filter((l) => s.served.get(l)! > ms(events[fired]) && s.served.get(l)! < s.served.get(label)!).length);
  }
  for (const label of [...understanding, ...immediate]) if ((s.served.get(`${label}:filed`) ?? 0) > dueAt) armedLate += 1;
  return { latency: latencyOf(waits), burstAheadMedian: median(ahead), armedLate };
}

export async function benchFairnessBurst(o: { dir: string; burst: number; late: number; log: (line: string) => void }): Promise<FairnessBurstResult> {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Installed already (by whoever runs this in-process workers before): its logger stays.
  }
  const bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./fairness-workflow'), logger: QUIET });
  const binary = temporalBinary();
  const settings = [
    { name: 'on', values: MATCHING_DYNAMIC_CONFIG },
    { name: 'onOnePartition', values: { ...MATCHING_DYNAMIC_CONFIG, ...ONE_PARTITION } },
    { name: 'off', values: { 'matching.useNewMatcher': false, 'matching.enableFairness': false } },
  ];
  const found: Record<string, BurstCase & { armedLate?: number }> = {};
  for (const setting of settings) {
    const logFile = path.join(o.dir, `temporal-fairness-${setting.name}.log`);
    const server = await startDevServer({ ip: '127.0.0.1', port: await freePort(), namespace: 'default', logFile, dynamicConfig: setting.values }, binary);
    const connection = await Connection.connect({ address: server.address });
    const native = await NativeConnection.connect({ address: server.address });
    const s: Server = { client: new Client({ connection, namespace: 'default' }), taskQueue: 'whistles', served: new Map() };
    try {
      await withWorker(s, native, bundle, async () => {
        await filing(s, 'warm-up', 0, 5); // the worker's first workflows load its code
        if (setting.name === 'on') {
          found.filingIdle = await filing(s, 'filing-idle', 0, o.late);
          o.log(`7. fairness: street B files ${o.late} alone — first workflow task p50 ${found.filingIdle.latency.p50} / p99 ${found.filingIdle.latency.p99} ms`);
        }
        const f = found[`filing-${setting.name}`] = await filing(s, `filing-${setting.name}`, o.burst, o.late);
        o.log(`7. fairness ${setting.name}: B's ${o.late} among A's ${o.burst} — p50 ${f.latency.p50} / p99 ${f.latency.p99} ms, ` +
          `A's served while each waited (median) ${f.burstAheadMedian}; the worker took ${f.drainPerSecond} a second`);
        if (setting.name === 'on') {
          found.deadlinesIdle = await deadlines(s, 'deadlines-idle', 0, o.late, f.drainPerSecond);
          o.log(`7. priority: ${o.late} urgent deadlines alone — timer to task p50 ${found.deadlinesIdle.latency.p50} / p99 ${found.deadlinesIdle.latency.p99} ms`);
        }
        const d = found[`deadlines-${setting.name}`] = await deadlines(s, `deadlines-${setting.name}`, o.burst, o.late, f.drainPerSecond);
        o.log(`7. priority ${setting.name}: ${o.late} urgent among ${o.burst} understanding — p50 ${d.latency.p50} / p99 ${d.latency.p99} ms, ` +
          `served while each waited (median) ${d.burstAheadMedian}${d.armedLate ? `, ${d.armedLate} armed after the deadline` : ''}`);
      });
    } finally {
      await native.close();
      await connection.close();
      await server.stop();
      fs.rmSync(logFile, { force: true });
    }
  }
  const strip = ({ latency, burstAheadMedian }: BurstCase): BurstCase => ({ latency, burstAheadMedian });
  return {
    worker: { slots: SLOTS, workMs: WORK_MS },
    filing: {
      burst: o.burst, late: o.late, idle: strip(found.filingIdle), on: strip(found['filing-on']),
      onOnePartition: strip(found['filing-onOnePartition']), off: strip(found['filing-off']),
      onToIdle: ratio(found['filing-on'].latency.p99, found.filingIdle.latency.p99),
    },
    deadlines: {
      burst: o.burst, urgent: o.late, idle: strip(found.deadlinesIdle), on: strip(found['deadlines-on']),
      onOnePartition: strip(found['deadlines-onOnePartition']), off: strip(found['deadlines-off']),
      onToIdle: ratio(found['deadlines-on'].latency.p99, found.deadlinesIdle.latency.p99),
      armedLate: settings.reduce((n, { name }) => n + (found[`deadlines-${name}`].armedLate ?? 0), found.deadlinesIdle.armedLate ?? 0),
    },
  };
}
