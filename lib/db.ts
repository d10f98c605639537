/**
 * PostgreSQL: the pool, transactions, creating the database when it is missing, and migrations
 * (node-pg-migrate over the SQL files in migrations/).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client, Pool, escapeIdentifier, type ClientBase, type PoolClient } from 'pg';
import { runner } from 'node-pg-migrate';
import type { Logger } from 'pino';
import { BACKFILLS, runBackfills } from './backfills';

export const MIGRATIONS_DIR = path.join(__dirname, '..', 'migrations');

export function createPool(databaseUrl: string, max = 10): Pool {
  const pool = new Pool({ connectionString: databaseUrl, max, connectionTimeoutMillis: 5000 });
  // A client losing its connection (PostgreSQL restarted), idle or between two statements, must
  // not crash the process: the query in flight fails and the caller retries.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/** What a store runs its statements on: the pool, or a transaction's client. */
export type Db = Pool | PoolClient;

/**
 * Runs `work` in one transaction: COMMIT when it returns, ROLLBACK when it throws (the error
 * goes on). Given the pool, on a client of its own, released afterwards; given a client (the
 * migration's connection), on that client.
 */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T>;
export async function inTransaction<T>(client: ClientBase, work: (client: ClientBase) => Promise<T>): Promise<T>;
export async function inTransaction<T>(db: Pool | ClientBase, work: (client: never) => Promise<T>): Promise<T> {
  const client = db instanceof Pool ? await db.connect() : db;
  try {
    await client.query('BEGIN');
    const result = await work(client as never);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    if (db instanceof Pool) (client as PoolClient).release();
  }
}

/** PostgreSQL answers (readiness). */
export async function ping(db: Db): Promise<void> {
  await db.query('SELECT 1');
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
 * Waits for the migration lock by trying it every quarter second. A process blocked inside
 * `pg_advisory_lock` holds a snapshot the whole time it waits, and `CREATE INDEX CONCURRENTLY`
 * (lib/backfills.ts), run by the process that has the lock, waits for every older snapshot to end:
 * each would wait for the other (PostgreSQL's deadlock detector then cancels one of them).
 */
async function takeMigrationLock(client: Client): Promise<void> {
  for (;;) {
    const { rows: [lock] } = await client.query<{ taken: boolean }>('SELECT pg_try_advisory_lock($1) AS taken', [MIGRATION_LOCK]);
    if (lock.taken) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Names of the migrations in migrations/ that this database has not applied yet, in order. */
export async function pendingMigrations(client: Client): Promise<string[]> {
  const files = fs.readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).map((f) => f.slice(0, -4)).sort();
  const { rows: [table] } = await client.query<{ found: boolean }>("SELECT to_regclass('pgmigrations') IS NOT NULL AS found");
  if (!table.found) return files;
  const { rows } = await client.query<{ name: string }>('SELECT name FROM pgmigrations');
  const applied = new Set(rows.map((r) => r.name));
  return files.filter((f) => !applied.has(f));
}

/**
 * Brings the schema up to date; safe to run from several processes at once. node-pg-migrate's own
 * lock is `pg_try_advisory_lock` and fails the second process ("Another migration is already
 * running"): two API replicas started together would lose one. Here every process waits for a
 * session lock of its own (takeMigrationLock), then runs the migrations on that same connection,
 * so the second one finds nothing left to do.
 *
 * A migration that enqueues a backfill (lib/backfills.ts) is followed by that backfill, in
 * batches on the same connection under the same lock, before the next migration runs: the
 * backfill meets the schema it was written for, and later migrations find the data in place. A
 * backfill left pending by a process that died is finished first. `count` applies only the first
 * pending migrations and `backfills: false` leaves the backfills pending (the tests and the bench
 * of an upgrade from an older schema).
 */
export async function migrate(databaseUrl: string, logger?: Logger,
  options: { count?: number; backfills?: boolean } = {}): Promise<void> {
  await ensureDatabase(databaseUrl);
  const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await takeMigrationLock(client);
    const backfills = options.backfills !== false;
    if (backfills) await runBackfills(client, { logger });
    const pending = await pendingMigrations(client);
    const limit = Math.min(options.count ?? Infinity, pending.length);
    let applied = 0;
    while (applied < limit) {
      // Up to and including the next migration that enqueues a backfill, then that backfill.
      const rest = pending.slice(applied, limit);
      const stop = backfills ? rest.findIndex((name) => BACKFILLS.some((b) => b.migration === name)) : -1;
      const count = stop === -1 ? rest.length : stop + 1;
      await runner({
        dbClient: client,
        noLock: true,
        dir: MIGRATIONS_DIR,
        direction: 'up',
        migrationsTable: 'pgmigrations',
        count,
        checkOrder: true,
        verbose: false,
        log: (msg: string) => logger?.debug({ migration: msg }, 'migration'),
      });
      applied += count;
      if (backfills) await runBackfills(client, { logger });
    }
  } finally {
    // Ending the session releases the lock, also when a migration failed half-way.
    await client.end();
  }
}
