/**
 * `npm run cluster`: the production topology on one machine, without Docker — a real Temporal
 * server (built from source) on the local PostgreSQL, several workers and several API
 * processes, configured like `docker-compose.yml` (the same deploy/temporal/config.yaml,
 * dynamicconfig.yaml and setup.sh). Ctrl-C stops everything; the data stays in the databases.
 *
 *   npm run cluster                          2 workers, 2 APIs, frontend on 127.0.0.1:7933
 *   npm run cluster -- --workers 3 --apis 1  another shape
 *   npm run cluster -- --fresh               drop the cluster's databases first
 *   npm run cluster -- --drop                drop the cluster's databases and exit
 *
 * Settings (env): CLUSTER_TEMPORAL_PORT (7933; the other ports derive from it, see
 * `clusterPorts`), CLUSTER_POSTGRES_URL (postgres://postgres@127.0.0.1:5432/postgres, a
 * superuser), CLUSTER_DB_PREFIX (`cluster`: databases temporal_cluster,
 * temporal_cluster_visibility, whistle_cluster), CLUSTER_DIR (data/cluster: logs),
 * TEMPORAL_SERVER_BIN / TEMPORAL_SQL_BIN (prebuilt binaries). The app processes inherit the
 * rest of the environment (POLICY_FILE, LOG_LEVEL, RATE_LIMIT_PER_MINUTE, ...).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { Client as PgClient, escapeIdentifier } from 'pg';
import { readConfig } from '../lib/config';
import { createPool, migrate } from '../lib/db';
import { seedIfEmpty } from '../lib/seed';
import { isListening, temporalBinary } from '../lib/temporal-dev-server';

const run = promisify(execFile);

export const TEMPORAL_SERVER_VERSION = 'v1.29.1'; // the server the CLI dev server embeds
const REPO = path.resolve(__dirname, '..');
const DEPLOY_TEMPORAL = path.join(REPO, 'deploy', 'temporal');

export interface ClusterSettings {
  /** Temporal frontend gRPC port; every other port derives from it. */
  temporalPort: number;
  workers: number;
  apis: number;
  /** A superuser URL of the PostgreSQL server that holds the three databases. */
  postgresUrl: string;
  /** Database names: temporal_<prefix>, temporal_<prefix>_visibility, whistle_<prefix>. */
  dbPrefix: string;
  /** Log files of every process. */
  dir: string;
  /** Extra environment for the worker and API processes (over the inherited one). */
  appEnv: Record<string, string>;
  log: (message: string) => void;
}

export function clusterSettings(env: NodeJS.ProcessEnv = process.env): ClusterSettings {
  const prefix = env.CLUSTER_DB_PREFIX || 'cluster';
  if (!/^[a-z0-9_]+$/.test(prefix)) throw new Error(`CLUSTER_DB_PREFIX must be lower-case letters, digits, _; got "${prefix}"`);
  return {
    temporalPort: Number(env.CLUSTER_TEMPORAL_PORT || 7933),
    workers: 2,
    apis: 2,
    postgresUrl: env.CLUSTER_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
    dbPrefix: prefix,
    dir: path.resolve(REPO, env.CLUSTER_DIR || path.join('data', 'cluster')),
    appEnv: {},
    log: (message) => console.log(`[cluster] ${message}`),
  };
}

/**
 * Ports from the frontend port F: the server's services follow deploy/temporal/config.yaml
 * (history F+1, matching F+2, worker F+6, HTTP F+10, membership F-300…F-294, metrics F+66);
 * API i listens on F+20+i, worker i serves its SDK metrics on F+30+i.
 */
export function clusterPorts(s: Pick<ClusterSettings, 'temporalPort'>) {
  const f = s.temporalPort;
  return {
    frontend: f,
    serverMetrics: f + 66,
    api: (i: number) => f + 20 + i,
    workerMetrics: (i: number) => f + 30 + i,
    all: [f, f + 1, f + 2, f + 6, f + 10, f - 300, f - 299, f - 298, f - 294, f + 66],
  };
}

export function databaseNames(s: Pick<ClusterSettings, 'dbPrefix'>) {
  return {
    temporal: `temporal_${s.dbPrefix}`,
    visibility: `temporal_${s.dbPrefix}_visibility`,
    app: `whistle_${s.dbPrefix}`,
  };
}

function databaseUrl(postgresUrl: string, name: string): string {
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export function appDatabaseUrl(s: ClusterSettings): string {
  return databaseUrl(s.postgresUrl, databaseNames(s).app);
}

// ---- Go binaries ----------------------------------------------------------------------------

async function goEnv(name: string): Promise<string> {
  try {
    return (await run('go', ['env', name])).stdout.trim();
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') {
      throw new Error('the Go toolchain (go) is not on PATH: install Go to build the Temporal server, or set TEMPORAL_SERVER_BIN, TEMPORAL_SQL_BIN and TEMPORAL_SCHEMA_DIR');
    }
    throw err;
  }
}

async function goBinDir(): Promise<string> {
  return (await goEnv('GOBIN')) || path.join(await goEnv('GOPATH'), 'bin');
}

/**
 * The Temporal server (`server`) and its SQL schema tool (`sql`), built from source with
 * `go install` when missing (niced: the first build takes many minutes of CPU).
 */
export async function ensureServerBinaries(log: (m: string) => void): Promise<{ server: string; sql: string }> {
  const given = { server: process.env.TEMPORAL_SERVER_BIN, sql: process.env.TEMPORAL_SQL_BIN };
  if (given.server && given.sql) return { server: given.server, sql: given.sql };
  const bin = await goBinDir();
  const found = { server: given.server || path.join(bin, 'server'), sql: given.sql || path.join(bin, 'sql') };
  if (fs.existsSync(found.server) && fs.existsSync(found.sql)) return found;
  log(`building the Temporal server ${TEMPORAL_SERVER_VERSION} and its schema tool from source (go install; the first build takes a long while)`);
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn('nice', ['-n', '10', 'go', 'install',
      `go.temporal.io/server/cmd/server@${TEMPORAL_SERVER_VERSION}`,
      `go.temporal.io/server/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`go install failed (exit ${code})`))));
  });
  log(`built in ${((Date.now() - started) / 1000).toFixed(0)} s: ${found.server}, ${found.sql}`);
  return found;
}

/** The server module's schema files (…/schema/postgresql/v12), downloading the module if needed. */
export async function schemaDir(): Promise<string> {
  if (process.env.TEMPORAL_SCHEMA_DIR) return process.env.TEMPORAL_SCHEMA_DIR;
  const cached = path.join(await goEnv('GOMODCACHE'), `go.temporal.io/server@${TEMPORAL_SERVER_VERSION}`);
  let moduleDir = cached;
  if (!fs.existsSync(cached)) {
    const { stdout } = await run('go', ['mod', 'download', '-json', `go.temporal.io/server@${TEMPORAL_SERVER_VERSION}`]);
    moduleDir = JSON.parse(stdout).Dir;
  }
  return path.join(moduleDir, 'schema', 'postgresql', 'v12');
}

// ---- databases --------------------------------------------------------------------------------

async function withAdmin<T>(s: ClusterSettings, work: (admin: PgClient) => Promise<T>): Promise<T> {
  const admin = new PgClient({ connectionString: s.postgresUrl, connectionTimeoutMillis: 5000 });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

/** Drops the cluster's three databases (stop the cluster first). */
export async function dropDatabases(s: ClusterSettings): Promise<void> {
  const names = Object.values(databaseNames(s));
  await withAdmin(s, async (admin) => {
    for (const name of names) await admin.query(`DROP DATABASE IF EXISTS ${escapeIdentifier(name)} WITH (FORCE)`);
  });
  s.log(`dropped databases ${names.join(', ')}`);
}

/**
 * Creates (when missing) and brings up to date the Temporal schemas with the schema tool, the
 * same commands as the compose `temporal-schema` job.
 */
export async function setupTemporalSchemas(s: ClusterSettings, sqlBin: string): Promise<void> {
  const pg = new URL(s.postgresUrl);
  const env = {
    ...process.env,
    SQL_PLUGIN: 'postgres12',
    SQL_HOST: pg.hostname,
    SQL_PORT: pg.port || '5432',
    SQL_USER: decodeURIComponent(pg.username),
    SQL_PASSWORD: decodeURIComponent(pg.password),
  };
  const dir = await schemaDir();
  const names = databaseNames(s);
  const existing = await withAdmin(s, async (admin) =>
    (await admin.query<{ datname: string }>('SELECT datname FROM pg_database')).rows.map((r) => r.datname));
  const tool = async (...args: string[]) => {
    try {
      await run(sqlBin, args, { env });
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; message: string };
      throw new Error(`${path.basename(sqlBin)} ${args.join(' ')} failed: ${e.stderr || e.stdout || e.message}`);
    }
  };
  for (const [db, versioned] of [[names.temporal, 'temporal'], [names.visibility, 'visibility']] as const) {
    if (!existing.includes(db)) {
      await tool('--db', db, 'create-database', '--defaultdb', pg.pathname.slice(1) || 'postgres');
      s.log(`created database ${db}`);
    }
    await tool('--db', db, 'setup-schema', '-v', '0.0');
    await tool('--db', db, 'update-schema', '-d', path.join(dir, versioned, 'versioned'));
  }
  s.log(`Temporal schemas ready in ${names.temporal} and ${names.visibility}`);
}

// ---- processes --------------------------------------------------------------------------------

export interface ClusterProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  logFile: string;
  /** Resolves with the exit code (or signal) once the process has exited. */
  exited: Promise<string>;
  /** Set once the process has exited. */
  exitedWith?: string;
}

function launch(s: ClusterSettings, name: string, command: string, args: string[], env: NodeJS.ProcessEnv): ClusterProcess {
  fs.mkdirSync(s.dir, { recursive: true });
  const logFile = path.join(s.dir, `${name}.log`);
  const out = fs.openSync(logFile, 'a');
  const child = spawn(command, args, { cwd: REPO, env, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const proc: ClusterProcess = {
    name, child, pid: child.pid!, logFile,
    exited: new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        proc.exitedWith = signal ?? `exit ${code}`;
        resolve(proc.exitedWith);
      });
    }),
  };
  return proc;
}

function tail(file: string, lines = 15): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

async function waitFor(what: string, proc: ClusterProcess, ready: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (proc.exitedWith) throw new Error(`${proc.name} exited (${proc.exitedWith}) before ${what}; its log ${proc.logFile}:\n${tail(proc.logFile)}`);
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${proc.name}: no ${what} within ${ms / 1000} s; see ${proc.logFile}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Stops a process with SIGTERM, then SIGKILL after `graceMs`. */
export async function stopProcess(proc: ClusterProcess, graceMs = 30_000): Promise<void> {
  if (proc.exitedWith) return;
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), graceMs);
  proc.child.kill('SIGTERM');
  await proc.exited;
  clearTimeout(timer);
}

/** The server, in place on deploy/temporal/config.yaml with one machine's values. */
export async function startTemporalServer(s: ClusterSettings, serverBin: string): Promise<ClusterProcess> {
  const ports = clusterPorts(s);
  for (const port of ports.all) {
    if (await isListening('127.0.0.1', port)) throw new Error(`port ${port} is taken; choose another CLUSTER_TEMPORAL_PORT`);
  }
  const pg = new URL(s.postgresUrl);
  const names = databaseNames(s);
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    TEMPORAL_DB_ADDRESS: `${pg.hostname}:${pg.port || '5432'}`,
    TEMPORAL_DB_USER: decodeURIComponent(pg.username),
    TEMPORAL_DB_PASSWORD: decodeURIComponent(pg.password),
    TEMPORAL_DB_NAME: names.temporal,
    TEMPORAL_VISIBILITY_DB_NAME: names.visibility,
    TEMPORAL_FRONTEND_GRPC_PORT: String(ports.frontend),
    TEMPORAL_BIND_ON_IP: '127.0.0.1',
    TEMPORAL_PUBLIC_HOST: '127.0.0.1',
    TEMPORAL_METRICS_ADDRESS: `127.0.0.1:${ports.serverMetrics}`,
    TEMPORAL_DYNAMIC_CONFIG_FILE: path.join(DEPLOY_TEMPORAL, 'dynamicconfig.yaml'),
    TEMPORAL_LOG_LEVEL: process.env.CLUSTER_TEMPORAL_LOG_LEVEL || 'warn',
  };
  const server = launch(s, 'temporal', serverBin,
    ['--root', path.dirname(DEPLOY_TEMPORAL), '--config', path.basename(DEPLOY_TEMPORAL), '--env', 'config', 'start'], env);
  await waitFor('frontend listening', server, () => isListening('127.0.0.1', ports.frontend), 120_000);
  s.log(`Temporal server ${TEMPORAL_SERVER_VERSION} (pid ${server.pid}) on 127.0.0.1:${ports.frontend}, log ${server.logFile}`);
  return server;
}

/** Namespace and search attributes: deploy/temporal/setup.sh, the compose `temporal-setup` job. */
export async function setupNamespace(s: ClusterSettings, namespace: string): Promise<void> {
  const cli = temporalBinary();
  try {
    const { stdout } = await run('sh', [path.join(DEPLOY_TEMPORAL, 'setup.sh')], {
      env: {
        ...process.env,
        PATH: `${path.dirname(cli)}:${process.env.PATH ?? ''}`,
        TEMPORAL_ADDRESS: `127.0.0.1:${s.temporalPort}`,
        TEMPORAL_NAMESPACE: namespace,
        TEMPORAL_NAMESPACE_RETENTION: process.env.TEMPORAL_NAMESPACE_RETENTION || '720h',
      },
    });
    for (const line of stdout.trim().split('\n')) s.log(line);
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`deploy/temporal/setup.sh failed: ${e.stdout ?? ''}${e.stderr ?? e.message}`);
  }
}

function appEnvironment(s: ClusterSettings, extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...s.appEnv,
    TEMPORAL_ADDRESS: `127.0.0.1:${s.temporalPort}`,
    DATABASE_URL: appDatabaseUrl(s),
    HOST: '127.0.0.1',
    ...extra,
  };
}

/** Node with tsx's loader in the same process (`npx tsx` would fork a child that SIGKILL misses). */
function nodeArgs(script: string): string[] {
  return ['--import', 'tsx', script];
}

/** Worker `index` (1-based); ready once it polls its task queue (identity `<pid>@<host>`). */
export async function startWorkerProcess(s: ClusterSettings, index: number, admin: Connection): Promise<ClusterProcess> {
  const env = appEnvironment(s, { WORKER_METRICS_PORT: String(clusterPorts(s).workerMetrics(index)) });
  const config = readConfig(env);
  const worker = launch(s, `worker-${index}`, process.execPath, nodeArgs('worker/main.ts'), env);
  await waitFor('poller on the task queue', worker, async () => {
    const described = await admin.workflowService.describeTaskQueue({
      namespace: config.temporalNamespace,
      taskQueue: { name: config.taskQueue, kind: proto.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      taskQueueType: proto.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    });
    return (described.pollers ?? []).some((p) => p.identity?.startsWith(`${worker.pid}@`));
  }, 180_000);
  s.log(`worker ${index} (pid ${worker.pid}) polls task queue ${config.taskQueue}, log ${worker.logFile}`);
  return worker;
}

/** API `index` (1-based) on port F+20+index; ready once /readyz answers 200. */
export async function startApiProcess(s: ClusterSettings, index: number): Promise<ClusterProcess & { url: string }> {
  const port = clusterPorts(s).api(index);
  const api = launch(s, `api-${index}`, process.execPath, nodeArgs('api/main.ts'), appEnvironment(s, { PORT: String(port) }));
  const url = `http://127.0.0.1:${port}`;
  await waitFor('ready answer', api, async () => (await fetch(`${url}/readyz`)).status === 200, 120_000);
  s.log(`API ${index} (pid ${api.pid}) at ${url}, log ${api.logFile}`);
  return Object.assign(api, { url });
}

export interface Cluster {
  settings: ClusterSettings;
  temporalAddress: string;
  namespace: string;
  databaseUrl: string;
  server: ClusterProcess;
  workers: ClusterProcess[];
  apis: Array<ClusterProcess & { url: string }>;
  /** APIs first (they drain), then workers (they finish their tasks), then the server. */
  stop(): Promise<void>;
}

export async function startCluster(s: ClusterSettings, options: { fresh?: boolean } = {}): Promise<Cluster> {
  const started = Date.now();
  const bins = await ensureServerBinaries(s.log);
  if (options.fresh) await dropDatabases(s);
  await setupTemporalSchemas(s, bins.sql);

  const config = readConfig(appEnvironment(s, {}));
  const url = appDatabaseUrl(s);
  await migrate(url);
  const pool = createPool(url, 2);
  try {
    if (config.devSeed && (await seedIfEmpty(pool, config.keyPepper))) s.log(`seeded ${databaseNames(s).app} (dev keys dev-<accountId>)`);
  } finally {
    await pool.end();
  }

  const server = await startTemporalServer(s, bins.server);
  const workers: ClusterProcess[] = [];
  const apis: Array<ClusterProcess & { url: string }> = [];
  let admin: Connection | undefined;
  const stop = async () => {
    await Promise.all(apis.map((p) => stopProcess(p, 15_000)));
    await Promise.all(workers.map((p) => stopProcess(p, 30_000)));
    await admin?.close().catch(() => undefined);
    await stopProcess(server, 15_000);
  };
  try {
    await setupNamespace(s, config.temporalNamespace);
    admin = await Connection.connect({ address: `127.0.0.1:${s.temporalPort}` });
    // Workers one after the other: each bundles the workflow code at start (CPU-heavy).
    for (let i = 1; i <= s.workers; i++) workers.push(await startWorkerProcess(s, i, admin));
    // The APIs together; those that came up are stopped too when another one failed.
    const apiStarts = await Promise.allSettled(Array.from({ length: s.apis }, (_, i) => startApiProcess(s, i + 1)));
    for (const result of apiStarts) if (result.status === 'fulfilled') apis.push(result.value);
    const failed = apiStarts.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
  } catch (err) {
    await stop();
    throw err;
  }
  s.log(`cluster up in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return {
    settings: s, temporalAddress: `127.0.0.1:${s.temporalPort}`, namespace: config.temporalNamespace, databaseUrl: url,
    server, workers, apis, stop,
  };
}

// ---- npm run cluster --------------------------------------------------------------------------

function parseArgs(argv: string[]) {
  const args = { workers: 2, apis: 2, fresh: false, drop: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const count = () => {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 0 || n > 9) throw new Error(`${arg} takes a number from 0 to 9`);
      return n;
    };
    if (arg === '--workers') args.workers = count();
    else if (arg === '--apis') args.apis = count();
    else if (arg === '--fresh') args.fresh = true;
    else if (arg === '--drop') args.drop = true;
    else throw new Error(`unknown argument ${arg} (known: --workers N, --apis N, --fresh, --drop)`);
  }
  return args;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const s = { ...clusterSettings(), workers: args.workers, apis: args.apis };
  if (args.drop) {
    await dropDatabases(s);
    return;
  }
  const cluster = await startCluster(s, { fresh: args.fresh });
  s.log(`Temporal ${cluster.temporalAddress} (namespace ${cluster.namespace}); app database ${cluster.databaseUrl}`);
  for (const api of cluster.apis) s.log(`API ${api.url}  (docs ${api.url}/docs)`);
  s.log(`try: curl -H 'Authorization: Bearer dev-xiguan' ${cluster.apis[0]?.url ?? ''}/v1/whistles`);
  s.log(`     temporal workflow list --address ${cluster.temporalAddress} --query "WorkflowType='whistle'"`);
  s.log('Ctrl-C stops everything (the databases keep their data; --drop removes them)');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    s.log(`${signal}: stopping the APIs, the workers, then the Temporal server`);
    await cluster.stop();
    s.log('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  for (const proc of [cluster.server, ...cluster.workers, ...cluster.apis]) {
    void proc.exited.then((how) => { if (!stopping) s.log(`${proc.name} (pid ${proc.pid}) exited: ${how}; see ${proc.logFile}`); });
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`[cluster] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
