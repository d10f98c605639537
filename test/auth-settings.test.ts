/**
 * The settings of sessions, shared limits and dev seeding (lib/config.ts), and the seeding rule
 * itself: the development tree with its public keys is seeded only outside production, and then
 * only while HOST is a loopback address or DEV_SEED=yes.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { Client as PgClient } from 'pg';
import { ConfigError, readConfig } from '../lib/config';
import { createPool, migrate } from '../lib/db';
import { seedForDevelopment } from '../lib/seed';
import { freePort } from '../lib/temporal-dev-server';
import { TEST_PEPPER } from './support/constants';
import { startStack } from './support/stack';

const prodEnv = { NODE_ENV: 'production', API_KEY_PEPPER: 'a real pepper' };

test('SESSION_TTL_HOURS defaults to 12, takes fractions of an hour, and refuses nonsense', () => {
  expect(readConfig({}).sessionTtlHours).toBe(12);
  expect(readConfig({ SESSION_TTL_HOURS: '0.5' }).sessionTtlHours).toBe(0.5);
  expect(readConfig({ SESSION_TTL_HOURS: '720' }).sessionTtlHours).toBe(720);
  for (const bad of ['0', '-1', 'twelve', '1e9', '0.0001', 'Infinity']) {
    expect(() => readConfig({ SESSION_TTL_HOURS: bad })).toThrow(ConfigError);
  }
});

test('REDIS_URL is a redis:// or rediss:// URL, or unset; the error never repeats it (it may hold a password)', () => {
  expect(readConfig({}).redisUrl).toBeUndefined();
  expect(readConfig({ REDIS_URL: 'redis://127.0.0.1:6379/2' }).redisUrl).toBe('redis://127.0.0.1:6379/2');
  expect(readConfig({ REDIS_URL: 'rediss://:secret@cache.internal:6380' }).redisUrl).toBe('rediss://:secret@cache.internal:6380');
  for (const bad of ['127.0.0.1:6379', 'http://cache:6379', 'redis//:hunter2@x']) {
    expect(() => readConfig({ REDIS_URL: bad })).toThrow(ConfigError);
    try { readConfig({ REDIS_URL: bad }); } catch (err) { expect((err as Error).message).not.toContain('hunter2'); }
  }
  expect(readConfig({}).redisKeyPrefix).toBe('whistle:');
  expect(readConfig({ REDIS_KEY_PREFIX: 'district-a:' }).redisKeyPrefix).toBe('district-a:');
  expect(() => readConfig({ REDIS_KEY_PREFIX: 'has space' })).toThrow(ConfigError);
});

test('dev seeding: outside production only, and only on a loopback HOST unless DEV_SEED=yes', () => {
  const seeds = (env: Record<string, string>) => readConfig(env).devSeed;
  expect(seeds({})).toBe(true); // HOST defaults to 127.0.0.1
  for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect({ host, seeds: seeds({ HOST: host }) }).toEqual({ host, seeds: true });
  for (const host of ['0.0.0.0', '::', '10.0.0.5', 'api.internal']) expect({ host, seeds: seeds({ HOST: host }) }).toEqual({ host, seeds: false });
  expect(seeds({ HOST: '0.0.0.0', DEV_SEED: 'yes' })).toBe(true);
  expect(seeds({ HOST: '127.0.0.1', DEV_SEED: 'no' })).toBe(false);
  expect(seeds({ NODE_ENV: 'test' })).toBe(true); // "not exactly production" no longer means "seed anywhere" …
  expect(seeds({ NODE_ENV: 'staging', HOST: '0.0.0.0' })).toBe(false); // … only on loopback
  expect(seeds({ ...prodEnv, HOST: '127.0.0.1' })).toBe(false);
  expect(() => readConfig({ ...prodEnv, DEV_SEED: 'yes' })).toThrow(/refused in production/);
  expect(() => readConfig({ DEV_SEED: 'sometimes' })).toThrow(ConfigError);
});

test('an empty database gets the dev tree on a loopback HOST, nothing on 0.0.0.0, and the tree with DEV_SEED=yes', async () => {
  const base = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  const names: string[] = [];
  const orgsAfter = async (env: Record<string, string>) => {
    const url = new URL(base.toString());
    url.pathname = `/whistle_seed_${process.pid}_${names.length}_${Date.now().toString(36)}`;
    names.push(url.pathname.slice(1));
    await migrate(url.toString());
    const pool = createPool(url.toString(), 2);
    try {
      await seedForDevelopment(pool, readConfig({ API_KEY_PEPPER: TEST_PEPPER, ...env }));
      return (await pool.query('SELECT count(*)::int AS n FROM orgs')).rows[0].n as number;
    } finally {
      await pool.end();
    }
  };
  try {
    expect(await orgsAfter({ HOST: '127.0.0.1' })).toBeGreaterThan(20);
    expect(await orgsAfter({ HOST: '0.0.0.0' })).toBe(0);
    expect(await orgsAfter({ HOST: '0.0.0.0', DEV_SEED: 'yes' })).toBeGreaterThan(20);
  } finally {
    const admin = new PgClient({ connectionString: base.toString() });
    await admin.connect();
    for (const name of names) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}, 60_000);

test('with REDIS_URL set but Redis not there at start, the API serves, counts per process, logs it and says so in /readyz', async () => {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } }));
  const stack = await startStack({ noWorker: true, logger, env: { REDIS_URL: `redis://127.0.0.1:${await freePort()}`, RATE_LIMIT_PER_MINUTE: '3', LOG_LEVEL: 'info' } });
  try {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await stack.call('zhanggang', 'GET', '/v1/orgs')).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const ready = await stack.call(null, 'GET', '/readyz');
    expect({ status: ready.status, limits: ready.body.limits }).toEqual({ status: 200, limits: 'per-process' });
    const signedIn = await stack.call(null, 'POST', '/v1/sessions', { accountId: 'zhanggang', password: 'dev-zhanggang' });
    expect(signedIn.status).toBe(201);
    const warned = lines.map((l) => JSON.parse(l)).find((l) => /Redis is unreachable/.test(l.msg));
    expect(warned).toMatchObject({ level: 40, redis: expect.stringMatching(/^127\.0\.0\.1:\d+$/) });
  } finally {
    await stack.stop();
  }
});

test('without REDIS_URL /readyz says the limits are per process', async () => {
  const stack = await startStack({ noWorker: true });
  try {
    expect((await stack.call(null, 'GET', '/readyz')).body.limits).toBe('per-process');
  } finally {
    await stack.stop();
  }
});
