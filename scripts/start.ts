/**
 * `npm start`: the whole stack on one machine. Reuses a Temporal server already listening at
 * TEMPORAL_ADDRESS, otherwise starts the CLI's dev server (data in TEMPORAL_DB_FILE, Web UI on
 * the frontend port + 1000); then the worker and the API. Ctrl-C stops the API (draining), the
 * worker (finishing its tasks) and the dev server, whose data stays on disk. The staff console
 * (console/dist, served at /console/) is built first when it is missing or older than its sources.
 */
import { startApi } from '../api/main';
import { readConfig } from '../lib/config';
import { ensureConsoleBuilt } from '../lib/console-build';
import { createLogger } from '../lib/logger';
import { isListening, startDevServer, type DevServer } from '../lib/temporal-dev-server';
import { startWorker } from '../worker/main';

async function main() {
  const config = readConfig();
  const logger = createLogger({ level: config.logLevel, production: config.production, name: 'whistle' });
  const [host, portText] = config.temporalAddress.split(':');
  const port = Number(portText);

  let devServer: DevServer | undefined;
  if (await isListening(host, port)) {
    logger.info({ address: config.temporalAddress }, 'reusing the Temporal server already listening');
  } else {
    logger.info({ dbFile: config.temporalDbFile }, 'starting the Temporal dev server (first run may build the CLI)');
    devServer = await startDevServer({
      ip: host, port, uiPort: port + 1000, dbFile: config.temporalDbFile, namespace: config.temporalNamespace,
      logFile: `${config.temporalDbFile}.log`,
    });
    logger.info({ address: devServer.address, ui: `http://${host}:${port + 1000}` }, 'Temporal dev server ready');
  }

  // The API runs without the console too (/console/ then says how to build it).
  await ensureConsoleBuilt((message) => logger.info(message)).catch((err: Error) => {
    logger.error({ err: err.message }, 'the console could not be built; the API starts without it (npm run console:build shows why)');
  });

  const worker = await startWorker(config, logger);
  const api = await startApi(config, logger);
  logger.info({ api: api.url, console: `${api.url}/console/`, docs: `${api.url}/docs`, metrics: `${api.url}/metrics` }, 'Whistle is running');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: API drains, worker finishes its tasks, dev server keeps its data');
    await api.stop();
    await worker.stop();
    await devServer?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  devServer?.process.once('exit', (code) => {
    if (!stopping) { logger.fatal({ code }, 'the Temporal dev server exited'); void stop('temporal-exit'); }
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
