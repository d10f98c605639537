/**
 * 1. Filing throughput: whistles filed per second through the HTTP API (`POST /v1/whistles`,
 * which answers once the whistle is recorded and in the read model) against raw
 * `client.workflow.start` of the same workflow, at the same concurrency, against the same server
 * and worker. Raw starts return before the worker has run anything, so the worker's backlog is
 * drained after every raw phase and the rate including that drain is kept too ("raw, drained").
 */
import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { call, type Temporal } from './stack';
import { filerOf, filingBody, startRaw } from './filings';
import { now, ratio, runLoad, sleep, type LoadResult } from './measure';
import { cpuMsPer, cpuOfPid, cpuOfPostgres, cpuOfSelf } from './cpu';

/** CPU-ms per filing by part during a phase (the worker takes in earlier filings meanwhile, in both phases). */
export type FilingCpu = { api: number; worker: number; temporal: number; postgres: number; bench: number };

export interface FilingLevel {
  concurrency: number;
  api: LoadResult;
  raw: LoadResult;
  /** Raw starts per second counted until the worker has projected every one of them. */
  rawDrainedPerSecond: number;
  drainSeconds: number;
  /** CPU-ms per filing by part, through the API and raw. */
  cpuMsPer: { api: FilingCpu; raw: FilingCpu };
  /** api / raw (start acknowledged), and api / raw drained. */
  ratio: number | null;
  ratioDrained: number | null;
}

/** Waits until `expected` whistles whose id starts with `prefix` are in the read model. */
export async function drained(pool: Pool, prefix: string, expected: number, ms = 600_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM whistles WHERE id LIKE $1', [`${prefix}%`]);
    if (rows[0].n >= expected) return;
    if (Date.now() > deadline) throw new Error(`only ${rows[0].n} of ${expected} raw whistles projected after ${ms} ms`);
    await sleep(100);
  }
}

export async function benchFiling(options: {
  temporal: Temporal; apiUrl: string; pool: Pool; taskQueue: string; levels: number[]; phaseMs: number;
  pids: { api: number; worker: number };
  log: (line: string) => void;
}): Promise<FilingLevel[]> {
  const { temporal, apiUrl, pool, taskQueue, log } = options;
  const cpuNow = (): FilingCpu => ({
    api: cpuOfPid(options.pids.api), worker: cpuOfPid(options.pids.worker), temporal: cpuOfPid(temporal.server.process.pid!),
    postgres: cpuOfPostgres(), bench: cpuOfSelf(),
  });
  let filed = 0;
  const fileViaApi = async () => {
    const i = filed++;
    await call(apiUrl, filerOf(i).id, 'POST', '/v1/whistles', filingBody(i), 201);
  };
  // Warm up both paths (connections, caches, JIT, the worker's bundle).
  await runLoad({ concurrency: 4, count: 40, task: fileViaApi });
  const warm = `w${randomBytes(3).toString('hex')}`;
  await runLoad({ concurrency: 4, count: 40, task: (i) => startRaw(temporal.client, taskQueue, i, `${warm}${i}`).then(() => undefined) });
  await drained(pool, warm, 40);

  const out: FilingLevel[] = [];
  for (const concurrency of options.levels) {
    const apiCpu0 = cpuNow();
    const api = await runLoad({ concurrency, count: 1e9, ms: options.phaseMs, task: fileViaApi });
    const apiCpu = cpuMsPer(apiCpu0, cpuNow(), api.ok);
    log(`  filing c=${concurrency}: API ${api.perSecond}/s (p50 ${api.latency.p50} ms, p99 ${api.latency.p99} ms, ${api.failed} failed); ` +
      `CPU ms each ${JSON.stringify(apiCpu)}`);
    await sleep(1000);
    const prefix = `r${concurrency}x${randomBytes(3).toString('hex')}`;
    const t0 = now();
    const rawCpu0 = cpuNow();
    const raw = await runLoad({
      concurrency, count: 1e9, ms: options.phaseMs,
      task: (i) => startRaw(temporal.client, taskQueue, i, `${prefix}${i}`).then(() => undefined),
    });
    const rawCpu = cpuMsPer(rawCpu0, cpuNow(), raw.ok);
    await drained(pool, prefix, raw.ok + raw.failed > 0 ? raw.ok : 0);
    const drainSeconds = (now() - t0) / 1000;
    const rawDrainedPerSecond = Math.round((raw.ok / drainSeconds) * 10) / 10;
    log(`  filing c=${concurrency}: raw ${raw.perSecond}/s acknowledged, ${rawDrainedPerSecond}/s drained ` +
      `(worker done ${(drainSeconds - raw.seconds).toFixed(1)} s after the last start); CPU ms each until acknowledged ${JSON.stringify(rawCpu)}`);
    out.push({
      concurrency, api, raw, rawDrainedPerSecond, drainSeconds: Math.round(drainSeconds * 10) / 10, cpuMsPer: { api: apiCpu, raw: rawCpu },
      ratio: ratio(api.perSecond, raw.perSecond), ratioDrained: ratio(api.perSecond, rawDrainedPerSecond),
    });
    await sleep(1000);
  }
  return out;
}
