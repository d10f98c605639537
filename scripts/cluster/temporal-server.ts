/** The Temporal server of the cluster: its binaries built from source, its databases and schemas, the server process and its namespace. */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client as PgClient, escapeIdentifier } from 'pg';
import { isListening, temporalBinary } from '../../lib/temporal-dev-server';
import { launch, waitFor, type ClusterProcess } from './processes';
import { DEPLOY_TEMPORAL, TEMPORAL_SERVER_VERSION, clusterPorts, databaseNames, type ClusterSettings } from './settings';

const run = promisify(execFile);

// ---- Go binaries ----------------------------------------------------------------------------

async function goEnv(name: string): Promise<string> {
  try {
    return (await run('go', ['env', name])).stdout.trim();
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') {
      throw new Error('the Go toolchain (go) is not on PATH: install Go to build the Temporal server, or set TEMPORAL_SERVER_BIN, TEMPORAL_SQL_BIN and TEMPORAL_SCHEMA_DIR', { cause: err });
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
async function schemaDir(): Promise<string> {
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
      throw new Error(`${path.basename(sqlBin)} ${args.join(' ')} failed: ${e.stderr || e.stdout || e.message}`, { cause: err });
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
    throw new Error(`deploy/temporal/setup.sh failed: ${e.stdout ?? ''}${e.stderr ?? e.message}`, { cause: err });
  }
}
