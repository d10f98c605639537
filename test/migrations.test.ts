/**
 * Migrations from several processes at once: API replicas and workers all migrate at start
 * (`npm run cluster` starts two APIs together). node-pg-migrate's own lock is a try-lock that
 * failed the second one with "Another migration is already running"; lib/db.ts waits instead.
 */
import { Client as PgClient } from 'pg';
import { migrate } from '../lib/db';
import { runBackfills } from '../lib/backfills';

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

/** 30 first-round whistles on the schema of 001–005: every third escalated and dispatched to two departments, every fifth closed. */
async function firstRoundDatabase(url: URL): Promise<PgClient> {
  await migrate(url.toString(), undefined, { count: 5 });
  const db = new PgClient({ connectionString: url.toString() });
  await db.connect();
  for (let i = 0; i < 30; i++) {
    const id = `w${String(i).padStart(3, '0')}`;
    const dispatched = i % 3 === 0;
    const closed = i % 5 === 0;
    const status = closed ? 'closed' : dispatched ? 'dispatched' : 'street_handling';
    const holder = closed ? null : dispatched ? 'water' : 'wuhang';
    await db.query(
      `INSERT INTO whistles (id, version, status, category, filer_org_id, community_id, street_id, holder, filed_at, view)
       VALUES ($1, 3, $2, 'roads', 'xiguan', 'xiguan', 'wuhang', $3, now() - interval '1 day', '{}')`, [id, status, holder]);
    const events: Array<[string, string | null, object]> = [['filed', 'wuhang', {}], ['accepted', 'wuhang', { onTime: true }]];
    if (dispatched) events.push(['escalated', 'wuhang', {}], ['triaged', 'center', { list: 'immediate', departmentIds: ['water', 'roads'] }]);
    if (closed) events.push(['resolved', dispatched ? 'water' : 'wuhang', { onTime: true }], ['evaluated', 'wuhang', { rating: 'satisfied' }]);
    for (const [k, [type, unit, data]] of events.entries()) {
      await db.query(
        `INSERT INTO whistle_events (whistle_id, seq, at, type, actor, unit_id, data)
         VALUES ($1, $2::int, now() - interval '1 day' + $2::int * interval '1 minute', $3, 'x', $4, $5)`, [id, k + 1, type, unit, JSON.stringify(data)]);
    }
  }
  return db;
}

/** The receipts and queues are exactly what the first-round rows imply. */
async function expectBackfilled(db: PgClient): Promise<void> {
  // The receipts are exactly what the facts function derives from each whistle's timeline:
  // 30 street receipts and two department receipts for each of the 10 dispatched whistles.
  const diff = await db.query(`
    (SELECT f.* FROM whistles w CROSS JOIN LATERAL whistle_receipt_facts(w.id) f EXCEPT SELECT * FROM whistle_receipts)
    UNION ALL
    (SELECT * FROM whistle_receipts EXCEPT SELECT f.* FROM whistles w CROSS JOIN LATERAL whistle_receipt_facts(w.id) f)`);
  expect(diff.rowCount).toBe(0);
  expect((await db.query('SELECT count(*)::int AS n FROM whistle_receipts')).rows[0].n).toBe(30 + 2 * 10);
  // Open whistles wait for their holder; closed ones for nobody.
  const waiting = await db.query('SELECT id, status, holder, waiting_org_ids FROM whistles ORDER BY id');
  for (const w of waiting.rows) expect(w.waiting_org_ids).toEqual(w.holder ? [w.holder] : []);
  expect(waiting.rows.filter((w) => w.holder).length).toBe(24);
}

/**
 * Backfills (lib/backfills.ts): a database on the first round's schema (migrations 001–005) with
 * whistles on record is brought up to date; the receipts of 006 and the queues of 010 are filled
 * in batches, each its own transaction, and a process that stopped half-way leaves a cursor the
 * next migrate() goes on from.
 */
describe('backfills of an upgrade from the first round', () => {
  const names: string[] = [];
  const dbs: PgClient[] = [];
  const database = async () => {
    const name = `whistle_backfill_${process.pid}_${Date.now().toString(36)}_${names.length}`;
    names.push(name);
    const url = new URL(BASE);
    url.pathname = `/${name}`;
    const db = await firstRoundDatabase(url);
    dbs.push(db);
    return { url, db };
  };

  afterAll(async () => {
    for (const db of dbs) await db.end();
    const admin = new PgClient({ connectionString: BASE });
    await admin.connect();
    for (const name of names) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  });

  test('each backfill runs right after the migration that enqueued it, before the next one', async () => {
    const { url, db } = await database();
    await migrate(url.toString());
    const { rows } = await db.query(`
      SELECT b.name, b.done_at, m.run_on AS next_migration_at
        FROM schema_backfills b
        JOIN pgmigrations m ON m.name = CASE b.name WHEN 'whistle_receipts' THEN '007_audit' ELSE '011_whistle_places' END
       ORDER BY b.name`);
    expect(rows.map((r) => r.name)).toEqual(['whistle_receipts', 'whistle_waiting_first_round']);
    for (const r of rows) expect(r.done_at.getTime()).toBeLessThanOrEqual(r.next_migration_at.getTime());
    await expectBackfilled(db);
  }, 120_000);

  test('migrations leave the backfills pending; batches stopped half-way keep their cursor; the next migrate() finishes them', async () => {
    const { url, db } = await database();
    await migrate(url.toString(), undefined, { backfills: false });
    const queue = await db.query('SELECT name, after_id, done_at FROM schema_backfills ORDER BY name');
    expect(queue.rows.map((r) => [r.name, r.after_id, r.done_at])).toEqual([
      ['whistle_receipts', '', null], ['whistle_waiting_first_round', '', null]]);
    expect((await db.query('SELECT count(*)::int AS n FROM whistle_receipts')).rows[0].n).toBe(0);

    // Two batches of 7 whistles (in filing order, which is id order here), then the process "stops".
    expect(await runBackfills(db, { batch: 7, maxBatches: 2 })).toBe(2);
    const half = await db.query("SELECT after_id, rows::int AS rows, done_at FROM schema_backfills WHERE name = 'whistle_receipts'");
    expect(half.rows[0]).toMatchObject({ after_id: expect.stringMatching(/^\d{4}-\d\d-\d\d \S+\|w013$/), done_at: null });
    const partial = await db.query('SELECT DISTINCT whistle_id FROM whistle_receipts ORDER BY whistle_id');
    expect(partial.rows.map((r) => r.whistle_id)).toEqual(Array.from({ length: 14 }, (_, i) => `w${String(i).padStart(3, '0')}`));
    expect(half.rows[0].rows).toBe((await db.query('SELECT count(*)::int AS n FROM whistle_receipts')).rows[0].n);

    await migrate(url.toString());
    const done = await db.query('SELECT name, done_at FROM schema_backfills ORDER BY name');
    expect(done.rows.every((r) => r.done_at !== null)).toBe(true);
    await expectBackfilled(db);
    // A later start has nothing left to do.
    expect(await runBackfills(db)).toBe(0);
  }, 120_000);
});
