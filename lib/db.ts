/**
 * PostgreSQL: the pool, creating the database when it is missing, and migrations
 * (node-pg-migrate over the SQL files in migrations/).
 */
import path from 'node:path';
import { Client, Pool, escapeIdentifier } from 'pg';
import { runner } from 'node-pg-migrate';
import type { Logger } from 'pino';
import { runBackfills } from './backfills';

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
        // Another process created it at the same moment: 42P04 when it had committed, 23505 (the
        // catalogue's unique index) when both were creating it together.
        const code = (err as { code?: string }).code;
        if (code !== '42P04' && code !== '23505') throw err;
      }
    }
  } finally {
    await admin.end();
  }
}

/** The advisory lock that serialises migrations (any constant; node-pg-migrate's own is a try-lock). */
const MIGRATION_LOCK = 7_305_126_945_012;

/**
 * Brings the schema up to date; safe to run from several processes at once. node-pg-migrate's own
 * lock is `pg_try_advisory_lock` and fails the second process ("Another migration is already
 * running"): two API replicas started together would lose one. Here every process waits for a
 * session lock of its own, then runs the migrations on that same connection, so the second one
 * finds nothing left to do. Then the pending backfills, on the same connection under the same lock.
 * `count` applies only the first pending migrations and `backfills: false` leaves the backfills
 * pending (the tests and the bench of an upgrade from an older schema).
 */
export async function migrate(databaseUrl: string, logger?: Logger,
  options: { count?: number; backfills?: boolean } = {}): Promise<void> {
  await ensureDatabase(databaseUrl);
  const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await runner({
      dbClient: client,
      noLock: true,
      dir: MIGRATIONS_DIR,
      direction: 'up',
      migrationsTable: 'pgmigrations',
      count: options.count ?? Infinity,
      checkOrder: true,
      verbose: false,
      log: (msg: string) => logger?.debug({ migration: msg }, 'migration'),
    });
    // The data the migrations derive from rows on record, in short transactions (lib/backfills.ts).
    if (options.backfills !== false) await runBackfills(client, { logger });
  } finally {
    // Ending the session releases the lock, also when a migration failed half-way.
    await client.end();
  }
}
