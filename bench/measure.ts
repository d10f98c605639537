/**
 * Measuring: percentiles of latency samples, a bounded load loop (N callers in parallel for a
 * while), and the resident memory of a process read from /proc.
 */
import fs from 'node:fs';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The q-th quantile (0..1) of samples, nearest-rank; NaN when there are none. */
export function quantile(samples: number[], q: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

/** The median of samples (the mean of the middle two for an even count); NaN when there are none. */
export function median(samples: number[]): number {
  const s = [...samples].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Milliseconds as the browser benches print them: `median 512 ms  (min 480, max 700, n=8)`. */
export function medianSpreadMs(samples: number[]): string {
  return `median ${median(samples).toFixed(0)} ms  (min ${Math.min(...samples).toFixed(0)}, max ${Math.max(...samples).toFixed(0)}, n=${samples.length})`;
}

/** Takes `name value` out of a script's arguments (`--rounds 3`): the value, or undefined when absent. */
export function takeOption(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  return args.splice(i, 2)[1];
}

export interface Latency { n: number; p50: number; p90: number; p99: number; max: number; mean: number }

/** Milliseconds, rounded to 0.1 ms. */
export function latencyOf(samples: number[]): Latency {
  const round = (x: number) => Math.round(x * 10) / 10;
  const mean = samples.reduce((a, b) => a + b, 0) / (samples.length || 1);
  return {
    n: samples.length,
    p50: round(quantile(samples, 0.5)),
    p90: round(quantile(samples, 0.9)),
    p99: round(quantile(samples, 0.99)),
    max: round(Math.max(...samples)),
    mean: round(mean),
  };
}

/** Milliseconds since an arbitrary origin, with sub-millisecond resolution. */
export function now(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export interface LoadResult {
  concurrency: number;
  ok: number;
  failed: number;
  seconds: number;
  perSecond: number;
  latency: Latency;
  firstError?: string;
}

/**
 * `concurrency` callers, each calling `task(i)` again as soon as its last call ends, until
 * `count` calls have been made (or `ms` have passed, whichever comes first). Every call's
 * latency is kept; failures are counted, not thrown.
 */
export async function runLoad(options: {
  concurrency: number;
  count: number;
  ms?: number;
  task: (i: number) => Promise<void>;
}): Promise<LoadResult> {
  const { concurrency, count } = options;
  const stopAt = options.ms === undefined ? Infinity : now() + options.ms;
  const samples: number[] = [];
  let next = 0;
  let failed = 0;
  let firstError: string | undefined;
  const started = now();
  const caller = async () => {
    while (next < count && now() < stopAt) {
      const i = next++;
      const t0 = now();
      try {
        await options.task(i);
        samples.push(now() - t0);
      } catch (err) {
        failed++;
        firstError ??= String((err as Error)?.message ?? err).slice(0, 300);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  const seconds = (now() - started) / 1000;
  return {
    concurrency, ok: samples.length, failed, seconds: Math.round(seconds * 100) / 100,
    perSecond: Math.round((samples.length / seconds) * 10) / 10,
    latency: latencyOf(samples), ...(firstError ? { firstError } : {}),
  };
}

/** Resident memory of a process in MB (VmRSS), or null once it is gone. */
export function rssMb(pid: number): number | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status);
    return kb ? Math.round(Number(kb[1]) / 1024) : null;
  } catch {
    return null;
  }
}

/** `part / whole` rounded to 2 decimals; null when either side is missing. */
export function ratio(part: number | null | undefined, whole: number | null | undefined): number | null {
  if (part === null || part === undefined || whole === null || whole === undefined || !Number.isFinite(part)
    || !Number.isFinite(whole) || whole === 0) return null;
  return Math.round((part / whole) * 100) / 100;
}
