/**
 * Counters behind the rate limit and the login throttle, shared by every API process through
 * Redis when `REDIS_URL` is set, else kept by each process alone.
 *
 * When Redis goes away the API keeps serving: every count falls back to the process (logged
 * once, and `GET /readyz` says `"limits": "per-process"`), and goes back to Redis by itself once
 * it answers again. A command that fails or takes longer than `COMMAND_TIMEOUT_MS` also sends the
 * counts of the next `PAUSE_AFTER_FAILURE_MS` to the process, so a hung Redis costs one slow
 * request every 2 s, not one per request; counting is reported shared again only once a command
 * has succeeded.
 *
 * The rate limit uses `@fastify/rate-limit`'s own Redis store (its Lua script), wrapped by
 * `rateLimitStore()` to fall back on the plugin's own local store.
 */
import { Redis } from 'ioredis';
import type { Logger } from '../../lib/logger';
import { LocalCounter, type Hit } from './local-counter';

export type { Hit };

// The plugin's stores are not exported by name; their constructors are part of its documented `store` option.
/* eslint-disable @typescript-eslint/no-require-imports */
const PluginRedisStore: StoreCtor = require('@fastify/rate-limit/store/RedisStore');
const PluginLocalStore: StoreCtor = require('@fastify/rate-limit/store/LocalStore');
/* eslint-enable @typescript-eslint/no-require-imports */

type IncrCallback = (err: Error | null, res: { current: number; ttl: number } | null) => void;
interface PluginStore {
  incr(key: string, cb: IncrCallback, timeWindow: number, max: number): void;
  child(routeOptions: Record<string, unknown>): PluginStore;
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type StoreCtor = new (...args: any[]) => PluginStore;

export type LimitsMode = 'shared' | 'per-process';


const COMMAND_TIMEOUT_MS = 500;
const PAUSE_AFTER_FAILURE_MS = 2000;

// INCR with the window set by the first hit (and repaired should a key have lost its expiry).
const HIT_LUA = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}`;
// Takes one hit back; the window goes with the last one.
const UNDO_LUA = `
local n = redis.call('DECR', KEYS[1])
if n <= 0 then redis.call('DEL', KEYS[1]) end
return n`;

// Keeps a marker alive at least `ttlMs` from now (never shortens it).
const EXTEND_LUA = `
local t = redis.call('PTTL', KEYS[1])
if t < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
return 1`;
// Adds a member to a set that lives at least `windowMs` from now.
const ADD_LUA = `
redis.call('SADD', KEYS[1], ARGV[1])
local t = redis.call('PTTL', KEYS[1])
if t < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1`;

type WhistleRedis = Redis & {
  whistleHit(key: string, windowMs: number): Promise<[number, number]>;
  whistleUndo(key: string): Promise<number>;
  whistleExtend(key: string, ttlMs: number): Promise<number>;
  whistleAdd(key: string, member: string, windowMs: number): Promise<number>;
};

export interface LimitsOptions { redisUrl: string | undefined; keyPrefix: string; logger: Logger }

export class Limits {
  readonly redis: WhistleRedis | undefined;
  private readonly local = new LocalCounter();
  private pausedUntil = 0;
  /** A command failed and none has succeeded since (a hung Redis still looks connected). */
  private suspect = false;
  /** The mode last logged (none yet: the first state, shared or not, is logged too). */
  private lastMode: LimitsMode | undefined;
  /** host:port of REDIS_URL, for the log (never its password). */
  private readonly where: string | undefined;
  private readonly prefix: string;
  private readonly logger: Logger;

  constructor({ redisUrl, keyPrefix, logger }: LimitsOptions) {
    this.prefix = keyPrefix;
    this.logger = logger;
    if (!redisUrl) return;
    const url = new URL(redisUrl);
    this.where = `${url.hostname}:${url.port || 6379}`;
    const redis = new Redis(redisUrl, {
      // Fail at once while disconnected (the process counts instead) rather than queue and wait.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: 5000,
      retryStrategy: (times) => Math.min(times * 250, 2000),
    }) as WhistleRedis;
    redis.defineCommand('whistleHit', { numberOfKeys: 1, lua: HIT_LUA });
    redis.defineCommand('whistleUndo', { numberOfKeys: 1, lua: UNDO_LUA });
    redis.defineCommand('whistleExtend', { numberOfKeys: 1, lua: EXTEND_LUA });
    redis.defineCommand('whistleAdd', { numberOfKeys: 1, lua: ADD_LUA });
    redis.on('ready', () => { this.suspect = false; this.observe(); });
    redis.on('close', () => this.observe());
    redis.on('end', () => this.observe());
    // ioredis emits an error for every failed reconnection: the transitions are logged by observe().
    redis.on('error', () => this.observe());
    this.redis = redis;
  }

  /** `shared` while Redis answers; `per-process` without REDIS_URL or while Redis is away (or not answering). */
  get mode(): LimitsMode {
    return this.redis?.status === 'ready' && !this.suspect ? 'shared' : 'per-process';
  }

  /** Whether the next count goes to Redis: connected, and not within the pause after a failure. */
  private get useRedis(): boolean {
    return this.redis?.status === 'ready' && Date.now() >= this.pausedUntil;
  }

  private succeeded() {
    if (!this.suspect) return;
    this.suspect = false;
    this.observe();
  }

  /** Logs each change between shared and per-process counting, once. */
  private observe(err?: unknown) {
    if (!this.redis) return;
    const mode = this.mode;
    if (mode === this.lastMode) return;
    // Still making its first connection: nothing to report yet.
    if (this.lastMode === undefined && ['wait', 'connecting', 'connect'].includes(this.redis.status) && !err) return;
    this.lastMode = mode;
    const redis = this.where;
    if (mode === 'shared') this.logger.info({ redis }, 'Redis answers: rate limits and login throttling are shared by every API process');
    else this.logger.warn({ redis, err }, 'Redis is unreachable: rate limits and login throttling now count per process until it answers');
  }

  private failed(err: unknown) {
    this.suspect = true;
    this.pausedUntil = Date.now() + PAUSE_AFTER_FAILURE_MS;
    this.observe(err);
  }

  /** Counts one event of `bucket`/`key` in a window of `windowMs` that starts at its first event. */
  async hit(bucket: string, key: string, windowMs: number): Promise<Hit> {
    if (this.redis && this.useRedis) {
      try {
        const [current, ttlMs] = await this.redis.whistleHit(`${this.prefix}${bucket}:${key}`, windowMs);
        this.succeeded();
        return { current, ttlMs };
      } catch (err) {
        this.failed(err);
      }
    }
    this.observe();
    return this.local.hit(`${bucket}:${key}`, windowMs);
  }

  /** Takes back one event counted by `hit` (best effort: where it was counted, if that still answers). */
  async undo(bucket: string, key: string): Promise<void> {
    if (this.redis && this.useRedis) {
      try {
        await this.redis.whistleUndo(`${this.prefix}${bucket}:${key}`);
        this.succeeded();
        return;
      } catch (err) {
        this.failed(err);
      }
    }
    this.local.undo(`${bucket}:${key}`);
  }

  /** Runs `shared` against Redis while it answers, else `local` (the process's own counters). */
  private async either<T>(shared: (redis: WhistleRedis) => Promise<T>, local: () => T): Promise<T> {
    if (this.redis && this.useRedis) {
      try {
        const value = await shared(this.redis);
        this.succeeded();
        return value;
      } catch (err) {
        this.failed(err);
      }
    }
    this.observe();
    return local();
  }

  /** Forgets `bucket`/`key` (a counter, a marker or a set). */
  async clear(bucket: string, key: string): Promise<void> {
    this.local.clear(`${bucket}:${key}`);
    await this.either((r) => r.del(`${this.prefix}${bucket}:${key}`), () => 0);
  }

  /** Keeps the marker `bucket`/`key` alive at least `ttlMs` from now. */
  async extend(bucket: string, key: string, ttlMs: number): Promise<void> {
    await this.either(async (r) => { await r.whistleExtend(`${this.prefix}${bucket}:${key}`, ttlMs); }, () => this.local.extend(`${bucket}:${key}`, ttlMs));
  }

  /** For each key, the ms its marker or counter still lives (0: none). */
  async remaining(bucket: string, keys: string[]): Promise<number[]> {
    if (keys.length === 0) return [];
    return this.either(async (r) => {
      const pipeline = r.pipeline();
      for (const k of keys) pipeline.pttl(`${this.prefix}${bucket}:${k}`);
      const results = (await pipeline.exec()) ?? [];
      return results.map(([err, ttl]) => {
        if (err) throw err;
        return Math.max(0, Number(ttl));
      });
    }, () => keys.map((k) => this.local.remaining(`${bucket}:${k}`)));
  }

  /** Adds `member` to the set `bucket`/`key`, which lives at least `windowMs` more. */
  async add(bucket: string, key: string, member: string, windowMs: number): Promise<void> {
    await this.either(async (r) => { await r.whistleAdd(`${this.prefix}${bucket}:${key}`, member, windowMs); }, () => this.local.add(`${bucket}:${key}`, member, windowMs));
  }

  async members(bucket: string, key: string): Promise<string[]> {
    return this.either((r) => r.smembers(`${this.prefix}${bucket}:${key}`), () => this.local.members(`${bucket}:${key}`));
  }

  /**
   * A store class for `@fastify/rate-limit`'s `store` option: the plugin's Redis store while
   * Redis answers, the plugin's local store otherwise.
   */
  rateLimitStore(): StoreCtor {
    // The plugin constructs the store class itself: the class reaches these limits through a name.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const limits = this;
    const namespace = `${this.prefix}rl:`;
    class FallbackStore implements PluginStore {
      private readonly shared: PluginStore | undefined;
      private readonly local: PluginStore;

      // The plugin calls `new Store(globalOptions)`; `child` passes the stores of a route.
      constructor(_options?: unknown, parts?: { shared: PluginStore | undefined; local: PluginStore }) {
        this.shared = parts ? parts.shared : limits.redis ? new PluginRedisStore(false, false, limits.redis, namespace) : undefined;
        this.local = parts ? parts.local : new PluginLocalStore(false, false, 5000);
      }

      incr(key: string, cb: IncrCallback, timeWindow: number, max: number) {
        if (!this.shared || !limits.useRedis) {
          limits.observe();
          this.local.incr(key, cb, timeWindow, max);
          return;
        }
        this.shared.incr(key, (err, res) => {
          if (!err) {
            limits.succeeded();
            return cb(null, res);
          }
          limits.failed(err);
          this.local.incr(key, cb, timeWindow, max);
        }, timeWindow, max);
      }

      child(routeOptions: Record<string, unknown>): PluginStore {
        return new FallbackStore(undefined, { shared: this.shared?.child(routeOptions), local: this.local.child(routeOptions) });
      }
    }
    return FallbackStore;
  }

  async close(): Promise<void> {
    if (!this.redis) return;
    this.redis.removeAllListeners('error');
    this.redis.on('error', () => undefined);
    this.redis.disconnect(false);
  }
}
