/** `npm run migrate`: creates the database if missing and applies every migration. */
import { readConfig } from '../lib/config';
import { migrate } from '../lib/db';

const config = readConfig();
migrate(config.databaseUrl)
  .then(() => console.log(`database ${new URL(config.databaseUrl).pathname.slice(1)} is up to date`))
  .catch((err) => { console.error(err.message); process.exit(1); });
