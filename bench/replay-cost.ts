/**
 * `npx tsx bench/replay-cost.ts [replays] [history files…]`: what the workflow code itself costs
 * the worker, free of the server and the database — CPU-milliseconds per replay of a recorded
 * history (`Worker.runReplayHistories`: a new workflow in the sandbox, its code run through
 * every task of the history, then evicted), which is what a worker pays for a whistle it takes
 * in and, again, for every whistle it must replay after evicting it from its cache (a deadline
 * burst). For each history two cuts: its first workflow task (a filing taken in) and the whole
 * history. Replays run one after another in this process; CPU is this process's (every thread).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import v8 from 'node:v8';
import path from 'node:path';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import type { temporal } from '@temporalio/proto';
import { loadWorkflowCode } from '../worker/bundle';
import { WORKFLOWS_PATH } from '../worker/worker';
import { cpuOfSelf } from './cpu';
import { median, takeOption } from './measure';

type History = temporal.api.history.v1.IHistory;
type Event = temporal.api.history.v1.IHistoryEvent & { eventType?: unknown };

const DEFAULT_HISTORIES = ['test/histories/whistle-full-path.planned-deadlines.json'];

/** The history up to the end of its first workflow task (its commands' events, before the next task). */
function firstTask(history: History): History {
  const events = (history.events ?? []) as Event[];
  const completed = events.findIndex((e) => String(e.eventType).includes('WORKFLOW_TASK_COMPLETED'));
  const next = events.findIndex((e, i) => i > completed && String(e.eventType).includes('WORKFLOW_TASK_SCHEDULED'));
  return { events: events.slice(0, next < 0 ? events.length : next) };
}

/**
 * Promises created by workflow code in this thread (the replays run here; a workflow's promises
 * are the sandbox's, not this realm's): each costs the SDK's stack-trace hook a stack capture.
 */
let promises = 0;
v8.promiseHooks.onInit((promise) => { if (promise.constructor !== Promise) promises++; });

async function replayCost(code: { code: string }, history: History, n: number): Promise<{ cpuMs: number; wallMs: number; promises: number }> {
  const histories = function* () {
    for (let i = 0; i < n; i++) yield { workflowId: `replay-${i}`, history };
  };
  const cpu0 = cpuOfSelf();
  const promises0 = promises;
  const t0 = performance.now();
  for await (const result of Worker.runReplayHistories({ workflowBundle: code, replayName: 'replay-cost' }, histories())) {
    if (result.error) throw result.error;
  }
  return { cpuMs: ((cpuOfSelf() - cpu0) * 1000) / n, wallMs: (performance.now() - t0) / n, promises: (promises - promises0) / n };
}

/** The workflow code of another checkout, bundled the way that checkout bundles it. */
function bundleOf(checkout: string): { code: string } {
  const out = path.join(os.tmpdir(), `replay-cost-${process.pid}.js`);
  try {
    execFileSync(process.execPath, ['--import', 'tsx', path.join(checkout, 'worker/build-bundle.ts'), path.join(checkout, 'workflows/index.ts'), out],
      { cwd: checkout, stdio: 'inherit' });
    return { code: fs.readFileSync(out, 'utf8') };
  } finally {
    fs.rmSync(out, { force: true });
  }
}

/**
 * Options: `--against <checkout>` replays the same histories with that checkout's workflow code
 * too (a worktree of the commit before a change, its node_modules linked), rounds alternating, so
 * the two are compared on the same machine at the same moments; `--against-history <file>` gives
 * that checkout a history of its own generation instead (after a patched change: the same
 * whistle's path, recorded by each); `--rounds R` (default 5).
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string) => takeOption(args, name);
  const against = option('--against');
  const againstHistory = option('--against-history');
  const rounds = Number(option('--rounds') ?? 5);
  const n = Number(args[0] ?? 300);
  const files = args.slice(1).length ? args.slice(1) : DEFAULT_HISTORIES;
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const variants: Array<{ name: string; code: { code: string }; history?: History }> =
    [{ name: 'this checkout', code: await loadWorkflowCode(WORKFLOWS_PATH) }];
  if (against) {
    variants.push({ name: against, code: bundleOf(path.resolve(against)),
      ...(againstHistory ? { history: JSON.parse(fs.readFileSync(againstHistory, 'utf8')) as History } : {}) });
  }
  console.log(`replay cost: ${rounds} rounds of ${n} replays per cut and variant; ${os.availableParallelism()} CPUs, ` +
    `load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const results: Array<{ variant: string; history: string; cut: string; events: number; cpuMsPerReplay: number; wallMsPerReplay: number; rounds: number[]; promisesPerReplay: number }> = [];
  for (const file of files) {
    const whole = JSON.parse(fs.readFileSync(file, 'utf8')) as History;
    for (const cut of ['first task', 'whole'] as const) {
      const historyOf = (v: (typeof variants)[number]) => (cut === 'first task' ? firstTask(v.history ?? whole) : v.history ?? whole);
      const cpu = variants.map(() => [] as number[]);
      const wall = variants.map(() => [] as number[]);
      const promiseCounts = variants.map(() => [] as number[]);
      for (const v of variants) await replayCost(v.code, historyOf(v), Math.min(50, n)); // warm-up: JIT, the replay worker's start
      for (let r = 0; r < rounds; r++) {
        for (const [i, v] of variants.entries()) {
          const m = await replayCost(v.code, historyOf(v), n);
          cpu[i].push(m.cpuMs);
          wall[i].push(m.wallMs);
          promiseCounts[i].push(m.promises);
        }
      }
      for (const [i, v] of variants.entries()) {
        const row = { variant: v.name, history: v.history ? path.basename(againstHistory!) : path.basename(file), cut,
          events: historyOf(v).events?.length ?? 0,
          cpuMsPerReplay: Math.round(median(cpu[i]) * 100) / 100, wallMsPerReplay: Math.round(median(wall[i]) * 100) / 100,
          rounds: cpu[i].map((x) => Math.round(x * 100) / 100), promisesPerReplay: Math.round(median(promiseCounts[i])) };
        results.push(row);
        console.log(`${v.name}: ${row.history} (${cut}, ${row.events} events): median ${row.cpuMsPerReplay} CPU ms ` +
          `(rounds ${row.rounds.join(' · ')}), ${row.wallMsPerReplay} ms wall, ${row.promisesPerReplay} promises per replay`);
      }
    }
  }
  fs.mkdirSync('bench/results', { recursive: true });
  const file = `bench/results/replay-cost-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  fs.writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), n, rounds, cpus: os.availableParallelism(), results }, null, 2));
  console.log(`results: ${file}`);
}

main().catch((err) => { console.error(err); process.exitCode = 1; });
