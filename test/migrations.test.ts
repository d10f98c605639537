/**
 * Migrations from several processes at once: API replicas and workers all migrate at start
 * (`npm run cluster` starts two APIs together). node-pg-migrate's own lock is a try-lock that
 * failed the second one with "Another migration is already running"; lib/db.ts waits instead.
 */
import { Client as PgClient } from 'pg';
import { migrate } from '../lib/db';

const BASE = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

test('four migrations started at once on a new database all succeed, and every migration ran once', async () => {
  const url = new URL(BASE);
  const name = `whistle_migrate_${process.pid}_${Date.now().toString(36)}`;
  url.pathname = `/${name}`;
  const admin = new PgClient({ connectionString: BASE });
  await admin.connect();
  try {
    const results = await Promise.allSettled([1, 2, 3, 4].map(() => migrate(url.toString())));
    expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))).toEqual(['ok', 'ok', 'ok', 'ok']);

    const db = new PgClient({ connectionString: url.toString() });
    await db.connect();
    try {
      const runs = await db.query('SELECT name, count(*)::int AS n FROM pgmigrations GROUP BY name ORDER BY name');
      expect(runs.rows.length).toBeGreaterThanOrEqual(15);
      expect(runs.rows.every((r) => r.n === 1)).toBe(true);
      // A later start finds nothing to do and returns.
      await migrate(url.toString());
      expect((await db.query('SELECT count(*)::int AS n FROM pgmigrations')).rows[0].n).toBe(runs.rows.length);
    } finally {
      await db.end();
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}, 120_000);
