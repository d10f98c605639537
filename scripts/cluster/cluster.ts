/** The whole cluster: the Temporal server, then workers one after the other, then the APIs. */
import { Connection } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { readConfig } from '../../lib/config';
import { createPool, migrate } from '../../lib/db';
import { seedIfEmpty } from '../../lib/seed';
import { launch, stopProcess, waitFor, type ClusterProcess } from './processes';
import { appDatabaseUrl, clusterPorts, databaseNames, type ClusterSettings } from './settings';
import { dropDatabases, ensureServerBinaries, setupNamespace, setupTemporalSchemas, startTemporalServer } from './temporal-server';

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
async function startWorkerProcess(s: ClusterSettings, index: number, admin: Connection): Promise<ClusterProcess> {
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
async function startApiProcess(s: ClusterSettings, index: number): Promise<ClusterProcess & { url: string }> {
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

