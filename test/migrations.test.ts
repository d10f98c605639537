/**
 * Migrations from several processes at once: API replicas and workers all migrate at start
 * (`npm run cluster` starts two APIs together). node-pg-migrate's own lock is a try-lock that
 * failed the second one with "Another migration is already running"; lib/db.ts waits instead.
 */
import { Client as PgClient } from 'pg';
import { migrate } from '../lib/db';
import { BACKFILL_BATCH, BACKFILLS, nextBatchSize, runBackfills } from '../lib/backfills';

/** The indexes that migrations leave to be built CONCURRENTLY after them (lib/backfills.ts). */
const INDEX_BUILDS = BACKFILLS.filter((b) => 'index' in b).map((b) => b.name);
const DATA_BACKFILLS = BACKFILLS.filter((b) => !('index' in b)).map((b) => b.name);

/** Every index that a migration leaves to be built afterwards exists and is valid. */
async function expectIndexesBuilt(db: PgClient): Promise<void> {
  const { rows } = await db.query<{ name: string; valid: boolean }>(
    `SELECT c.relname AS name, i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE c.relname = ANY ($1) ORDER BY c.relname`, [INDEX_BUILDS]);
  expect(rows).toEqual([...INDEX_BUILDS].sort().map((name) => ({ name, valid: true })));
}

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
      // The indexes built CONCURRENTLY after their migrations too (the waiting processes poll the
      // lock: one blocked in pg_advisory_lock would hold a snapshot the build waits for).
      await expectIndexesBuilt(db);
      expect((await db.query('SELECT count(*)::int AS n FROM schema_backfills WHERE done_at IS NULL')).rows[0].n).toBe(0);
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

test('backfill batches are sized toward half a second each: scaled by the last one, at most doubling, within bounds', () => {
  expect(BACKFILL_BATCH.targetMs).toBe(500);
  // 1,000 whistles in 1.5 s (the places at 1M): a third as many next.
  expect(nextBatchSize(1_000, 1_500)).toBe(333);
  // Twice as fast as the target: doubled; ten times as fast: still only doubled.
  expect(nextBatchSize(1_000, 250)).toBe(2_000);
  expect(nextBatchSize(1_000, 50)).toBe(2_000);
  expect(nextBatchSize(1_000, 0)).toBe(2_000);
  // Never above the largest, never below the smallest.
  expect(nextBatchSize(8_000, 100)).toBe(BACKFILL_BATCH.max);
  expect(nextBatchSize(200, 60_000)).toBe(BACKFILL_BATCH.min);
});

/**
 * The place the view of a whistle on the schema of 001–005 gives: every other one has a location (every fourth with a
 * compound), one of them with a latitude that is no number.
 */
function earlySchemaView(i: number): object {
  if (i % 2 === 1) return {};
  return { location: { lat: i === 8 ? 'north' : 25.96 + i / 1000, lng: 119.52, ...(i % 4 === 0 ? { compoundId: `c${i}` } : {}) } };
}

/** 30 whistles on the schema of 001–005: every third escalated and dispatched to two departments, every fifth closed. */
async function earlySchemaDatabase(url: URL): Promise<PgClient> {
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
       VALUES ($1, 3, $2, 'roads', 'xiguan', 'xiguan', 'wuhang', $3, now() - interval '1 day', $4)`, [id, status, holder, JSON.stringify(earlySchemaView(i))]);
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

/** The receipts and queues are exactly what the rows of the schema of 001–005 imply. */
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
  await expectPlaces(db);
}

/** Every whistle's place columns are what its view gives (NULL where it gives none). */
async function expectPlaces(db: PgClient): Promise<void> {
  const { rows } = await db.query('SELECT id, compound_id, lat, lng FROM whistles ORDER BY id');
  expect(rows).toHaveLength(30);
  for (const [i, r] of rows.entries()) {
    const at = i % 2 === 0 ? (earlySchemaView(i) as { location: { lat: unknown; lng: number; compoundId?: string } }).location : null;
    expect([r.id, r.compound_id, r.lat, r.lng]).toEqual([
      r.id, at?.compoundId ?? null, typeof at?.lat === 'number' ? at.lat : null, at ? at.lng : null]);
  }
  expect(rows.filter((r) => r.lat !== null)).toHaveLength(14);
  expect(rows.filter((r) => r.compound_id !== null)).toHaveLength(8);
}

/**
 * Backfills (lib/backfills.ts): a database on the schema of migrations 001–005 with
 * whistles on record is brought up to date; the receipts of 006 and the queues of 010 are filled
 * in batches, each its own transaction, and a process that stopped half-way leaves a cursor the
 * next migrate() goes on from.
 */
describe('backfills of an upgrade from the schema of migrations 001–005', () => {
  const names: string[] = [];
  const dbs: PgClient[] = [];
  const database = async () => {
    const name = `whistle_backfill_${process.pid}_${Date.now().toString(36)}_${names.length}`;
    names.push(name);
    const url = new URL(BASE);
    url.pathname = `/${name}`;
    const db = await earlySchemaDatabase(url);
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

  test('each backfill and index build runs right after the migration that enqueued it, before the next one', async () => {
    const { url, db } = await database();
    await migrate(url.toString());
    const { rows } = await db.query(`
      SELECT b.name, b.done_at, (SELECT min(n.run_on) FROM pgmigrations n WHERE n.id > m.id) AS next_migration_at,
             m.id = (SELECT max(id) FROM pgmigrations) AS newest
        FROM schema_backfills b JOIN pgmigrations m ON m.name = $1::jsonb ->> b.name ORDER BY b.name`,
    [JSON.stringify(Object.fromEntries(BACKFILLS.map((b) => [b.name, b.migration])))]);
    expect(rows.map((r) => r.name)).toEqual(BACKFILLS.map((b) => b.name).sort());
    for (const r of rows) {
      if (r.newest) continue; // the newest migration's backfill: no migration runs after it
      expect(r.next_migration_at).not.toBeNull();
      expect(r.done_at.getTime()).toBeLessThanOrEqual(r.next_migration_at.getTime());
    }
    await expectBackfilled(db);
    await expectIndexesBuilt(db);
  }, 120_000);

  test('migrations leave the backfills pending; batches stopped half-way keep their cursor; the next migrate() finishes them', async () => {
    const { url, db } = await database();
    await migrate(url.toString(), undefined, { backfills: false });
    const queue = await db.query('SELECT name, after_id, done_at FROM schema_backfills ORDER BY name');
    expect(queue.rows.map((r) => [r.name, r.after_id, r.done_at])).toEqual(
      [...DATA_BACKFILLS, ...INDEX_BUILDS].sort().map((name) => [name, '', null]));
    expect([...DATA_BACKFILLS].sort()).toEqual(['whistle_places', 'whistle_receipts', 'whistle_waiting_first_round']);
    // The migrations built none of the indexes themselves.
    expect((await db.query('SELECT count(*)::int AS n FROM pg_class WHERE relname = ANY ($1)', [INDEX_BUILDS])).rows[0].n).toBe(0);
    expect((await db.query('SELECT count(*)::int AS n FROM whistles WHERE lat IS NOT NULL OR compound_id IS NOT NULL')).rows[0].n).toBe(0);
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
    await expectIndexesBuilt(db);
    // A later start has nothing left to do.
    expect(await runBackfills(db)).toBe(0);
  }, 120_000);

  test('an index build killed half-way leaves an INVALID index; the next migrate() drops it and builds it again, with writes going on meanwhile', async () => {
    const { url, db } = await database();
    await migrate(url.toString(), undefined, { backfills: false });
    // Every step before the GIN over the queues (the receipts and the queues' data), one at a time.
    const pendingNames = async () =>
      (await db.query('SELECT name FROM schema_backfills WHERE done_at IS NULL')).rows.map((r) => r.name as string);
    while ((await pendingNames()).some((name) => name === 'whistle_receipts' || name === 'whistle_waiting_first_round')) {
      expect(await runBackfills(db, { maxBatches: 1 })).toBe(1);
    }
    expect(await pendingNames()).toContain('whistles_waiting_idx');

    // A transaction that holds a snapshot makes the build wait after it has entered the index in
    // the catalogue (CONCURRENTLY waits for older snapshots); meanwhile the table takes writes.
    const holder = new PgClient({ connectionString: url.toString() });
    await holder.connect();
    const builder = new PgClient({ connectionString: url.toString() });
    await builder.connect();
    builder.on('error', () => undefined);
    try {
      await holder.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      await holder.query('SELECT count(*) FROM whistles');
      const builderPid = (await builder.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      const building = runBackfills(builder, { maxBatches: 1 }).then(() => 'built', (err) => String(err));
      for (let tries = 0; ; tries++) {
        const { rows } = await db.query("SELECT 1 FROM pg_class WHERE relname = 'whistles_waiting_idx'");
        if (rows.length > 0) break;
        if (tries > 200) throw new Error('the index build never started');
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      // A projection's write is not held up by the build.
      await db.query("SET statement_timeout = '5s'");
      await db.query("UPDATE whistles SET waiting_org_ids = ARRAY['center'] WHERE id = 'w001'");
      await db.query('RESET statement_timeout');
      // The process dies.
      await db.query('SELECT pg_terminate_backend($1)', [builderPid]);
      expect(await building).toMatch(/terminat/);
      await holder.query('COMMIT');
    } finally {
      await holder.end();
      await builder.end().catch(() => undefined);
    }
    const invalid = await db.query("SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = 'whistles_waiting_idx'::regclass");
    expect(invalid.rows).toEqual([{ valid: false }]);
    expect((await db.query("SELECT done_at FROM schema_backfills WHERE name = 'whistles_waiting_idx'")).rows[0].done_at).toBeNull();

    await migrate(url.toString());
    await expectIndexesBuilt(db);
    expect((await db.query('SELECT count(*)::int AS n FROM schema_backfills WHERE done_at IS NULL')).rows[0].n).toBe(0);
    // The index rebuilt holds the write made while the first build ran.
    await db.query('SET enable_seqscan = off');
    const found = await db.query("SELECT id FROM whistles WHERE waiting_org_ids @> ARRAY['center']");
    await db.query('RESET enable_seqscan');
    expect(found.rows).toEqual([{ id: 'w001' }]);
  }, 120_000);

  test('a database that ran 011 when it added generated columns gets plain columns and the trigger from 017, values kept', async () => {
    const { url, db } = await database();
    await migrate(url.toString(), undefined, { count: 5 });
    // What 011 did to the whistles until 2026-12: STORED generated columns (its place function
    // and indexes, which 017 does not touch, made the same way as today's).
    await db.query(`
      CREATE EXTENSION IF NOT EXISTS cube;
      ALTER TABLE whistles
        ADD COLUMN compound_id text GENERATED ALWAYS AS (view -> 'location' ->> 'compoundId') STORED,
        ADD COLUMN lat double precision GENERATED ALWAYS AS (
          CASE WHEN jsonb_typeof(view -> 'location' -> 'lat') = 'number' THEN (view -> 'location' ->> 'lat')::double precision END) STORED,
        ADD COLUMN lng double precision GENERATED ALWAYS AS (
          CASE WHEN jsonb_typeof(view -> 'location' -> 'lng') = 'number' THEN (view -> 'location' ->> 'lng')::double precision END) STORED;
      CREATE FUNCTION whistle_place(lat double precision, lng double precision) RETURNS cube
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      RETURN cube(ARRAY[6371008.8 * cos(radians(lat)) * cos(radians(lng)),
                        6371008.8 * cos(radians(lat)) * sin(radians(lng)),
                        6371008.8 * sin(radians(lat))]);
      INSERT INTO pgmigrations (name, run_on) VALUES ('011_whistle_places', now());`);
    await expectPlaces(db);

    await migrate(url.toString());
    const generated = await db.query(`SELECT attname, attgenerated FROM pg_attribute
      WHERE attrelid = 'whistles'::regclass AND attname IN ('compound_id', 'lat', 'lng') ORDER BY attname`);
    expect(generated.rows).toEqual([
      { attname: 'compound_id', attgenerated: '' }, { attname: 'lat', attgenerated: '' }, { attname: 'lng', attgenerated: '' }]);
    await expectBackfilled(db);
    // The trigger keeps them from now on: a new location, and a location taken away.
    await db.query(`UPDATE whistles SET view = '{"location": {"lat": 26.5, "lng": 119.25, "compoundId": "moved"}}' WHERE id = 'w001'`);
    await db.query(`UPDATE whistles SET view = '{}' WHERE id = 'w002'`);
    const moved = await db.query("SELECT id, compound_id, lat, lng FROM whistles WHERE id IN ('w001', 'w002') ORDER BY id");
    expect(moved.rows).toEqual([
      { id: 'w001', compound_id: 'moved', lat: 26.5, lng: 119.25 }, { id: 'w002', compound_id: null, lat: null, lng: null }]);
  }, 120_000);
});
