/**
 * Reading one setting from the environment: each reader checks its value and says in a
 * ConfigError which variable is wrong and why. lib/config.ts puts them together.
 */
import { readStorageSetting, type StorageSetting } from './attachments/storage-setting';

/** Weights of the rates in the assessment score; see docs/ASSESSMENT.md. */
export interface AssessmentWeights { response: number; resolution: number; onTime: number; satisfaction: number }

export const DEFAULT_ASSESSMENT_WEIGHTS: Readonly<AssessmentWeights> = Object.freeze({
  response: 0.2, resolution: 0.3, onTime: 0.2, satisfaction: 0.3,
});

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export class ConfigError extends Error {}

export function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
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
export function webhookUrl(env: NodeJS.ProcessEnv, production: boolean): string | undefined {
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
export function httpUrl(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
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

/** PUBLIC_BASE_URL, or `http://HOST:PORT` (an IPv6 address in brackets). */
export function publicBaseUrl(env: NodeJS.ProcessEnv, host: string, port: number): string {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return httpUrl(env, 'PUBLIC_BASE_URL', `http://${h}:${port}`);
}

/** A host name or address that only this machine can reach. */
function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || /^::ffff:127\./.test(h);
}

/** DEV_SEED: yes | no | auto (default: seed only while HOST is a loopback address); never in production. */
export function devSeed(env: NodeJS.ProcessEnv, production: boolean, host: string): boolean {
  const raw = (env.DEV_SEED ?? '').trim().toLowerCase() || 'auto';
  const value = ({ yes: 'yes', true: 'yes', 1: 'yes', no: 'no', false: 'no', 0: 'no', auto: 'auto' } as Record<string, string>)[raw];
  if (!value) throw new ConfigError(`DEV_SEED must be yes, no or auto, got "${env.DEV_SEED}"`);
  if (production && value === 'yes') throw new ConfigError('DEV_SEED=yes is refused in production: the dev accounts have public keys');
  if (production || value === 'no') return false;
  return value === 'yes' || isLoopback(host);
}

/** REDIS_URL: a redis:// or rediss:// URL, or unset. */
export function redisUrl(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.REDIS_URL;
  if (raw === undefined || raw.trim() === '') return undefined;
  try {
    if (/^rediss?:$/.test(new URL(raw).protocol)) return raw;
  } catch { /* not a URL */ }
  throw new ConfigError('REDIS_URL must be a redis:// or rediss:// URL');
}

/** SESSION_TTL_HOURS: a number of hours above 0 (fractions allowed: 0.5 is 30 minutes), at most a year. */
export function sessionTtlHours(env: NodeJS.ProcessEnv): number {
  const raw = env.SESSION_TTL_HOURS;
  if (raw === undefined || raw.trim() === '') return 12;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || value > 8784 || value * 3_600_000 < 1000) {
    throw new ConfigError(`SESSION_TTL_HOURS must be a number of hours above 0 (at least one second) and at most 8784, got "${raw}"`);
  }
  return value;
}

/** TRUST_PROXY: unset/false, or comma-separated addresses/CIDRs of the reverse proxies to believe. */
export function trustProxy(env: NodeJS.ProcessEnv): false | string[] {
  const raw = (env.TRUST_PROXY ?? '').trim();
  if (raw === '' || raw === 'false') return false;
  const shape = 'TRUST_PROXY must be unset (or false), or comma-separated addresses/CIDRs of the reverse proxies whose X-Forwarded-For is believed';
  if (raw === 'true' || /^\d+$/.test(raw)) {
    throw new ConfigError(`${shape}; "${raw}" would believe an address any client can write`);
  }
  const list = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const address = /^(?:[0-9]{1,3}(?:\.[0-9]{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*)(?:\/[0-9]{1,3})?$|^(?:loopback|linklocal|uniquelocal)$/;
  const bad = list.find((entry) => !address.test(entry));
  if (bad !== undefined || list.length === 0) throw new ConfigError(`${shape}, got "${raw}"`);
  return list;
}

/** A positive number setting (fractions allowed) within [min, max]. */
export function positive(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number, unit: string): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a number of ${unit} from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

export function text(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const raw = env[name];
  return raw === undefined || raw === '' ? fallback : raw;
}

/** ASSESSMENT_WEIGHTS: a JSON object giving some or all weights; the rest keep their defaults. */
export function assessmentWeights(env: NodeJS.ProcessEnv): AssessmentWeights {
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

export function storage(env: NodeJS.ProcessEnv): StorageSetting {
  try {
    return readStorageSetting(env);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}

/**
 * AUDIT_RETENTION_DAYS: whole days, at least 1; in production at least 180 (网络安全法 asks that
 * network logs be kept no less than six months).
 */
export function auditRetentionDays(env: NodeJS.ProcessEnv, production: boolean): number {
  const days = integer(env, 'AUDIT_RETENTION_DAYS', 180, 1, 36_500);
  if (production && days < 180) throw new ConfigError(`AUDIT_RETENTION_DAYS must be at least 180 in production (six months), got ${days}`);
  return days;
}

