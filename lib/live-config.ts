/**
 * Settings of the live updates (GET /v1/events), read once at start with the rest of the
 * configuration (lib/config.ts `live`).
 *
 * | env | default | meaning |
 * | --- | --- | --- |
 * | `EVENTS_HEARTBEAT_SECONDS` | 20 | a comment line on every open stream this often (the contract: at least every 25 s; proxies close quiet connections) |
 * | `EVENTS_MAX_STREAMS` | 2000 | open streams one API process holds; past it 429 |
 * | `EVENTS_MAX_STREAMS_PER_ACCOUNT` | 10 | open streams of one account on one API process; past it 429 |
 * | `EVENTS_BUFFER_KB` | 256 | what may wait unsent for one stream (a client that does not read): past it the stream gets `reset` and is closed |
 * | `EVENTS_RESUME_MINUTES` | 5 | how far back `Last-Event-ID` resumes: the journal keeps this long |
 * | `EVENTS_RECHECK_SECONDS` | 60 | each open stream's credential is looked at again this often (a session that ends by time, a change announced while the listener was away) |
 */
export interface LiveConfig {
  heartbeatMs: number;
  maxStreams: number;
  maxStreamsPerAccount: number;
  bufferBytes: number;
  resumeSeconds: number;
  recheckMs: number;
}

type Fail = (message: string) => Error;

function number(env: NodeJS.ProcessEnv, fail: Fail, name: string, fallback: number, min: number, max: number, whole: boolean): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max || (whole && !Number.isInteger(value))) {
    throw fail(`${name} must be a ${whole ? 'whole number' : 'number'} from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/** The settings from `env`; a bad value throws `fail(message)` (lib/config.ts passes its ConfigError). */
export function readLiveConfig(env: NodeJS.ProcessEnv, fail: Fail = (m) => new Error(m)): LiveConfig {
  return {
    // Fractions are for the tests of the heartbeat itself; the contract's bound is 25 s.
    heartbeatMs: Math.round(number(env, fail, 'EVENTS_HEARTBEAT_SECONDS', 20, 0.05, 25, false) * 1000),
    maxStreams: number(env, fail, 'EVENTS_MAX_STREAMS', 2000, 1, 100_000, true),
    maxStreamsPerAccount: number(env, fail, 'EVENTS_MAX_STREAMS_PER_ACCOUNT', 10, 1, 10_000, true),
    bufferBytes: number(env, fail, 'EVENTS_BUFFER_KB', 256, 1, 65_536, true) * 1024,
    resumeSeconds: Math.round(number(env, fail, 'EVENTS_RESUME_MINUTES', 5, 1, 60, false) * 60),
    recheckMs: Math.round(number(env, fail, 'EVENTS_RECHECK_SECONDS', 60, 1, 3600, false) * 1000),
  };
}
