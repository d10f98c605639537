/** `npm run api`: the HTTP API against TEMPORAL_ADDRESS and DATABASE_URL. */
import { readConfig, type Config } from '../lib/config';
import { createPool, migrate } from '../lib/db';
import { createLogger, type Logger } from '../lib/logger';
import { runUntilSignalled } from '../lib/process-main';
import { seedForDevelopment } from '../lib/seed';
import { connectClient } from '../lib/temporal';
import { logCalendarCoverage } from '../lib/calendar';
import { buildApp } from './app';

export interface RunningApi { url: string; stop(): Promise<void> }

export async function startApi(config: Config, logger: Logger): Promise<RunningApi> {
  await migrate(config.databaseUrl, logger);
  const pool = createPool(config.databaseUrl, 20);
  // The dev tree's keys are public (`dev-<id>`): seeded only outside production, and only while
  // HOST is a loopback address unless DEV_SEED=yes (lib/config.ts).
  await seedForDevelopment(pool, config, logger);
  const temporal = await connectClient(config.temporalAddress, config.temporalNamespace);
  const app = await buildApp({ config, pool, temporal, logger });
  logCalendarCoverage(logger, await app.services.calendar.coverage());
  const url = await app.listen({ port: config.port, host: config.host });
  let stopped: Promise<void> | undefined;
  return {
    url,
    stop() {
      stopped ??= (async () => {
        await app.close(); // stops accepting, lets requests in flight finish
        await temporal.connection.close();
        await pool.end();
        logger.info('api stopped');
      })();
      return stopped;
    },
  };
}

if (require.main === module) {
  const config = readConfig();
  const logger = createLogger({ level: config.logLevel, production: config.production, name: 'api' });
  runUntilSignalled(logger, () => startApi(config, logger), { stopping: 'api draining', failed: 'api failed to start' });
}
