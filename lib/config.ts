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
  /** Requests per minute per account (or per IP for public routes). */
  rateLimitPerMinute: number;
  /** Largest request body in bytes. */
  bodyLimit: number;
  /** Origins allowed by CORS; empty means closed. */
  corsOrigins: string[];
}

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

function text(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const raw = env[name];
  return raw === undefined || raw === '' ? fallback : raw;
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
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: text(env, 'HOST', '127.0.0.1'),
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
    webhookUrl: env.WEBHOOK_URL || undefined,
    webhookSecret: text(env, 'WEBHOOK_SECRET', 'whistle-dev-webhook-secret'),
    rateLimitPerMinute: integer(env, 'RATE_LIMIT_PER_MINUTE', 600, 1, 1_000_000),
    bodyLimit: integer(env, 'BODY_LIMIT_BYTES', 64 * 1024, 1024, 10 * 1024 * 1024),
    corsOrigins: (env.CORS_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
  };
}
