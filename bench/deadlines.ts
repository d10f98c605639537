/**
 * 5. Deadline accuracy: many street handling deadlines falling due within the same 10 seconds,
 * and how late the resulting `deadline_escalation` entries are. A worker of its own runs with a
 * POLICY_FILE whose `street.handleWithin` is a few minutes. The whistles are started raw, each
 * with a filing instant (`Filing.filedAt`, as the API passes it) spread evenly over 10 seconds,
 * so their deadlines fall due within 10 seconds too, once the worker has taken them all in (as
 * on a Monday morning when the weekend's whistles reach their deadline together). Lateness is
 * the escalation's timeline time minus its due instant (the `filed` entry's time +
 * handleWithin), both from `whistle_events`.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Pool } from 'pg';
import { createPool } from '../lib/db';
import { parsePolicy } from '../lib/policy-file';
import { createDatabase, spawnService, startWorker, waitForPoller, type Temporal } from './stack';
import { DEFAULT_CACHED_WORKFLOWS } from '../worker/worker';
import { startRaw } from './filings';
import { latencyOf, ratio, runLoad, sleep, type Latency } from './measure';
import { cpuMsPer, cpuOfPid, cpuOfPostgres, cpuOfSelf } from './cpu';

/** CPU-milliseconds per deadline by part, while the burst is worked off (from the first due instant to the last one done). */
export type BurstCpu = { worker: number; temporal: number; postgres: number; bench: number };

function cpuSnapshot(workerPid: number, temporal: Temporal): BurstCpu {
  return { worker: cpuOfPid(workerPid), temporal: cpuOfPid(temporal.server.process.pid!), postgres: cpuOfPostgres(), bench: cpuOfSelf() };
}

async function sleepUntil(at: number): Promise<void> {
  if (at > Date.now()) await sleep(at - Date.now());
}

export interface DeadlinesResult {
  deadlines: number;
  handleWithinSeconds: number;
  /** Whether every whistle was in the read model before the first deadline, and when it was. */
  allInBeforeDue: boolean;
  ingestSeconds: number;
  /** Seconds between the first and the last due instant (the burst), and 90% of them. */
  dueSpreadSeconds: number;
  dueSpread90Seconds: number;
  escalated: number;
  /** Lateness of the escalations in ms. */
  lateness: Latency;
  /** CPU-ms per escalation by part while the burst was worked off. */
  cpuMsPer: BurstCpu;
  /** The yardstick: as many plain durable timers due within the same 10 s, on a trivial workflow. */
  rawTimers: { lateness: Latency; cpuMsPer: BurstCpu } | { failed: string };
  /** p99 lateness of the escalations / of the plain timers. */
  p99Ratio: number | null;
}

/**
 * The same number of plain durable timers (bench/trivial-workflow.ts `timerAt`) on their own
 * worker process with the same cache size, due evenly within 10 s once all are started: how late
 * Temporal itself wakes a workflow on this machine, under the same kind of burst.
 */
async function rawTimers(temporal: Temporal, dir: string, count: number, burstMs: number,
  log: (line: string) => void): Promise<DeadlinesResult['rawTimers']> {
  const taskQueue = `bench-timers-${randomBytes(3).toString('hex')}`;
  const worker = spawnService({
    name: 'trivial-worker-timers', script: 'bench/trivial-worker.ts', dir,
    env: { TEMPORAL_ADDRESS: temporal.address, TEMPORAL_TASK_QUEUE: taskQueue, TRIVIAL_MAX_CACHED: String(DEFAULT_CACHED_WORKFLOWS) },
  });
  try {
    await waitForPoller(temporal.client, taskQueue, worker);
    // Starts go at 100+ a second: the burst begins once they are all in.
    const firstDue = Date.now() + Math.ceil(count / 100) * 1000 + 20_000;
    const ids = Array.from({ length: count }, (_, i) => `timer-${taskQueue}-${i}`);
    const started = await runLoad({
      concurrency: 32, count,
      task: (i) => temporal.client.workflow.start('timerAt', {
        taskQueue, workflowId: ids[i], args: [firstDue + Math.floor((i * burstMs) / count)],
      }).then(() => undefined),
    });
    if (started.failed) return { failed: `${started.failed} of ${count} starts failed: ${started.firstError}` };
    log(`  raw timers: ${count} started (${started.perSecond}/s), due within ${burstMs / 1000} s from +${Math.round((firstDue - Date.now()) / 1000)} s`);
    await sleepUntil(firstDue);
    const cpu0 = cpuSnapshot(worker.pid, temporal);
    const late: number[] = [];
    const collected = await runLoad({
      concurrency: 32, count,
      task: (i) => temporal.client.workflow.getHandle(ids[i]).result().then((ms: number) => { late.push(ms); }),
    });
    if (collected.failed) return { failed: `${collected.failed} of ${count} timers failed: ${collected.firstError}` };
    const cpuMsPerTimer = cpuMsPer(cpu0, cpuSnapshot(worker.pid, temporal), count);
    const lateness = latencyOf(late);
    log(`  raw timers: lateness p50 ${lateness.p50} ms, p99 ${lateness.p99} ms, max ${lateness.max} ms; CPU ms each ${JSON.stringify(cpuMsPerTimer)}`);
    return { lateness, cpuMsPer: cpuMsPerTimer };
  } finally {
    await worker.stop();
  }
}

/** Timeline entries of one type in the read model, polled each second until there are `want` or `until` passes. */
async function countEntries(pool: Pool, type: string, want: number, until: number): Promise<number> {
  for (;;) {
    const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM whistle_events WHERE type = $1', [type]);
    if (rows[0].n >= want || Date.now() >= until) return rows[0].n;
    await sleep(1000);
  }
}

export async function benchDeadlines(options: {
  temporal: Temporal; dir: string; deadlines: number; log: (line: string) => void;
  /** The worker with other settings (an experiment): extra environment; and whether to run the plain timers too. */
  worker?: { name: string; env: Record<string, string>; nodeArgs?: string[] };
  rawTimers?: boolean;
}): Promise<DeadlinesResult> {
  const { temporal, log } = options;
  const database = await createDatabase('deadlines');
  const taskQueue = `bench-deadlines-${randomBytes(3).toString('hex')}`;
  // The worker takes in a few dozen whistles a second here: the deadlines must come after that.
  const handleWithinSeconds = Math.ceil(options.deadlines / 20) + 30;
  const burstMs = 10_000;
  const policyFile = path.join(options.dir, 'deadlines-policy.json');
  const policyJson = { street: { handleWithin: { seconds: handleWithinSeconds } } };
  fs.writeFileSync(policyFile, JSON.stringify(policyJson));
  // The filings carry the street stage's plan, as the API's do.
  const policy = parsePolicy(policyJson);
  const worker = await startWorker(options.dir, options.worker?.name ?? 'worker-deadlines', temporal, database.url, taskQueue,
    { POLICY_FILE: policyFile, ...options.worker?.env }, options.worker?.nodeArgs);
  const pool = createPool(database.url, 2);
  try {
    const firstFiling = Date.now() - burstMs;
    const load = await runLoad({
      concurrency: 32, count: options.deadlines,
      task: (i) => startRaw(temporal.client, taskQueue, i, undefined,
        { filedAt: new Date(firstFiling + Math.floor((i * burstMs) / options.deadlines)), policy }).then(() => undefined),
    });
    if (load.failed) throw new Error(`${load.failed} of ${options.deadlines} starts failed: ${load.firstError}`);
    const firstDue = firstFiling + handleWithinSeconds * 1000;
    log(`  deadlines: ${load.ok} whistles started (${load.perSecond}/s), filed within ${burstMs / 1000} s, ` +
      `due ${handleWithinSeconds} s after filing (in ${Math.round((firstDue - Date.now()) / 1000)} s)`);
    // Every whistle must be in before the first deadline, or the burst is not what is measured.
    const takenIn = await countEntries(pool, 'filed', load.ok, firstDue);
    const ingestSeconds = Math.round((Date.now() - firstFiling - burstMs) / 100) / 10;
    log(`  deadlines: ${takenIn} of ${load.ok} whistles in the read model after ${ingestSeconds} s` +
      (takenIn < load.ok ? ' — NOT all in before the first deadline: the burst overlaps the intake' : ''));

    const deadline = firstDue + burstMs + 20 * 60_000;
    await sleepUntil(firstDue);
    const cpu0 = cpuSnapshot(worker.pid, temporal);
    const escalated = await countEntries(pool, 'deadline_escalation', load.ok, deadline);
    const cpuMsPerEscalation = cpuMsPer(cpu0, cpuSnapshot(worker.pid, temporal), escalated);
    const { rows } = await pool.query<{ due: number; late: number }>(
      `SELECT extract(epoch FROM f.at) * 1000 + $1::int * 1000 AS due,
              extract(epoch FROM (d.at - f.at)) * 1000 - $1::int * 1000 AS late
         FROM whistle_events f
         JOIN whistle_events d ON d.whistle_id = f.whistle_id AND d.type = 'deadline_escalation'
        WHERE f.type = 'filed'`, [handleWithinSeconds]);
    const dues = rows.map((r) => Number(r.due)).sort((a, b) => a - b);
    const spread = dues.length ? (dues[dues.length - 1] - dues[0]) / 1000 : NaN;
    const p5 = dues[Math.floor(dues.length * 0.05)];
    const p95 = dues[Math.min(dues.length - 1, Math.floor(dues.length * 0.95))];
    await worker.stop();
    const raw: DeadlinesResult['rawTimers'] = options.rawTimers === false
      ? { failed: 'not run with this setting' } : await rawTimers(temporal, options.dir, load.ok, burstMs, log);
    const result: DeadlinesResult = {
      deadlines: load.ok, handleWithinSeconds, allInBeforeDue: takenIn >= load.ok, ingestSeconds,
      dueSpreadSeconds: Math.round(spread * 10) / 10,
      dueSpread90Seconds: Math.round(((p95 - p5) / 1000) * 10) / 10,
      escalated,
      lateness: latencyOf(rows.map((r) => Number(r.late))),
      cpuMsPer: cpuMsPerEscalation,
      rawTimers: raw,
      p99Ratio: null,
    };
    if ('lateness' in raw) result.p99Ratio = ratio(result.lateness.p99, raw.lateness.p99);
    log(`  deadlines: ${escalated} escalated; due within ${result.dueSpreadSeconds} s (90% within ${result.dueSpread90Seconds} s); ` +
      `lateness p50 ${result.lateness.p50} ms, p99 ${result.lateness.p99} ms, max ${result.lateness.max} ms; CPU ms each ${JSON.stringify(cpuMsPerEscalation)}`);
    return result;
  } finally {
    await pool.end();
    await worker.stop();
  }
}
