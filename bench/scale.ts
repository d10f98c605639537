/**
 * How big the benchmark runs: BENCH_SCALE=full (the default, the figures of
 * docs/PERFORMANCE.md) or small (a smoke run of a few minutes). Single sizes can be overridden
 * with BENCH_* variables, and BENCH_ONLY=filing,actions,… runs some sections only.
 */
export interface Scale {
  name: 'small' | 'full';
  /** 1. concurrency levels of the filing sweep, and how long each phase runs. */
  filingLevels: number[];
  filingPhaseMs: number;
  /** 2. samples per action, and the concurrency levels they are taken at. */
  actionSamples: number;
  actionLevels: number[];
  /** 3. whistles in the read model at the small and the large point, and requests per query. */
  readSmall: number;
  readLarge: number;
  readSamples: number;
  assessmentRuns: number;
  /** 4. open whistles waiting on timers. */
  openCases: number;
  /** 5. deadlines that fall due together. */
  deadlines: number;
  /** 6. live updates: samples per stream count, the stream counts, the idle window, streams opened at once. */
  liveSamples: number;
  liveStreams: number[];
  liveIdleMs: number;
  liveBurst: number;
  /** 7. fairness and priority: whistles in the burst (street A's filings, the understanding list's deadlines), and the late ones measured (street B's, the urgent ones). */
  fairnessBurst: number;
  fairnessLate: number;
}

export const SECTIONS = ['filing', 'actions', 'readmodel', 'opencases', 'deadlines', 'live', 'fairness'] as const;
export type Section = (typeof SECTIONS)[number];

function int(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number >= 1, got "${raw}"`);
  return value;
}

function list(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const values = raw.split(',').map((s) => Number(s.trim()));
  if (values.some((v) => !Number.isInteger(v) || v < 1)) throw new Error(`${name} must be whole numbers >= 1 separated by commas, got "${raw}"`);
  return values;
}

export function readScale(env: NodeJS.ProcessEnv = process.env): Scale {
  const name = (env.BENCH_SCALE ?? 'full') as Scale['name'];
  if (name !== 'small' && name !== 'full') throw new Error(`BENCH_SCALE must be small or full, got "${env.BENCH_SCALE}"`);
  const small = name === 'small';
  return {
    name,
    filingLevels: list('BENCH_FILING_LEVELS', small ? [1, 8, 32] : [1, 8, 32, 64]),
    filingPhaseMs: int('BENCH_FILING_MS', small ? 3000 : 12_000),
    actionSamples: int('BENCH_ACTION_SAMPLES', small ? 40 : 300),
    actionLevels: list('BENCH_ACTION_LEVELS', small ? [1] : [1, 8]),
    readSmall: int('BENCH_READ_SMALL', small ? 100 : 10_000),
    readLarge: int('BENCH_READ_LARGE', small ? 1000 : 1_000_000),
    readSamples: int('BENCH_READ_SAMPLES', small ? 60 : 300),
    assessmentRuns: int('BENCH_ASSESSMENT_RUNS', small ? 2 : 3),
    openCases: int('BENCH_OPEN_CASES', small ? 500 : 20_000),
    deadlines: int('BENCH_DEADLINES', small ? 200 : 5000),
    liveSamples: int('BENCH_LIVE_SAMPLES', small ? 30 : 200),
    liveStreams: list('BENCH_LIVE_STREAMS', [200, 1000]),
    liveIdleMs: int('BENCH_LIVE_IDLE_MS', small ? 30_000 : 60_000),
    liveBurst: int('BENCH_LIVE_BURST', 5000),
    fairnessBurst: int('BENCH_FAIRNESS_BURST', small ? 400 : 2000),
    fairnessLate: int('BENCH_FAIRNESS_LATE', small ? 10 : 20),
  };
}

export function readSections(env: NodeJS.ProcessEnv = process.env): Section[] {
  const raw = env.BENCH_ONLY;
  if (!raw) return [...SECTIONS];
  const chosen = raw.split(',').map((s) => s.trim()).filter(Boolean);
  for (const s of chosen) if (!(SECTIONS as readonly string[]).includes(s)) throw new Error(`BENCH_ONLY: unknown section "${s}" (known: ${SECTIONS.join(', ')})`);
  return chosen as Section[];
}
