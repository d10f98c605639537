/**
 * `npm start`: the whole stack on one machine. Reuses a Temporal server already listening at
 * TEMPORAL_ADDRESS, otherwise starts the CLI's dev server (data in TEMPORAL_DB_FILE, Web UI on
 * the frontend port + 1000); then the worker and the API. Ctrl-C stops the API (draining), the
 * worker (finishing its tasks) and the dev server, whose data stays on disk.
 *
 * What can be checked is checked before anything starts — the settings, the policy file,
 * PostgreSQL (the database is created and migrated), the ports of the API and of the worker's
 * metrics, the prebuilt workflow bundle, the worker's cache against its heap — so a bad
 * POLICY_FILE or an unreachable PostgreSQL exits at once and starts nothing. A failure after
 * that stops, in reverse order, everything this command started: no dev server is left holding
 * the port. The staff console (console/dist, served at /console/) is built after the checks when
 * its build is missing or older than its sources.
 */
import fs from 'node:fs';
import { startApi, type RunningApi } from '../api/main';
import { ConfigError, readConfig, type Config } from '../lib/config';
import { ensureConsoleBuilt } from '../lib/console-build';
import { migrate } from '../lib/db';
import { createLogger, type Logger } from '../lib/logger';
import { loadPolicy, PolicyError } from '../lib/policy-file';
import { isListening, startDevServer, type DevServer } from '../lib/temporal-dev-server';
import { startWorker, type RunningWorker } from '../worker/main';
import { checkHeapForCache } from '../worker/worker';

/** A problem found before starting anything: said in one line, no stack trace. */
class StartRefused extends Error {}

async function portTaken(host: string, port: number): Promise<boolean> {
  return port !== 0 && await isListening(host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host, port);
}

/** Everything that can fail without starting anything. */
async function preflight(config: Config, logger: Logger, temporalRunning: boolean): Promise<void> {
  try {
    loadPolicy(config.policyFile);
  } catch (err) {
    throw new StartRefused(`POLICY_FILE ${config.policyFile ?? ''}: ${(err as Error).message}`);
  }
  checkHeapForCache(config.workerCachedWorkflows);
  if (config.workflowBundle && !fs.existsSync(config.workflowBundle)) {
    throw new StartRefused(`WORKFLOW_BUNDLE ${config.workflowBundle} does not exist`);
  }
  if (await portTaken(config.host, config.port)) throw new StartRefused(`PORT ${config.port} on ${config.host} is already in use`);
  if (await portTaken(config.host, config.workerMetricsPort)) {
    throw new StartRefused(`WORKER_METRICS_PORT ${config.workerMetricsPort} on ${config.host} is already in use (0 turns the worker's metrics off)`);
  }
  if (!temporalRunning) {
    const [host, port] = config.temporalAddress.split(':');
    if (await portTaken(host, Number(port) + 1000)) throw new StartRefused(`the Temporal Web UI port ${Number(port) + 1000} is already in use`);
  }
  try {
    await migrate(config.databaseUrl, logger);
  } catch (err) {
    const e = err as { code?: string; message?: string };
    throw new StartRefused(`PostgreSQL at DATABASE_URL cannot be used (${e.code ?? ''} ${e.message ?? String(err)}`.trim() + ')');
  }
}

async function main() {
  const config = readConfig();
  const logger = createLogger({ level: config.logLevel, production: config.production, name: 'whistle' });
  const [host, portText] = config.temporalAddress.split(':');
  const port = Number(portText);
  const temporalRunning = await isListening(host, port);
  await preflight(config, logger, temporalRunning);
  // The API runs without the console too (/console/ then says how to build it).
  await ensureConsoleBuilt((message) => logger.info(message)).catch((err: Error) => {
    logger.error({ err: err.message }, 'the console could not be built; the API starts without it (npm run console:build shows why)');
  });

  // What was started, stopped in reverse order on Ctrl-C and on any failure.
  let devServer: DevServer | undefined;
  let worker: RunningWorker | undefined;
  let api: RunningApi | undefined;
  let stopping: Promise<void> | undefined;
  const stopAll = () => {
    stopping ??= (async () => {
      await api?.stop().catch((err) => logger.error({ err }, 'the API did not stop cleanly'));
      await worker?.stop().catch((err) => logger.error({ err }, 'the worker did not stop cleanly'));
      await devServer?.stop().catch((err) => logger.error({ err }, 'the Temporal dev server did not stop cleanly'));
    })();
    return stopping;
  };

  try {
    if (temporalRunning) {
      logger.info({ address: config.temporalAddress }, 'reusing the Temporal server already listening');
    } else {
      logger.info({ dbFile: config.temporalDbFile }, 'starting the Temporal dev server (first run may build the CLI)');
      devServer = await startDevServer({
        ip: host, port, uiPort: port + 1000, dbFile: config.temporalDbFile, namespace: config.temporalNamespace,
        logFile: `${config.temporalDbFile}.log`,
      });
      logger.info({ address: devServer.address, ui: `http://${host}:${port + 1000}` }, 'Temporal dev server ready');
      devServer.process.once('exit', (code) => {
        if (stopping) return;
        logger.fatal({ code }, 'the Temporal dev server exited');
        void stopAll().then(() => process.exit(1));
      });
    }
    worker = await startWorker(config, logger);
    api = await startApi(config, logger);
  } catch (err) {
    logger.fatal({ err }, 'start failed: stopping what was started');
    await stopAll();
    process.exit(1);
  }
  logger.info({ api: api.url, console: `${api.url}/console/`, docs: `${api.url}/docs`, metrics: `${api.url}/metrics` }, 'Whistle is running');

  const stop = (signal: string) => {
    logger.info({ signal }, 'stopping: API drains, worker finishes its tasks, dev server keeps its data');
    void stopAll().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // The worker ending by itself (a fatal error) takes the stack down with it.
  void worker.done.catch((err) => logger.fatal({ err }, 'the worker failed')).then(() => {
    if (!stopping) void stopAll().then(() => process.exit(1));
  });
}

main().catch((err) => {
  if (err instanceof StartRefused || err instanceof ConfigError || err instanceof PolicyError) {
    console.error(`npm start: ${err.message}; nothing was started`);
  } else {
    console.error(err);
  }
  process.exit(1);
});
