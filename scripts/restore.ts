/**
 * `npm run restore -- --from DIR [--replace]`: puts a backup of `npm run backup` back — the
 * PostgreSQL database (DATABASE_URL, created when missing) with pg_restore, and the Temporal dev
 * server's SQLite file (TEMPORAL_DB_FILE). Refuses while a process holds the SQLite file, and
 * overwrites an existing database or file only with --replace. Then start (`npm start`) and check
 * with `npm run reconcile -- --all`: deadlines that passed meanwhile fire at once.
 * See lib/backup.ts and docs/OPERATIONS.md. Exit code: 0 done, 1 refused or failed, 2 bad usage.
 */
import { parseArgs } from 'node:util';
import { BackupError, restore } from '../lib/backup';
import { readConfig } from '../lib/config';

const USAGE = 'usage: npm run restore -- --from DIR [--replace]   (with npm start stopped)';

async function main(): Promise<number> {
  let values: { from?: string; replace?: boolean };
  try {
    values = parseArgs({ args: process.argv.slice(2), options: { from: { type: 'string' }, replace: { type: 'boolean' } }, strict: true }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (!values.from) { console.error(`--from is required\n${USAGE}`); return 2; }
  const config = readConfig();
  try {
    const started = Date.now();
    const m = await restore({
      databaseUrl: config.databaseUrl, temporalDbFile: config.temporalDbFile, from: values.from, replace: values.replace, storage: config.storage,
    });
    const photos = m.photos ? `, ${m.photos.objects} photo objects into STORAGE_URL` : '';
    console.log(`restored the backup of ${m.createdAt} into ${config.temporalDbFile} and the database${photos} (${((Date.now() - started) / 1000).toFixed(1)} s); ` +
      'start the stack, then run npm run reconcile -- --all');
    return 0;
  } catch (err) {
    if (err instanceof BackupError) { console.error(`restore refused: ${err.message}`); return 1; }
    throw err;
  }
}

main().then((code) => process.exit(code), (err) => { console.error(err); process.exit(1); });
