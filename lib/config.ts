/**
 * Configuration: read and validated once, from the environment, into a typed object.
 * Every setting of the contract lives here and nowhere else; lib/config-values.ts reads and
 * checks each variable.
 */
import { readLiveConfig, type LiveConfig } from './live-config';
import type { StorageSetting } from './attachments/storage-setting';
import {
  ConfigError, LOG_LEVELS, assessmentWeights, auditRetentionDays, devSeed, httpUrl, integer, positive, publicBaseUrl, redisUrl,
  sessionTtlHours, storage, text, trustProxy, webhookUrl, type AssessmentWeights,
} from './config-values';

export { ConfigError, DEFAULT_ASSESSMENT_WEIGHTS, type AssessmentWeights } from './config-values';

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
   * Fastify's `trustProxy` (TRUST_PROXY): false (the default: the connection's peer is the client),
   * or the addresses/CIDRs of the reverse proxies whose `X-Forwarded-For` is believed. Behind a
   * proxy it decides which address `request.ip` (the rate limit, sign-in throttling, sign-in
   * records and the audit log) sees. `true` and hop counts are refused: they would believe an
   * address any client can write, and throttling by address would mean nothing.
   */
  trustProxy: false | string[];
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
  /** A session unused this long ends (SESSION_IDLE_MINUTES; fractions allowed). */
  sessionIdleMinutes: number;
  /** After this many days a password must be changed at the next sign-in (PASSWORD_MAX_AGE_DAYS; 0: never). */
  passwordMaxAgeDays: number;
  /** Audit entries are kept at least this many days (AUDIT_RETENTION_DAYS; the law asks for six months). */
  auditRetentionDays: number;
  /**
   * Whether the development tree with its public keys (`dev-<id>`) is seeded into an empty
   * database: never in production; otherwise DEV_SEED=yes|no, or by default (auto) only while
   * HOST is a loopback address, so a server listening on a network never gets public keys.
   */
  devSeed: boolean;
  /**
   * The address people and clients use (PUBLIC_BASE_URL, without a trailing slash; default
   * `http://HOST:PORT`): links and the Open311 discovery document are built from it, never from a
   * request's `Host`.
   */
  publicBaseUrl: string;
  /** The Temporal Web UI that the console links each whistle to (TEMPORAL_UI_URL), for the center and supervisors. */
  temporalUiUrl: string;
  /** Live updates (GET /v1/events): heartbeat, limits, resume window (lib/live-config.ts). */
  live: LiveConfig;
  /** Largest photo accepted, in bytes (ATTACHMENT_MAX_MB, whole megabytes of 1,048,576 bytes). */
  attachmentMaxBytes: number;
  /** Where photos are kept (STORAGE_URL and the S3_* settings; lib/attachments/storage-setting.ts). */
  storage: StorageSetting;
}

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
  const port = integer(env, 'PORT', 3000, 0, 65535);
  return {
    port,
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
    // At least a second; at most a year.
    sessionIdleMinutes: positive(env, 'SESSION_IDLE_MINUTES', 30, 1 / 60, 527_040, 'minutes'),
    passwordMaxAgeDays: integer(env, 'PASSWORD_MAX_AGE_DAYS', 90, 0, 36_500),
    auditRetentionDays: auditRetentionDays(env, production),
    devSeed: devSeed(env, production, host),
    publicBaseUrl: publicBaseUrl(env, host, port),
    temporalUiUrl: httpUrl(env, 'TEMPORAL_UI_URL', 'http://127.0.0.1:8233'),
    live: readLiveConfig(env, (message) => new ConfigError(message)),
    attachmentMaxBytes: integer(env, 'ATTACHMENT_MAX_MB', 10, 1, 100) * 1024 * 1024,
    storage: storage(env),
  };
}
