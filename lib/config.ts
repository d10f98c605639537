/**
 * Configuration: read and validated once, from the environment, into a typed object.
 * Every setting of the contract lives here and nowhere else.
 */

export interface Config {
  port: number;
  host: string;
  temporalAddress: string;
  temporalNamespace: string;
  taskQueue: string;
  temporalDbFile: string;
  databaseUrl: string;
  policyFile: string | undefined;
  logLevel: string;
  nodeEnv: string;
  production: boolean;
  /** Secret mixed into API-key hashes (HMAC-SHA256). Set it in production. */
  keyPepper: string;
  /** Webhook that receives notifications; none keeps them in the outbox only. */
  webhookUrl: string | undefined;
  webhookSecret: string;
  /** Deliveries tried before a notification is marked `failed` (WEBHOOK_MAX_ATTEMPTS). */
  webhookMaxAttempts: number;
  /** How long one webhook POST may take before it counts as a failed attempt (WEBHOOK_TIMEOUT_SECONDS). */
  webhookTimeoutSeconds: number;
  /**
   * Fastify's `trustProxy` (TRUST_PROXY): false (the default: the peer address is the client),
   * true (trust every proxy), a number of hops, or a list of proxy addresses/CIDRs. Behind a
   * reverse proxy it decides which address `request.ip` (and so the per-address rate limit) sees.
   */
  trustProxy: boolean | number | string[];
  /** Requests per minute per account (or per IP for public routes). */
  rateLimitPerMinute: number;
  /** Largest request body in bytes. */
  bodyLimit: number;
  /** Origins allowed by CORS; empty means closed. */
  corsOrigins: string[];
  /** Port of the worker's Prometheus endpoint (Temporal SDK metrics) on HOST; 0 turns it off. */
  workerMetricsPort: number;
  /**
   * Whistles and help requests the worker keeps in memory between their tasks (WORKER_CACHED_WORKFLOWS).
   * One evicted from the cache is replayed from its history when its next task comes.
   */
  workerCachedWorkflows: number;
  /**
   * Workflow tasks a worker runs at once (WORKER_WORKFLOW_TASK_SLOTS; the SDK's
   * maxConcurrentWorkflowTaskExecutions, whose own default is 40): docs/PERFORMANCE.md has the measurement.
   */
  workerWorkflowTaskSlots: number;
  /** A workflow bundle built beforehand (WORKFLOW_BUNDLE, a file); otherwise the worker bundles at start. */
  workflowBundle: string | undefined;
  /** 验单: weights of the four rates in a unit's quarterly score (ASSESSMENT_WEIGHTS, JSON). */
  assessmentWeights: AssessmentWeights;
  /** Redis shared by every API process for rate limits and login throttling; none: each process counts alone. */
  redisUrl: string | undefined;
  /** Prefix of every Redis key this deployment writes (REDIS_KEY_PREFIX), so several can share one Redis. */
  redisKeyPrefix: string;
  /** Lifetime of a console session token, in hours (SESSION_TTL_HOURS; fractions allowed). */
  sessionTtlHours: number;
  /**
   * Whether the development tree with its public keys (`dev-<id>`) is seeded into an empty
   * database: never in production; otherwise DEV_SEED=yes|no, or by default (auto) only while
   * HOST is a loopback address, so a server listening on a network never gets public keys.
   */
  devSeed: boolean;
  /** The Temporal Web UI that the console links each whistle to (TEMPORAL_UI_URL), for the center and supervisors. */
  temporalUiUrl: string;
}

/** Weights of the rates in the assessment score; see docs/ASSESSMENT.md. */
export interface AssessmentWeights { response: number; resolution: number; onTime: number; satisfaction: number }

export const DEFAULT_ASSESSMENT_WEIGHTS: Readonly<AssessmentWeights> = Object.freeze({
  response: 0.2, resolution: 0.3, onTime: 0.2, satisfaction: 0.3,
});

/**
 * Workflows a worker keeps cached when WORKER_CACHED_WORKFLOWS does not say. Each costs about
 * 0.3 MB of RSS: with `--max-old-space-size=256` (npm run worker) a worker stays under 512 MB
 * with any number of open whistles (docs/PERFORMANCE.md, section 4).
 */
export const DEFAULT_CACHED_WORKFLOWS = 750;

/**
 * Workflow tasks a worker runs at once when WORKER_WORKFLOW_TASK_SLOTS does not say. Chosen by
 * measurement against a burst of deadlines (docs/PERFORMANCE.md): 100 escalated 15–28% sooner at
 * p99, with less CPU each, than the SDK's 40; 10 was worse.
 */
export const DEFAULT_WORKFLOW_TASK_SLOTS = 100;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export class ConfigError extends Error {}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/**
 * WEBHOOK_URL: an http(s) URL, or unset. In production it must be https (the feedback carries the
 * reporter's phone) and its secret must be set too.
 */
function webhookUrl(env: NodeJS.ProcessEnv, production: boolean): string | undefined {
  const raw = env.WEBHOOK_URL;
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`WEBHOOK_URL must be an http:// or https:// URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`WEBHOOK_URL must be an http:// or https:// URL, got "${raw}"`);
  if (production && url.protocol !== 'https:') {
    throw new ConfigError('WEBHOOK_URL must be an https:// URL in production: notifications carry the reporter\'s phone');
  }
  if (production && !env.WEBHOOK_SECRET) throw new ConfigError('WEBHOOK_SECRET must be set in production when WEBHOOK_URL is');
  return raw;
}

/** An http(s) URL setting, without a trailing slash. */
function httpUrl(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const raw = text(env, name, fallback);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be an http:// or https:// URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`${name} must be an http:// or https:// URL, got "${raw}"`);
  return raw.replace(/\/+$/, '');
}

/** A host name or address that only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || /^::ffff:127\./.test(h);
}

/** DEV_SEED: yes | no | auto (default: seed only while HOST is a loopback address); never in production. */
function devSeed(env: NodeJS.ProcessEnv, production: boolean, host: string): boolean {
  const raw = (env.DEV_SEED ?? '').trim().toLowerCase() || 'auto';
  const value = ({ yes: 'yes', true: 'yes', 1: 'yes', no: 'no', false: 'no', 0: 'no', auto: 'auto' } as Record<string, string>)[raw];
  if (!value) throw new ConfigError(`DEV_SEED must be yes, no or auto, got "${env.DEV_SEED}"`);
  if (production && value === 'yes') throw new ConfigError('DEV_SEED=yes is refused in production: the dev accounts have public keys');
  if (production || value === 'no') return false;
  return value === 'yes' || isLoopback(host);
}

/** REDIS_URL: a redis:// or rediss:// URL, or unset. */
function redisUrl(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.REDIS_URL;
  if (raw === undefined || raw.trim() === '') return undefined;
  try {
    if (/^rediss?:$/.test(new URL(raw).protocol)) return raw;
  } catch { /* not a URL */ }
  throw new ConfigError('REDIS_URL must be a redis:// or rediss:// URL');
}

/** SESSION_TTL_HOURS: a number of hours above 0 (fractions allowed: 0.5 is 30 minutes), at most a year. */
function sessionTtlHours(env: NodeJS.ProcessEnv): number {
  const raw = env.SESSION_TTL_HOURS;
  if (raw === undefined || raw.trim() === '') return 12;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || value > 8784 || value * 3_600_000 < 1000) {
    throw new ConfigError(`SESSION_TTL_HOURS must be a number of hours above 0 (at least one second) and at most 8784, got "${raw}"`);
  }
  return value;
}

/** TRUST_PROXY: unset/false, true, a whole number of hops, or comma-separated addresses/CIDRs. */
function trustProxy(env: NodeJS.ProcessEnv): boolean | number | string[] {
  const raw = (env.TRUST_PROXY ?? '').trim();
  if (raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    if (hops < 1 || hops > 10) throw new ConfigError(`TRUST_PROXY as a number of hops must be from 1 to 10, got "${raw}"`);
    return hops;
  }
  const list = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const address = /^(?:[0-9]{1,3}(?:\.[0-9]{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*)(?:\/[0-9]{1,3})?$|^(?:loopback|linklocal|uniquelocal)$/;
  const bad = list.find((entry) => !address.test(entry));
  if (bad !== undefined || list.length === 0) {
    throw new ConfigError(`TRUST_PROXY must be false, true, a number of hops or comma-separated proxy addresses/CIDRs, got "${raw}"`);
  }
  return list;
}

function text(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const raw = env[name];
  return raw === undefined || raw === '' ? fallback : raw;
}

/** ASSESSMENT_WEIGHTS: a JSON object giving some or all weights; the rest keep their defaults. */
function assessmentWeights(env: NodeJS.ProcessEnv): AssessmentWeights {
  const raw = env.ASSESSMENT_WEIGHTS;
  const weights: AssessmentWeights = { ...DEFAULT_ASSESSMENT_WEIGHTS };
  if (raw === undefined || raw.trim() === '') return weights;
  const shape = `ASSESSMENT_WEIGHTS must be a JSON object with numbers >= 0 for ${Object.keys(weights).join(', ')}`;
  let given: unknown;
  try {
    given = JSON.parse(raw);
  } catch {
    throw new ConfigError(`${shape}; it is not valid JSON: "${raw}"`);
  }
  if (typeof given !== 'object' || given === null || Array.isArray(given)) throw new ConfigError(`${shape}, got "${raw}"`);
  for (const [key, value] of Object.entries(given)) {
    if (!(key in weights)) throw new ConfigError(`${shape}; unknown weight "${key}"`);
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new ConfigError(`${shape}; "${key}" is ${JSON.stringify(value)}`);
    weights[key as keyof AssessmentWeights] = value;
  }
  if (Object.values(weights).every((w) => w === 0)) throw new ConfigError(`${shape}; at least one weight must be above 0`);
  return weights;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const nodeEnv = text(env, 'NODE_ENV', 'development');
  const production = nodeEnv === 'production';
  const logLevel = text(env, 'LOG_LEVEL', 'info');
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const temporalAddress = text(env, 'TEMPORAL_ADDRESS', '127.0.0.1:7233');
  if (!/^[^:\s]+:\d{1,5}$/.test(temporalAddress)) {
    throw new ConfigError(`TEMPORAL_ADDRESS must be host:port, got "${temporalAddress}"`);
  }
  const databaseUrl = text(env, 'DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/whistle');
  try {
    const url = new URL(databaseUrl);
    if (!/^postgres(ql)?:$/.test(url.protocol)) throw new Error('not postgres');
  } catch {
    throw new ConfigError(`DATABASE_URL must be a postgres:// URL, got "${databaseUrl}"`);
  }
  const keyPepper = text(env, 'API_KEY_PEPPER', 'whistle-dev-pepper');
  if (production && keyPepper === 'whistle-dev-pepper') {
    throw new ConfigError('API_KEY_PEPPER must be set in production');
  }
  const host = text(env, 'HOST', '127.0.0.1');
  const redisKeyPrefix = text(env, 'REDIS_KEY_PREFIX', 'whistle:');
  if (!/^[A-Za-z0-9:_.-]{1,64}$/.test(redisKeyPrefix)) throw new ConfigError(`REDIS_KEY_PREFIX may use letters, digits and : _ . - (at most 64), got "${redisKeyPrefix}"`);
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host,
    temporalAddress,
    temporalNamespace: text(env, 'TEMPORAL_NAMESPACE', 'default'),
    taskQueue: text(env, 'TEMPORAL_TASK_QUEUE', 'whistle'),
    temporalDbFile: text(env, 'TEMPORAL_DB_FILE', 'data/temporal.db'),
    databaseUrl,
    policyFile: env.POLICY_FILE || undefined,
    logLevel,
    nodeEnv,
    production,
    keyPepper,
    webhookUrl: webhookUrl(env, production),
    webhookSecret: text(env, 'WEBHOOK_SECRET', 'whistle-dev-webhook-secret'),
    webhookMaxAttempts: integer(env, 'WEBHOOK_MAX_ATTEMPTS', 10, 1, 1000),
    webhookTimeoutSeconds: integer(env, 'WEBHOOK_TIMEOUT_SECONDS', 10, 1, 300),
    trustProxy: trustProxy(env),
    rateLimitPerMinute: integer(env, 'RATE_LIMIT_PER_MINUTE', 600, 1, 1_000_000),
    bodyLimit: integer(env, 'BODY_LIMIT_BYTES', 64 * 1024, 1024, 10 * 1024 * 1024),
    corsOrigins: (env.CORS_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    workerMetricsPort: integer(env, 'WORKER_METRICS_PORT', 9464, 0, 65535),
    workerCachedWorkflows: integer(env, 'WORKER_CACHED_WORKFLOWS', DEFAULT_CACHED_WORKFLOWS, 2, 100_000),
    workerWorkflowTaskSlots: integer(env, 'WORKER_WORKFLOW_TASK_SLOTS', DEFAULT_WORKFLOW_TASK_SLOTS, 2, 1000),
    workflowBundle: env.WORKFLOW_BUNDLE || undefined,
    assessmentWeights: assessmentWeights(env),
    redisUrl: redisUrl(env),
    redisKeyPrefix,
    sessionTtlHours: sessionTtlHours(env),
    devSeed: devSeed(env, production, host),
    temporalUiUrl: httpUrl(env, 'TEMPORAL_UI_URL', 'http://127.0.0.1:8233'),
  };
}
