/**
 * What the operators' commands that work on the database share: the configuration read from the
 * environment, the database of DATABASE_URL brought up to date first (migrations), and its pool
 * closed after the work, whatever the work did.
 */
import type { Pool } from 'pg';
import { readConfig, type Config } from '../lib/config';
import { createPool, migrate } from '../lib/db';

export async function withDatabase<T>(work: (pool: Pool, config: Config) => Promise<T>): Promise<T> {
  const config = readConfig();
  await migrate(config.databaseUrl);
  const pool = createPool(config.databaseUrl, 2);
  try {
    return await work(pool, config);
  } finally {
    await pool.end();
  }
}
