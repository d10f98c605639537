/**
 * Shared limits (issue 16, part 2): two real API processes with `REDIS_URL` count the rate limit
 * and the login throttle once between them; when their Redis is killed both keep serving, count
 * per process, say so in the log and in `/readyz` (still 200), and share again once Redis is back.
 *
 * The Redis is the test's own (`redis-server --port <free> --save ''`), never the machine's.
 */
import fs from 'node:fs';
import nodeHttp from 'node:http';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { freePort } from '../lib/temporal-dev-server';
import { writeFigures } from './chaos/fleet';
import { TEST_PEPPER } from './support/constants';
import { http, spawnService, tempDir, waitForApi, type Http, type ServiceProcess } from './support/processes';
import { startOwnRedis, type OwnRedis } from './support/redis';
import { eventually } from './support/stack';
import type { Json } from './support/json';

const LIMIT = 30;
const prefix = `whistle-test-${process.pid}-${randomBytes(3).toString('hex')}:`;

let dir: string;
let redis: OwnRedis;
const apis: Array<{ name: string; process: ServiceProcess; http: Http; log: string }> = [];
const figures: Record<string, unknown> = { limitPerMinute: LIMIT, processes: 2 };

beforeAll(async () => {
  dir = tempDir('whistle-shared-limits');
  redis = await startOwnRedis(path.join(dir, 'redis.log'));
  for (const name of ['a', 'b']) {
    const port = await freePort();
    const log = path.join(dir, `api-${name}.log`);
    const proc = spawnService({
      kind: 'api', logFile: log,
      env: {
        DATABASE_URL: process.env.WHISTLE_TEST_DATABASE_URL!, TEMPORAL_ADDRESS: process.env.WHISTLE_TEST_TEMPORAL!,
        API_KEY_PEPPER: TEST_PEPPER, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', NODE_ENV: 'development', DEV_SEED: 'no',
        RATE_LIMIT_PER_MINUTE: String(LIMIT), REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix, WEBHOOK_URL: '',
      },
    });
    apis.push({ name, process: proc, http: http(`http://127.0.0.1:${port}`), log });
  }
  await Promise.all(apis.map((a) => waitForApi(a.http.baseUrl, a.process)));
  // An API serves before its Redis connection is up (counting per process meanwhile).
  await eventually(async () => (await readiness()).every((r) => r.status === 200 && r.body.limits === 'shared'), 30_000, 'both APIs on Redis');
}, 180_000);

afterAll(async () => {
  await Promise.allSettled(apis.map((a) => a.process.stop(10_000)));
  await redis?.kill();
  if (Object.keys(figures).length > 2) writeFigures('shared-limits', figures);
  if (dir && !process.env.WHISTLE_KEEP_TEST_DIR) fs.rmSync(dir, { recursive: true, force: true });
});

/** `n` requests of account `as`, alternating between the two processes: how many each let through. */
async function alternate(as: string, n: number): Promise<{ allowed: number; limited: number; byProcess: Record<string, number> }> {
  const out = { allowed: 0, limited: 0, byProcess: { a: 0, b: 0 } as Record<string, number> };
  for (let i = 0; i < n; i++) {
    const api = apis[i % 2];
    const res = await api.http.call(as, 'GET', '/v1/orgs');
    if (res.status === 200) { out.allowed++; out.byProcess[api.name]++; } else if (res.status === 429) out.limited++;
    else throw new Error(`unexpected ${res.status} from ${api.name}`);
  }
  return out;
}

let nextAddress = 0;
/**
 * An anonymous request from a loopback address of its own (127.0.0.10 …): anonymous calls are
 * limited per address, and these (readiness polls, sign-ins) must not eat each other's budget.
 */
function anonymous(api: { http: Http }, method: string, url: string, body?: unknown, from?: string): Promise<{ status: number; body: Json }> {
  const localAddress = from ?? `127.0.0.${10 + (nextAddress++ % 230)}`;
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = nodeHttp.request(`${api.http.baseUrl}${url}`, {
      method, localAddress, timeout: 10_000,
      headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {},
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(payload);
  });
}

const readiness = () => Promise.all(apis.map((a) => anonymous(a, 'GET', '/readyz')));
const logged = (text: string) => apis.every((a) => fs.readFileSync(a.log, 'utf8').includes(text));

test('with REDIS_URL the rate limit is counted once across two API processes', async () => {
  for (const ready of await readiness()) expect({ status: ready.status, limits: ready.body.limits }).toEqual({ status: 200, limits: 'shared' });
  const shared = await alternate('dongjiang', 3 * LIMIT);
  figures.shared = { sent: 3 * LIMIT, ...shared };
  expect(shared.allowed).toBe(LIMIT);
  expect(shared.limited).toBe(2 * LIMIT);
  // Counted under the deployment's prefix, by account (never by the key itself).
  const client = new Redis(redis.url);
  try {
    const keys = await client.keys(`${prefix}*`);
    expect(keys).toEqual(expect.arrayContaining([`${prefix}rl:a:dongjiang`]));
    expect(keys.join(' ')).not.toContain('dev-dongjiang');
  } finally {
    client.disconnect();
  }
});

test('with REDIS_URL the login throttle is counted once across two API processes', async () => {
  // Sign-ins are throttled per (account, address): all of these from one address, alternating processes.
  const signIn = (i: number, password: string, from = '127.0.0.251') => anonymous(apis[i % 2], 'POST', '/v1/sessions', { accountId: 'qinjiang', password }, from);
  const failures = [];
  for (let i = 0; i < 5; i++) failures.push((await signIn(i, `wrong-${i}`)).status);
  expect(failures).toEqual([401, 401, 401, 401, 401]);
  const right = [await signIn(0, 'dev-qinjiang'), await signIn(1, 'dev-qinjiang')];
  expect(right.map((r) => r.status)).toEqual([429, 429]);
  expect(right[0].body.error.messageZh).toMatch(/登录失败次数过多/);
  // The same account from another address signs in.
  expect((await signIn(0, 'dev-qinjiang', '127.0.0.252')).status).toBe(201);
});

test('a hung Redis costs a slow request now and then, not every request: counting goes to the process meanwhile', async () => {
  redis.pause();
  try {
    const times: number[] = [];
    const statuses: number[] = [];
    const started = Date.now();
    for (let i = 0; i < 40; i++) {
      const t = Date.now();
      statuses.push((await apis[i % 2].http.call('xiguan-wuhang', 'GET', '/v1/orgs')).status);
      times.push(Date.now() - t);
    }
    const slow = times.filter((ms) => ms >= 400).length;
    figures.hungRedis = { requests: 40, elapsedMs: Date.now() - started, slowRequests: slow, maxMs: Math.max(...times) };
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
    // One command timeout (500 ms) per process, then 2 s of per-process counting before Redis is tried again.
    expect(slow).toBeLessThanOrEqual(2 * (1 + Math.ceil((Date.now() - started) / 2000)));
    expect(slow).toBeLessThan(20);
  } finally {
    redis.resume();
  }
  await eventually(async () => (await readiness()).every((r) => r.body.limits === 'shared'), 20_000, 'shared again after the hang');
}, 60_000);

test('when Redis goes away both processes keep serving, count per process, log it and say so in /readyz (still 200)', async () => {
  await redis.kill();
  const fallback = await eventually(async () => {
    const ready = await readiness();
    return ready.every((r) => r.status === 200 && r.body.limits === 'per-process') ? ready : undefined;
  }, 20_000, 'readyz to say per-process');
  expect(fallback.map((r) => r.body.status)).toEqual(['ready', 'ready']);
  await eventually(async () => logged('Redis is unreachable: rate limits and login throttling now count per process'), 10_000, 'the log line');

  const perProcess = await alternate('xianqi', 3 * LIMIT);
  figures.perProcessWhileRedisDown = { sent: 3 * LIMIT, ...perProcess };
  expect(perProcess.allowed).toBe(2 * LIMIT);
  expect(perProcess.byProcess).toEqual({ a: LIMIT, b: LIMIT });

  // The login throttle falls back to the process too: five failures on one make it refuse, the other still checks.
  const signIn = (i: number, password: string) => anonymous(apis[i], 'POST', '/v1/sessions', { accountId: 'jinfeng', password }, '127.0.0.253');
  for (let i = 0; i < 5; i++) expect((await signIn(0, 'nope')).status).toBe(401);
  expect((await signIn(0, 'dev-jinfeng')).status).toBe(429);
  expect((await signIn(1, 'dev-jinfeng')).status).toBe(201);
}, 60_000);

test('once Redis answers again the processes share their counts again by themselves', async () => {
  await redis.restart();
  const start = Date.now();
  await eventually(async () => (await readiness()).every((r) => r.status === 200 && r.body.limits === 'shared'), 20_000, 'readyz to say shared');
  figures.backToSharedMs = Date.now() - start;
  await eventually(async () => logged('Redis answers: rate limits and login throttling are shared'), 10_000, 'the log line');
  const again = await alternate('zhenghe', 2 * LIMIT);
  figures.sharedAgain = { sent: 2 * LIMIT, ...again };
  expect(again.allowed).toBe(LIMIT);
}, 60_000);
