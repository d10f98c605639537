/**
 * 4. Open cases: the worker's resident memory while many whistles wait on their timers (the
 * default policy: days). The whistles are started raw against a worker process of its own
 * (`worker/main.ts`, its own task queue and database); its RSS is read from /proc every half
 * second, and set against how many whistles the worker has taken in (rows in its read model).
 */
import { randomBytes } from 'node:crypto';
import { createPool } from '../lib/db';
import { createDatabase, startWorker, type Temporal } from './stack';
import { startRaw } from './filings';
import { rssMb, runLoad, sleep } from './measure';

export interface OpenCasesResult {
  whistles: number;
  /** The worker's sticky cache size (worker/worker.ts). */
  cacheLimit: number;
  idleMb: number;
  peakMb: number;
  finalMb: number;
  /** RSS when the worker had taken in this many whistles. */
  byWhistles: Array<{ whistles: number; rssMb: number }>;
  /** MB per 1,000 whistles between the cache limit and the end (flat ≈ 0). */
  slopeAfterCacheMbPer1000: number | null;
  startsPerSecond: number;
  seconds: number;
}

export async function benchOpenCases(options: {
  temporal: Temporal; dir: string; whistles: number; cacheLimit: number; log: (line: string) => void;
  /** The worker with other settings (an experiment): extra environment, other node options. */
  worker?: { name: string; env: Record<string, string>; nodeArgs?: string[] };
}): Promise<OpenCasesResult> {
  const { temporal, log } = options;
  const database = await createDatabase('opencases');
  const taskQueue = `bench-open-${randomBytes(3).toString('hex')}`;
  const worker = await startWorker(options.dir, options.worker?.name ?? 'worker-opencases', temporal, database.url, taskQueue,
    options.worker?.env ?? {}, options.worker?.nodeArgs);
  const pool = createPool(database.url, 2);
  try {
    await sleep(3000);
    const idleMb = rssMb(worker.pid) ?? NaN;
    log(`  open cases: worker ${worker.pid} idle at ${idleMb} MB`);
    const samples: Array<{ at: number; rss: number; whistles: number }> = [];
    let taken = 0;
    let sampling = true;
    const t0 = Date.now();
    const sampler = (async () => {
      let lastLog = 0;
      while (sampling) {
        const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM whistles');
        taken = rows[0].n;
        const rss = rssMb(worker.pid);
        if (rss === null) throw new Error(`the worker exited; see ${worker.logFile}`);
        samples.push({ at: Date.now() - t0, rss, whistles: taken });
        if (Date.now() - lastLog > 15_000) { lastLog = Date.now(); log(`  open cases: ${taken} taken in, RSS ${rss} MB`); }
        await sleep(500);
      }
    })();
    const load = await runLoad({
      concurrency: 32, count: options.whistles,
      task: (i) => startRaw(temporal.client, taskQueue, i).then(() => undefined),
    });
    if (load.failed) log(`  open cases: ${load.failed} starts failed: ${load.firstError}`);
    const deadline = Date.now() + 30 * 60_000;
    while (taken < load.ok && Date.now() < deadline) await sleep(500);
    await sleep(10_000); // the cache settles; memory after the burst
    sampling = false;
    await sampler;

    const at = (n: number) => {
      const s = samples.find((x) => x.whistles >= n);
      return s ? s.rss : null;
    };
    const marks = [...new Set([options.cacheLimit, 2 * options.cacheLimit, ...[0.25, 0.5, 0.75, 1].map((f) => Math.round(f * options.whistles))])]
      .filter((n) => n <= load.ok).sort((a, b) => a - b);
    const byWhistles = marks.map((n) => ({ whistles: n, rssMb: at(n) ?? NaN }));
    const afterCache = samples.filter((s) => s.whistles >= options.cacheLimit);
    let slope: number | null = null;
    if (afterCache.length >= 2 && load.ok > options.cacheLimit * 1.5) {
      // Least squares over the samples taken after the cache filled.
      const xs = afterCache.map((s) => s.whistles / 1000);
      const ys = afterCache.map((s) => s.rss);
      const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
      const my = ys.reduce((a, b) => a + b, 0) / ys.length;
      const num = xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0);
      const den = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
      slope = den > 0 ? Math.round((num / den) * 10) / 10 : null;
    }
    const result: OpenCasesResult = {
      whistles: load.ok, cacheLimit: options.cacheLimit, idleMb,
      peakMb: Math.max(...samples.map((s) => s.rss)), finalMb: samples[samples.length - 1].rss,
      byWhistles, slopeAfterCacheMbPer1000: slope, startsPerSecond: load.perSecond,
      seconds: Math.round((Date.now() - t0) / 1000),
    };
    log(`  open cases: ${result.whistles} open, RSS peak ${result.peakMb} MB, final ${result.finalMb} MB, ` +
      `slope after the cache ${slope ?? '—'} MB per 1000`);
    return result;
  } finally {
    await pool.end();
    await worker.stop();
  }
}
