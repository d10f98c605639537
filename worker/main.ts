/** `npm run worker`: runs the workflows and activities against TEMPORAL_ADDRESS. */
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { readConfig, type Config } from '../lib/config';
import { createPool, migrate } from '../lib/db';
import { createLogger, type Logger } from '../lib/logger';
import { loadPolicy } from '../lib/policy';
import { seedIfEmpty } from '../lib/seed';
import { registerSearchAttributes } from '../lib/temporal';
import { createWorker } from './worker';

export interface RunningWorker { done: Promise<void>; stop(): Promise<void> }

export async function startWorker(config: Config, logger: Logger): Promise<RunningWorker> {
  const policy = loadPolicy(config.policyFile);
  await migrate(config.databaseUrl, logger);
  const pool = createPool(config.databaseUrl);
  if (!config.production) await seedIfEmpty(pool, config.keyPepper, logger);

  const admin = await Connection.connect({ address: config.temporalAddress });
  const added = await registerSearchAttributes(admin, config.temporalNamespace);
  if (added.length) logger.info({ added }, 'registered search attributes');
  await admin.close();

  const connection = await NativeConnection.connect({ address: config.temporalAddress });
  const worker = await createWorker({ config, connection, pool, policy });
  logger.info({ taskQueue: config.taskQueue, address: config.temporalAddress }, 'worker running');
  const done = worker.run().finally(async () => {
    await connection.close();
    await pool.end();
    logger.info('worker stopped');
  });
  return {
    done,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}

if (require.main === module) {
  const config = readConfig();
  const logger = createLogger({ level: config.logLevel, production: config.production, name: 'worker' });
  startWorker(config, logger).then((running) => {
    const stop = (signal: string) => { logger.info({ signal }, 'worker stopping: finishing tasks in hand'); void running.stop(); };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
    return running.done;
  }).catch((err) => {
    logger.fatal({ err }, 'worker failed');
    process.exit(1);
  });
}
