/**
 * `npm run backup -- --out DIR`: PostgreSQL (DATABASE_URL, pg_dump) and the Temporal dev server's
 * SQLite file (TEMPORAL_DB_FILE, SQLite's backup API) into DIR, with a manifest. Stop the dev
 * server (`npm start`) first: the command refuses while a process holds the SQLite file.
 * See lib/backup.ts and docs/OPERATIONS.md. Exit code: 0 done, 1 refused or failed, 2 bad usage.
 */
import { parseArgs } from 'node:util';
import { backup, BackupError } from '../lib/backup';
import { readConfig } from '../lib/config';

const USAGE = 'usage: npm run backup -- --out DIR   (stop npm start first; PostgreSQL may keep running)';

async function main(): Promise<number> {
  let out: string | undefined;
  try {
    out = parseArgs({ args: process.argv.slice(2), options: { out: { type: 'string' } }, strict: true }).values.out;
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (!out) { console.error(`--out is required\n${USAGE}`); return 2; }
  const config = readConfig();
  try {
    const started = Date.now();
    const m = await backup({ databaseUrl: config.databaseUrl, temporalDbFile: config.temporalDbFile, out, storage: config.storage });
    const size = (f: string) => `${(m.files[f].bytes / 1024).toFixed(0)} KiB`;
    console.log(`backup of ${m.database} and ${m.temporalDbFile} in ${out} (${((Date.now() - started) / 1000).toFixed(1)} s): ` +
      `whistle.pgdump ${size('whistle.pgdump')}, temporal.db ${size('temporal.db')}` +
      (m.photos ? `, photos ${m.photos.objects} objects ${(m.photos.bytes / 1024).toFixed(0)} KiB from ${m.photos.storage}` : ''));
    return 0;
  } catch (err) {
    if (err instanceof BackupError) { console.error(`backup refused: ${err.message}`); return 1; }
    throw err;
  }
}

main().then((code) => process.exit(code), (err) => { console.error(err); process.exit(1); });
