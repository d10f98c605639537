/**
 * PostgreSQL: the pool, creating the database when it is missing, and migrations
 * (node-pg-migrate over the SQL files in migrations/).
 */
import path from 'node:path';
import { Client, Pool, escapeIdentifier } from 'pg';
import { runner } from 'node-pg-migrate';
import type { Logger } from 'pino';

export const MIGRATIONS_DIR = path.join(__dirname, '..', 'migrations');

export function createPool(databaseUrl: string, max = 10): Pool {
  const pool = new Pool({ connectionString: databaseUrl, max, connectionTimeoutMillis: 5000 });
  // A client losing its connection (PostgreSQL restarted), idle or between two statements, must
  // not crash the process: the query in flight fails and the caller retries.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/** Creates the database named in the URL when it does not exist yet. */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres';
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString(), connectionTimeoutMillis: 5000 });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      try {
        await admin.query(`CREATE DATABASE ${escapeIdentifier(name)}`);
      } catch (err) {
        // Another process created it at the same moment.
        if ((err as { code?: string }).code !== '42P04') throw err;
      }
    }
  } finally {
    await admin.end();
  }
}

/** Brings the schema up to date; safe to run from several processes at once (advisory lock). */
export async function migrate(databaseUrl: string, logger?: Logger): Promise<void> {
  await ensureDatabase(databaseUrl);
  await runner({
    databaseUrl,
    dir: MIGRATIONS_DIR,
    direction: 'up',
    migrationsTable: 'pgmigrations',
    count: Infinity,
    checkOrder: true,
    verbose: false,
    log: (msg: string) => logger?.debug({ migration: msg }, 'migration'),
  });
}
