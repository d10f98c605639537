/**
 * `npm run migrate`: creates the database if missing and applies every migration, each followed
 * by the backfill it enqueued (lib/backfills.ts), logging the backfills' progress every 10 s. Run it
 * before starting a new version on a large database: the API and the worker run the same at
 * start and would wait for the backfills too.
 */
import { readConfig } from '../lib/config';
import { migrate } from '../lib/db';
import { createLogger } from '../lib/logger';

const config = readConfig();
const logger = createLogger({ level: config.logLevel, production: config.production, name: 'migrate' });
migrate(config.databaseUrl, logger)
  .then(() => console.log(`database ${new URL(config.databaseUrl).pathname.slice(1)} is up to date`))
  .catch((err) => { console.error(err.message); process.exit(1); });
