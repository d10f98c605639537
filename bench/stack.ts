/**
 * The benchmark's own world: a Temporal dev server in memory on free ports, throwaway
 * PostgreSQL databases, and the project's services as real child processes
 * (`node --import tsx worker/main.ts`, `… api/main.ts`, so the pid is the service itself and its
 * memory can be read). Everything started here is stopped here, by its own process id.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { Client as PgClient } from 'pg';
import { createPool, migrate } from '../lib/db';
import { seedIfEmpty } from '../lib/seed';
import { registerSearchAttributes } from '../lib/temporal';
import { freePort, startDevServer, temporalBinary, type DevServer } from '../lib/temporal-dev-server';
import { sleep } from './measure';
import { jsonOrText } from '../test/support/json';
import { spawnInGroup } from '../test/support/processes';

export const ROOT = path.join(__dirname, '..');
/** The development pepper: dev keys `dev-<accountId>` work as in `npm start`. */
export const PEPPER = 'whistle-bench-pepper';

const cleanups: Array<() => Promise<void>> = [];

/** Registers something to undo at the end (last registered, first undone). */
export function onCleanup(fn: () => Promise<void>): void {
  cleanups.push(fn);
}

export async function cleanupAll(): Promise<void> {
  while (cleanups.length) {
    const fn = cleanups.pop()!;
    await fn().catch((err) => console.error('cleanup:', (err as Error).message));
  }
}

export function benchDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'whistle-bench-'));
}

// ---- Temporal --------------------------------------------------------------------------------

export interface Temporal { server: DevServer; address: string; client: Client; connection: Connection }

export async function startTemporal(dir: string): Promise<Temporal> {
  const port = await freePort();
  const server = await startDevServer({
    ip: '127.0.0.1', port, namespace: 'default', logFile: path.join(dir, 'temporal.log'),
  }, temporalBinary());
  onCleanup(() => server.stop());
  const connection = await Connection.connect({ address: server.address });
  onCleanup(() => connection.close());
  await registerSearchAttributes(connection, 'default');
  return { server, address: server.address, connection, client: new Client({ connection, namespace: 'default' }) };
}

/** Waits until some worker polls `taskQueue` for workflow tasks. */
export async function waitForPoller(client: Client, taskQueue: string, service?: Service, ms = 180_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const res = await client.workflowService.describeTaskQueue({
      namespace: 'default', taskQueue: { name: taskQueue },
      taskQueueType: proto.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    });
    if ((res.pollers ?? []).length > 0) return;
    if (service?.exited) throw new Error(`${service.name} exited (code ${service.exitCode}); see ${service.logFile}`);
    if (Date.now() > deadline) throw new Error(`no worker polls ${taskQueue} after ${ms} ms`);
    await sleep(300);
  }
}

// ---- PostgreSQL --------------------------------------------------------------------------------

export const PG_BASE = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface Database { url: string; name: string }

/** A new database, migrated and seeded with the Changle tree; dropped at cleanup. */
export async function createDatabase(label: string): Promise<Database> {
  const name = `whistle_bench_${label}_${process.pid}_${Date.now().toString(36)}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const url = new URL(PG_BASE);
  url.pathname = `/${name}`;
  onCleanup(() => dropDatabase(name));
  await migrate(url.toString());
  const pool = createPool(url.toString(), 2);
  await seedIfEmpty(pool, PEPPER);
  await pool.end();
  return { url: url.toString(), name };
}

export async function dropDatabase(name: string): Promise<void> {
  const admin = new PgClient({ connectionString: PG_BASE });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '')}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

// ---- services as child processes -----------------------------------------------------------------

export interface Service {
  name: string;
  pid: number;
  child: ChildProcess;
  logFile: string;
  readonly exited: boolean;
  readonly exitCode: number | null;
  stop(): Promise<void>;
}

/**
 * Runs `script` (relative to the repo) under node with tsx, in its own process group, its output
 * to `<dir>/<name>.log`. `nodeArgs` go before the script (e.g. `--cpu-prof`).
 */
export function spawnService(options: {
  name: string; script: string; env: Record<string, string>; dir: string; nodeArgs?: string[];
}): Service {
  const logFile = path.join(options.dir, `${options.name}.log`);
  const child = spawnInGroup(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', options.script], options.env, logFile);
  let exited = false;
  let exitCode: number | null = null;
  const gone = new Promise<void>((resolve) => child.once('exit', (code) => { exited = true; exitCode = code; resolve(); }));
  const service: Service = {
    name: options.name,
    pid: child.pid!,
    child,
    logFile,
    get exited() { return exited; },
    get exitCode() { return exitCode; },
    async stop() {
      if (exited) return;
      try { process.kill(-child.pid!, 'SIGTERM'); } catch { /* already gone */ }
      const timer = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 25_000);
      await gone;
      clearTimeout(timer);
    },
  };
  onCleanup(() => service.stop());
  return service;
}

/**
 * The node options `npm run worker` starts the worker with (package.json), so the bench measures
 * the worker as it runs in production: `--max-old-space-size` bounds its memory.
 */
export function workerNodeArgs(): string[] {
  const scripts = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
  const words = scripts.worker.split(/\s+/);
  return words[0] === 'node' ? words.slice(1, words.indexOf('--import')).filter((w) => w.startsWith('--')) : [];
}

/** The environment of a worker or API process of this bench. */
export function serviceEnv(temporalAddress: string, databaseUrl: string, taskQueue: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: taskQueue,
    DATABASE_URL: databaseUrl,
    API_KEY_PEPPER: PEPPER,
    NODE_ENV: 'development',
    LOG_LEVEL: 'info',
    WORKER_METRICS_PORT: '0',
    RATE_LIMIT_PER_MINUTE: '1000000',
    ...extra,
  };
}

/** A worker process as `npm run worker` starts it; `nodeArgs` replaces its node options. */
export async function startWorker(dir: string, name: string, temporal: Temporal, databaseUrl: string, taskQueue: string,
  extra: Record<string, string> = {}, nodeArgs = workerNodeArgs()): Promise<Service> {
  const worker = spawnService({
    name, script: 'worker/main.ts', dir, env: serviceEnv(temporal.address, databaseUrl, taskQueue, extra), nodeArgs,
  });
  await waitForPoller(temporal.client, taskQueue, worker);
  return worker;
}

export interface Api extends Service { url: string }

export async function startApi(dir: string, name: string, temporal: Temporal, databaseUrl: string, taskQueue: string,
  options: { nodeArgs?: string[]; env?: Record<string, string> } = {}): Promise<Api> {
  const port = await freePort();
  const api = spawnService({
    name, script: 'api/main.ts', dir, nodeArgs: options.nodeArgs,
    env: serviceEnv(temporal.address, databaseUrl, taskQueue, { PORT: String(port), HOST: '127.0.0.1', ...options.env }),
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch { /* not listening yet */ }
    if (api.exited) throw new Error(`${name} exited (code ${api.exitCode}); see ${api.logFile}`);
    if (Date.now() > deadline) throw new Error(`${name} did not answer /healthz within 120 s`);
    await sleep(250);
  }
  return Object.assign(api, { url });
}

// ---- HTTP ---------------------------------------------------------------------------------------

/** A parsed JSON answer: the bench takes the fields it measures straight off it, unchecked. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
type Json = any;

export interface Reply { status: number; body: Json }

/** One request as the dev account `as`; throws on a status other than `expect`. */
export async function call(baseUrl: string, as: string, method: 'GET' | 'POST', url: string, body?: unknown, expect = 200): Promise<Reply> {
  const res = await fetch(`${baseUrl}${url}`, {
    method,
    headers: {
      authorization: `Bearer dev-${as}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== expect) throw new Error(`${method} ${url} as ${as}: ${res.status} ${text.slice(0, 200)}`);
  return { status: res.status, body: jsonOrText(text) };
}

/** A GET that may take minutes (fetch gives up after 300 s): node:http without a timeout. */
export function longGet(baseUrl: string, as: string, url: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${baseUrl}${url}`, { headers: { authorization: `Bearer dev-${as}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) reject(new Error(`GET ${url} as ${as}: ${res.statusCode} ${text.slice(0, 200)}`));
        else resolve({ status: res.statusCode, body: jsonOrText(text) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}
