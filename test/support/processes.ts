/**
 * Real processes for the reliability tests: the worker and the API as child processes
 * (`npx tsx worker/main.ts`, `npx tsx api/main.ts`) that can be killed with SIGKILL, a Temporal
 * dev server on a database file that can be killed and restarted on the same file and port, a
 * throwaway PostgreSQL database, and a TCP proxy in front of PostgreSQL that can be paused to
 * simulate an outage (every connection cut, new ones refused).
 *
 * Every process here is started by the test and ended by its own id (its process group), never
 * by name.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { Client as PgClient } from 'pg';
import { createPool, migrate } from '../../lib/db';
import { seedIfEmpty } from '../../lib/seed';
import { registerSearchAttributes } from '../../lib/temporal';
import { freePort, startDevServer, temporalBinary, type DevServer } from '../../lib/temporal-dev-server';
import { jsonOrText, type Json } from './json';

export const ROOT = path.join(__dirname, '..', '..');

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A fresh directory under the system temp dir for one test file's files (policy, logs, Temporal db). */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
}

// ---- PostgreSQL ------------------------------------------------------------------------------

export interface ThrowawayDatabase { url: string; name: string; drop(): Promise<void> }

/** A new database, migrated and seeded with the Changle tree (keys `dev-<id>` hashed with `pepper`). */
export async function createDatabase(prefix: string, pepper: string): Promise<ThrowawayDatabase> {
  const base = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const url = new URL(base.toString());
  url.pathname = `/${name}`;
  await migrate(url.toString());
  const pool = createPool(url.toString(), 2);
  await seedIfEmpty(pool, pepper);
  await pool.end();
  return {
    url: url.toString(),
    name,
    async drop() {
      const admin = new PgClient({ connectionString: base.toString() });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}

/** The URL `databaseUrl` with its host and port replaced (to go through a proxy). */
function viaPort(databaseUrl: string, port: number): string {
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return url.toString();
}

// ---- the pausable PostgreSQL proxy -------------------------------------------------------------

export interface PgProxy {
  port: number;
  readonly paused: boolean;
  /** Connections forwarded, connections refused while paused, connections cut by a pause. */
  stats: { forwarded: number; refused: number; cut: number };
  /** The outage starts: every open connection is reset, new ones are reset on arrival. */
  pause(): void;
  /** The outage ends: new connections are forwarded again. */
  resume(): void;
  close(): Promise<void>;
}

/** A TCP proxy on 127.0.0.1 forwarding to PostgreSQL (by default 127.0.0.1:5432). */
async function startPgProxy(target: { host: string; port: number } = { host: '127.0.0.1', port: 5432 }): Promise<PgProxy> {
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  let paused = false;
  const stats = { forwarded: 0, refused: 0, cut: 0 };
  const reset = (s: net.Socket) => {
    if (s.destroyed) return;
    if (typeof (s as net.Socket & { resetAndDestroy?: () => void }).resetAndDestroy === 'function') s.resetAndDestroy();
    else s.destroy();
  };
  const server = net.createServer((client) => {
    if (paused) {
      stats.refused++;
      client.on('error', () => undefined);
      reset(client);
      return;
    }
    stats.forwarded++;
    const upstream = net.connect(target.port, target.host);
    const pair = { client, upstream };
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      if (!client.destroyed) client.destroy();
      if (!upstream.destroyed) upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    get paused() { return paused; },
    stats,
    pause() {
      paused = true;
      for (const pair of [...pairs]) {
        stats.cut++;
        reset(pair.client);
        pair.upstream.destroy();
        pairs.delete(pair);
      }
    },
    resume() { paused = false; },
    close() {
      for (const pair of [...pairs]) { pair.client.destroy(); pair.upstream.destroy(); }
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// ---- Temporal ----------------------------------------------------------------------------------

export interface FileTemporal {
  address: string;
  dbFile: string;
  /** The dev server as it runs now (replaced by `restart`). */
  server: DevServer;
  /** SIGKILL: no shutdown, whatever was not on disk is gone. */
  kill(): Promise<void>;
  /** A new dev server on the same database file and port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** A Temporal dev server persisting to `<dir>/temporal.db` on a fixed port, so it can restart on its file. */
export async function startFileTemporal(dir: string): Promise<FileTemporal> {
  const binary = process.env.WHISTLE_TEST_TEMPORAL_CLI || temporalBinary();
  const port = await freePort();
  const dbFile = path.join(dir, 'temporal.db');
  const logFile = path.join(dir, 'temporal.log');
  const start = () => startDevServer({ ip: '127.0.0.1', port, dbFile, namespace: 'default', logFile }, binary);
  const handle: FileTemporal = {
    address: `127.0.0.1:${port}`,
    dbFile,
    server: await start(),
    async kill() {
      const child = handle.server.process;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await exited;
    },
    async restart() {
      // The port may take a moment to be released by the killed process.
      const deadline = Date.now() + 30_000;
      for (;;) {
        try {
          handle.server = await start();
          return;
        } catch (err) {
          if (Date.now() > deadline) throw err;
          await sleep(500);
        }
      }
    },
    stop: () => handle.server.stop(),
  };
  const connection = await Connection.connect({ address: handle.address });
  await registerSearchAttributes(connection, 'default');
  await connection.close();
  return handle;
}

/** Identities of the workers polling `taskQueue` for workflow tasks and for activity tasks. */
async function pollers(client: Client, taskQueue: string): Promise<{ workflow: string[]; activity: string[] }> {
  const ask = async (type: proto.api.enums.v1.TaskQueueType) => {
    const res = await client.workflowService.describeTaskQueue({
      namespace: client.options.namespace, taskQueue: { name: taskQueue }, taskQueueType: type,
    });
    return (res.pollers ?? []).map((p) => p.identity ?? '');
  };
  return {
    workflow: await ask(proto.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW),
    activity: await ask(proto.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY),
  };
}

// ---- worker and API processes -------------------------------------------------------------------

export type ServiceKind = 'worker' | 'api';

export interface ServiceProcess {
  kind: ServiceKind;
  child: ChildProcess;
  /** Resolves with the exit code (or the signal's name) when the process ends. */
  exited: Promise<number | string | null>;
  readonly alive: boolean;
  /** SIGKILL to the whole process group (npx → tsx → node); resolves once it is gone. */
  kill(): Promise<void>;
  /** SIGTERM (graceful), then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** Where its output goes. */
  logFile: string;
}

export interface ServiceOptions {
  kind: ServiceKind;
  env: Record<string, string>;
  /** Output of the process is appended here. */
  logFile: string;
}

/**
 * Runs `command` in the repo with this process's environment and `env` over it, in a process group
 * of its own (ended by its id: `process.kill(-pid)`), its output appended to `logFile`.
 */
export function spawnInGroup(command: string, args: string[], env: Record<string, string>, logFile: string): ChildProcess {
  const out = fs.openSync(logFile, 'a');
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', out, out], detached: true });
  fs.closeSync(out);
  return child;
}

/** Starts `npx tsx <kind>/main.ts` in its own process group; does not wait for it to be ready. */
export function spawnService(options: ServiceOptions): ServiceProcess {
  const child = spawnInGroup('npx', ['tsx', `${options.kind}/main.ts`], options.env, options.logFile);
  let alive = true;
  const exited = new Promise<number | string | null>((resolve) => {
    child.once('exit', (code, signal) => { alive = false; resolve(code ?? signal); });
  });
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      /* already gone */
    }
  };
  return {
    kind: options.kind,
    logFile: options.logFile,
    child,
    exited,
    get alive() { return alive; },
    async kill() {
      signalGroup('SIGKILL');
      await exited;
      // The group's other members (tsx's node) die with the same signal; give the kernel a moment.
      await sleep(100);
    },
    async stop(graceMs = 25_000) {
      if (!alive) return;
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      signalGroup('SIGKILL'); // anything of the group still around
    },
  };
}

/** Waits until a worker with an identity not in `known` polls both task types of `taskQueue`. */
export async function waitForWorker(client: Client, taskQueue: string, known: Set<string>, service?: ServiceProcess, ms = 120_000): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (service && !service.alive) throw new Error('the worker process exited while starting');
    try {
      const { workflow, activity } = await pollers(client, taskQueue);
      const fresh = workflow.find((id) => !known.has(id) && activity.includes(id));
      if (fresh) return fresh;
    } catch {
      /* Temporal not answering yet */
    }
    if (Date.now() > deadline) throw new Error(`no new worker polled ${taskQueue} within ${ms} ms`);
    await sleep(250);
  }
}

/** Waits until `GET /healthz` answers 200 at `baseUrl`. */
export async function waitForApi(baseUrl: string, service?: ServiceProcess, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (service && !service.alive) {
      const tail = fs.existsSync(service.logFile) ? fs.readFileSync(service.logFile, 'utf8').trim().split('\n').slice(-5).join('\n') : '';
      throw new Error(`the API process exited while starting; its last lines:\n${tail}`);
    }
    try {
      const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`the API at ${baseUrl} did not answer within ${ms} ms`);
    await sleep(200);
  }
}

/** The error and fatal lines a process logged (pino JSON), shortened: what went wrong, for the figures. */
export function errorsLogged(logFile: string, max = 10): string[] {
  let text: string;
  try { text = fs.readFileSync(logFile, 'utf8'); } catch { return []; }
  const out: string[] = [];
  for (const line of text.split('\n')) {
    // Output that is not a log line (an uncaught exception's message and its first frame).
    if (!line.startsWith('{')) {
      if (/Error|Unhandled|uncaught|^\s+at /.test(line) && !/WARN|^\s+at .*node_modules/.test(line)) out.push(line.trim().slice(0, 300));
      if (out.length >= max) break;
      continue;
    }
    try {
      const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { type?: string; message?: string } };
      if ((entry.level ?? 0) >= 50) out.push(`${entry.msg ?? ''}${entry.err ? `: ${entry.err.type ?? ''} ${entry.err.message ?? ''}` : ''}`.slice(0, 300));
    } catch { /* not a log line */ }
    if (out.length >= max) break;
  }
  return out;
}

// ---- HTTP against a real API process -------------------------------------------------------------

export interface HttpAnswer { status: number; body: Json; headers: Headers }

export interface Http {
  baseUrl: string;
  /** A request as account `as` (key `dev-<as>`); network failures throw. */
  call(as: string | null, method: string, url: string, body?: unknown, headers?: Record<string, string>, timeoutMs?: number): Promise<HttpAnswer>;
}

export function http(baseUrl: string): Http {
  return {
    baseUrl,
    async call(as, method, url, body, headers = {}, timeoutMs = 60_000) {
      const res = await fetch(`${baseUrl}${url}`, {
        method,
        headers: {
          ...(as ? { authorization: `Bearer dev-${as}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      return { status: res.status, body: jsonOrText(await res.text()), headers: res.headers };
    },
  };
}

// ---- one whole stack of real processes --------------------------------------------------------------

export interface ProcessStackOptions {
  /** Name used for the database, the task queue and the temp dir. */
  name: string;
  /** The policy the worker reads from POLICY_FILE. */
  policy: Record<string, unknown>;
  /** Own dev server on a database file (can be killed); otherwise the test run's shared one. */
  ownTemporal?: boolean;
  /** Route the worker's and the API's PostgreSQL connections through a pausable proxy. */
  pgProxy?: boolean;
  pepper: string;
  env?: Record<string, string>;
}

export interface ProcessStack {
  dir: string;
  db: ThrowawayDatabase;
  temporal: FileTemporal | undefined;
  temporalAddress: string;
  taskQueue: string;
  proxy: PgProxy | undefined;
  /** The DATABASE_URL the processes use (through the proxy when there is one). */
  serviceDatabaseUrl: string;
  /** A Temporal client of the test (after a dev server restart its connection reconnects by itself). */
  client: Client;
  api: ServiceProcess;
  worker: ServiceProcess;
  http: Http;
  env: Record<string, string>;
  /** Kills the worker with SIGKILL. */
  killWorker(): Promise<void>;
  startWorker(): Promise<void>;
  killApi(): Promise<void>;
  startApi(): Promise<void>;
  /** Ends everything this stack started and drops its database. */
  stop(): Promise<void>;
}

export async function startProcessStack(options: ProcessStackOptions): Promise<ProcessStack> {
  const dir = tempDir(`whistle-${options.name}`);
  const db = await createDatabase(`whistle_${options.name}`, options.pepper);
  const temporal = options.ownTemporal ? await startFileTemporal(dir) : undefined;
  const temporalAddress = temporal?.address ?? process.env.WHISTLE_TEST_TEMPORAL!;
  if (!temporal) {
    const c = await Connection.connect({ address: temporalAddress });
    await registerSearchAttributes(c, 'default');
    await c.close();
  }
  const proxy = options.pgProxy ? await startPgProxy() : undefined;
  const serviceDatabaseUrl = proxy ? viaPort(db.url, proxy.port) : db.url;
  const policyFile = path.join(dir, 'policy.json');
  fs.writeFileSync(policyFile, JSON.stringify(options.policy, null, 2));
  const taskQueue = `${options.name}-${process.pid}-${Date.now().toString(36)}`;
  const apiPort = await freePort();
  const env: Record<string, string> = {
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: taskQueue,
    DATABASE_URL: serviceDatabaseUrl,
    POLICY_FILE: policyFile,
    PORT: String(apiPort),
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.RELIABILITY_LOG_LEVEL ?? 'warn',
    API_KEY_PEPPER: options.pepper,
    RATE_LIMIT_PER_MINUTE: '1000000',
    WORKER_METRICS_PORT: '0',
    NODE_ENV: 'development',
    WEBHOOK_URL: '',
    ...options.env,
  };
  const connection = await Connection.connect({ address: temporalAddress });
  const client = new Client({ connection, namespace: 'default' });
  const baseUrl = `http://127.0.0.1:${apiPort}`;
  const knownWorkers = new Set<string>();

  const stack: ProcessStack = {
    dir, db, temporal, temporalAddress, taskQueue, proxy, serviceDatabaseUrl, client, env,
    api: undefined as unknown as ServiceProcess,
    worker: undefined as unknown as ServiceProcess,
    http: http(baseUrl),
    async startWorker() {
      stack.worker = spawnService({ kind: 'worker', env, logFile: path.join(dir, 'worker.log') });
      knownWorkers.add(await waitForWorker(client, taskQueue, knownWorkers, stack.worker));
    },
    async killWorker() { await stack.worker.kill(); },
    async startApi() {
      stack.api = spawnService({ kind: 'api', env, logFile: path.join(dir, 'api.log') });
      await waitForApi(baseUrl, stack.api);
    },
    async killApi() { await stack.api.kill(); },
    async stop() {
      await Promise.allSettled([stack.api?.stop(10_000), stack.worker?.stop(10_000)]);
      await connection.close().catch(() => undefined);
      await temporal?.stop().catch(() => undefined);
      await proxy?.close().catch(() => undefined);
      await db.drop().catch(() => undefined);
      if (!process.env.WHISTLE_KEEP_TEST_DIR) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  await stack.startWorker();
  await stack.startApi();
  return stack;
}
