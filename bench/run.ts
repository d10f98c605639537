/**
 * `npm run bench`: Whistle against Temporal itself, side by side, in one run on one machine.
 *
 *   1. filing throughput: API vs raw client.workflow.start, concurrency sweep;
 *   2. action latency: accept / resolve / evaluate through the API vs a trivial workflow update;
 *   3. read model scale: lists, single view and the quarterly assessment at a small and a large size;
 *   4. open cases: worker memory with many whistles waiting on timers;
 *   5. deadline accuracy: lateness of many street deadlines falling due together;
 *   6. live updates: from an action's answer to its event on another clerk's stream, idle streams
 *      against polling, a burst of streams (bench/live-events.ts);
 *   7. fairness and priority: a street's burst against another street's filings, urgent deadlines
 *      against a burst of the understanding list, fairness on against off (bench/fairness-burst.ts);
 *   plus a CPU profile of the API under load, and experiments that back the report's proposals.
 *
 * Starts its own Temporal dev server (in memory, free ports), its own throwaway databases and
 * processes, and removes them all at the end. BENCH_SCALE=small for a quick check; see
 * bench/scale.ts for the other settings. Prints a table, writes bench/results/<time>.json and
 * bench/results/latest.json.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { createPool } from '../lib/db';
import { DEFAULT_CACHED_WORKFLOWS, heapNeededMb, WORKFLOWS_PATH } from '../worker/worker';
import { workflowBundleOptions } from '../worker/bundle-options';
import { readScale, readSections } from './scale';
import {
  benchDir, cleanupAll, createDatabase, onCleanup, PG_BASE, ROOT, startApi, startTemporal, startWorker, type Temporal,
} from './stack';
import { benchFiling } from './filing';
import { benchActions } from './actions';
import { benchReadModel } from './read-model';
import { benchOpenCases } from './open-cases';
import { benchDeadlines } from './deadlines';
import { newestProfile, summarizeProfile } from './profile';
import { runLoad } from './measure';
import { filerOf, filingBody } from './filings';
import { call } from './stack';
import { formatTable, goalsOf, type Machine, type Results } from './report';
import { benchLiveEvents } from './live-events';
import { benchFairnessBurst } from './fairness-burst';

const TASK_QUEUE = 'bench-whistle';
const QUIET = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never;

function log(line: string) {
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
}

function machine(): Omit<Machine, 'load'> {
  let postgres = '?';
  try {
    postgres = execFileSync('psql', [PG_BASE, '-Atc', 'SHOW server_version'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch { /* psql missing: the version stays unknown */ }
  let temporal = '?';
  try {
    temporal = execFileSync('bash', [path.join(ROOT, 'scripts', 'ensure-temporal.sh')], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim().split('\n').pop()!;
    temporal = execFileSync(temporal, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch { /* unknown */ }
  return {
    nproc: os.availableParallelism?.() ?? os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? '?',
    memoryGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    postgres,
    temporal,
  };
}

/** The worker's cache limit: WORKER_CACHED_WORKFLOWS as the bench's environment sets it, or the default. */
function cacheLimit(): number {
  const set = process.env.WORKER_CACHED_WORKFLOWS;
  return set ? Number(set) : DEFAULT_CACHED_WORKFLOWS;
}

/** The live stack of sections 1 and 2: one database, one whistle worker, one API, all processes. */
async function liveStack(dir: string, temporal: Temporal) {
  const db = await createDatabase('live');
  const worker = await startWorker(dir, 'worker', temporal, db.url, TASK_QUEUE);
  const api = await startApi(dir, 'api', temporal, db.url, TASK_QUEUE);
  const pool = createPool(db.url, 2);
  onCleanup(() => pool.end());
  log(`live stack: worker pid ${worker.pid}, API pid ${api.pid} at ${api.url}`);
  return { db, worker, api, pool };
}

async function main() {
  const scale = readScale();
  const sections = readSections();
  const experiments = process.env.BENCH_EXPERIMENTS !== '0';
  const profile = process.env.BENCH_PROFILE !== '0';
  const startedAt = new Date().toISOString();
  const loads: number[] = [os.loadavg()[0]];
  const loadTimer = setInterval(() => loads.push(os.loadavg()[0]), 10_000);
  const info = machine();
  log(`whistle bench, scale ${scale.name}: ${sections.join(', ')}${experiments ? ' + experiments' : ''}${profile ? ' + API profile' : ''}`);
  log(`machine: ${info.nproc} CPUs (${info.cpuModel}), ${info.memoryGb} GB, node ${info.node}, PostgreSQL ${info.postgres}; load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);

  const dir = benchDir();
  // Undone last: the logs and profiles stay when the run failed, or when BENCH_KEEP=1.
  onCleanup(async () => {
    if (finished && process.env.BENCH_KEEP !== '1') fs.rmSync(dir, { recursive: true, force: true });
  });
  log(`work directory (logs, profiles; removed at the end unless BENCH_KEEP=1 or the run fails): ${dir}`);
  const temporal = await startTemporal(dir);
  log(`Temporal dev server at ${temporal.address}`);
  const results: Partial<Results> = { startedAt, scale, sections };

  const needLive = sections.includes('filing') || sections.includes('actions');
  const live = needLive ? await liveStack(dir, temporal) : undefined;

  if (sections.includes('filing') && live) {
    log('1. filing throughput');
    results.filing = await benchFiling({
      temporal, apiUrl: live.api.url, pool: live.pool, taskQueue: TASK_QUEUE, levels: scale.filingLevels, phaseMs: scale.filingPhaseMs,
      pids: { api: live.api.pid, worker: live.worker.pid }, log,
    });
  }
  if (sections.includes('actions') && live) {
    log('2. action latency');
    results.actions = await benchActions({
      temporal, apiUrl: live.api.url, pool: live.pool, taskQueue: TASK_QUEUE, dir, samples: scale.actionSamples, levels: scale.actionLevels, log,
    });
  }
  if (live && profile) {
    // A second API process, profiled, under the same kinds of load (the figures above are unprofiled).
    log('profile: the API under filing load, with node --cpu-prof');
    const profDir = path.join(dir, 'profile');
    const spawnedAt = Date.now();
    const api = await startApi(dir, 'api-profiled', temporal, live.db.url, TASK_QUEUE, { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profDir}`] });
    let n = 1_000_000;
    const file0 = () => { const i = n++; return call(api.url, filerOf(i).id, 'POST', '/v1/whistles', filingBody(i), 201).then(() => undefined); };
    await runLoad({ concurrency: 4, count: 20, task: file0 }); // warm: first requests compile schemas
    const loadAt = Date.now();
    const load = await runLoad({ concurrency: 32, count: 1e9, ms: scale.filingPhaseMs * 2, task: file0 });
    log(`profile: ${load.perSecond} filings/s through the profiled API`);
    await api.stop();
    const file = newestProfile(profDir);
    // Only the load: start-up and warm-up (module loading, schema compilation) are left out.
    results.profile = file ? summarizeProfile(file, 15, (loadAt - spawnedAt) / 1000) : { skipped: `no profile written in ${profDir}` };
    if (file) log(`profile: ${file}`);
  }
  if (live) {
    await live.api.stop();
    await live.worker.stop();
  }

  if (sections.includes('readmodel')) {
    log('3. read model scale');
    results.readModel = await benchReadModel({
      temporal, dir, small: scale.readSmall, large: scale.readLarge, samples: scale.readSamples, assessmentRuns: scale.assessmentRuns,
      experiments, log,
    });
  }
  if (sections.includes('opencases')) {
    log('4. open cases: worker memory');
    results.openCases = await benchOpenCases({ temporal, dir, whistles: scale.openCases, cacheLimit: cacheLimit(), log });
    if (experiments) {
      // The same workflows and activities with other worker settings, on a quarter of the whistles.
      const bundleFile = path.join(dir, 'workflow-bundle.js');
      const bundle = await bundleWorkflowCode({ ...workflowBundleOptions(WORKFLOWS_PATH), logger: QUIET });
      fs.writeFileSync(bundleFile, bundle.code);
      const settings: Array<{ name: string; env: Record<string, string>; nodeArgs?: string[]; cache: number }> = [
        { name: 'no heap limit (node without --max-old-space-size)', env: {}, nodeArgs: [], cache: DEFAULT_CACHED_WORKFLOWS },
        { name: 'WORKER_CACHED_WORKFLOWS 500', env: { WORKER_CACHED_WORKFLOWS: '500' }, cache: 500 },
        { name: 'WORKER_CACHED_WORKFLOWS 2000', env: { WORKER_CACHED_WORKFLOWS: '2000' }, cache: 2000 },
        { name: 'prebuilt bundle (WORKFLOW_BUNDLE)', env: { WORKFLOW_BUNDLE: bundleFile }, cache: DEFAULT_CACHED_WORKFLOWS },
      ];
      results.experiments = { ...results.experiments, openCases: [] };
      for (const s of settings) {
        log(`experiment: open cases with ${s.name}`);
        const r = await benchOpenCases({
          temporal, dir, whistles: Math.ceil(scale.openCases / 4), cacheLimit: s.cache, log: (l) => log(`  [${s.name}] ${l.trim()}`),
          worker: { name: `worker-${s.name.replace(/[^a-z0-9]+/gi, '-')}`, env: s.env, nodeArgs: s.nodeArgs },
        });
        results.experiments.openCases!.push({ name: s.name, ...r });
      }
    }
  }
  if (sections.includes('deadlines')) {
    log('5. deadline accuracy');
    results.deadlines = await benchDeadlines({ temporal, dir, deadlines: scale.deadlines, log });
    if (experiments) {
      // The worker's settings against the same burst (whistles only; the plain timers ran above):
      // the SDK's default workflow task slots and more, and every whistle of the burst in the cache (no replay
      // when its timer fires; a heap big enough for it, or the worker refuses to start).
      const cache = String(Math.max(scale.deadlines, DEFAULT_CACHED_WORKFLOWS));
      const settings: Array<{ name: string; env: Record<string, string>; nodeArgs?: string[] }> = [
        { name: 'WORKER_WORKFLOW_TASK_SLOTS 40 (the SDK\'s default)', env: { WORKER_WORKFLOW_TASK_SLOTS: '40' } },
        { name: 'WORKER_WORKFLOW_TASK_SLOTS 200', env: { WORKER_WORKFLOW_TASK_SLOTS: '200' } },
        { name: `WORKER_CACHED_WORKFLOWS ${cache}`, env: { WORKER_CACHED_WORKFLOWS: cache },
          nodeArgs: [`--max-old-space-size=${Math.max(256, heapNeededMb(Number(cache)))}`] },
      ];
      results.experiments = { ...results.experiments, deadlines: [] };
      for (const setting of settings) {
        log(`experiment: deadlines with ${setting.name}`);
        const r = await benchDeadlines({
          temporal, dir, deadlines: scale.deadlines, log: (l) => log(`  [${setting.name}] ${l.trim()}`), rawTimers: false,
          worker: { name: `worker-deadlines-${setting.name.replace(/\W+/g, '-').toLowerCase()}`, env: setting.env, nodeArgs: setting.nodeArgs },
        });
        results.experiments.deadlines!.push({ name: setting.name, ...r });
      }
    }
  }

  if (sections.includes('live')) {
    log('6. live updates');
    const db = await createDatabase('live');
    await startWorker(dir, 'worker-live', temporal, db.url, 'bench-live');
    // Room for 1,000 streams over the ~70 dev accounts (the default is 10 per account).
    const api = await startApi(dir, 'api-live', temporal, db.url, 'bench-live', { env: { EVENTS_MAX_STREAMS_PER_ACCOUNT: '100', LOG_LEVEL: 'warn' } });
    results.live = await benchLiveEvents({
      api, databaseName: db.name, samples: scale.liveSamples, streamCounts: scale.liveStreams, idleMs: scale.liveIdleMs, burst: scale.liveBurst, log,
    });
    await api.stop();
  }

  if (sections.includes('fairness')) {
    log('7. fairness and priority (three Temporal dev servers of their own: fairness on, on with one partition, off)');
    results.fairness = await benchFairnessBurst({ dir, burst: scale.fairnessBurst, late: scale.fairnessLate, log });
  }

  clearInterval(loadTimer);
  loads.push(os.loadavg()[0]);
  results.machine = {
    ...info,
    load: {
      atStart: Math.round(loads[0] * 10) / 10, max: Math.round(Math.max(...loads) * 10) / 10,
      mean: Math.round((loads.reduce((a, b) => a + b, 0) / loads.length) * 10) / 10, atEnd: Math.round(loads[loads.length - 1] * 10) / 10,
    },
  };
  results.finishedAt = new Date().toISOString();
  results.goals = goalsOf(results as Results);

  console.log('');
  console.log(formatTable(results as Results));
  const out = path.join(ROOT, 'bench', 'results');
  fs.mkdirSync(out, { recursive: true });
  const stamp = startedAt.replace(/[:.]/g, '-');
  const json = `${JSON.stringify(results, null, 2)}\n`;
  fs.writeFileSync(path.join(out, `${stamp}-${scale.name}.json`), json);
  fs.writeFileSync(path.join(out, 'latest.json'), json);
  log(`results: bench/results/${stamp}-${scale.name}.json and bench/results/latest.json`);
  finished = true;
}

let finished = false;

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.error(`${signal}: cleaning up`);
  void cleanupAll().finally(() => process.exit(130));
};
process.once('SIGINT', () => stop('SIGINT'));
process.once('SIGTERM', () => stop('SIGTERM'));

main()
  .then(() => cleanupAll())
  .catch(async (err) => {
    console.error(err);
    await cleanupAll();
    process.exitCode = 1;
  });
