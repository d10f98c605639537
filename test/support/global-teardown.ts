/** Stops the test run's Temporal dev server and drops its throwaway database. */
import fs from 'node:fs';
import { Client } from 'pg';
import type { DevServer } from '../../lib/temporal-dev-server';

export default async function globalTeardown(): Promise<void> {
  const server = (globalThis as Record<string, unknown>).__whistleTemporal as DevServer | undefined;
  await server?.stop();
  const databaseUrl = process.env.WHISTLE_TEST_DATABASE_URL;
  if (databaseUrl) {
    const url = new URL(databaseUrl);
    const name = url.pathname.slice(1);
    url.pathname = '/postgres';
    const admin = new Client({ connectionString: url.toString() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '')}" WITH (FORCE)`);
    await admin.end();
  }
  const dir = process.env.WHISTLE_TEST_DIR;
  if (dir && !process.env.WHISTLE_KEEP_TEST_DIR) fs.rmSync(dir, { recursive: true, force: true });
}
