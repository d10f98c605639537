/**
 * Backfills: the work a migration leaves for after its own transaction — the data it derives from
 * rows already on record (the receipts of 006, the queues of 010, the places of 011), filled in
 * batches, each batch its own short transaction, and the indexes it adds to a large table (010, 011,
 * 014), built `CONCURRENTLY` — instead of one statement inside the migration's transaction.
 *
 * A migration that needs one enqueues it (`INSERT INTO schema_backfills (name) VALUES (…)`); the
 * work itself is defined here, by name, against the schema as that migration leaves it.
 * `migrate()` (lib/db.ts) runs it right after that migration, on its own connection, under its
 * advisory lock. Each batch advances a keyset cursor over `whistles` (`after_id`: an id, or
 * `<filed_at>|<id>`) and writes it in the same transaction as its rows, so a process killed half-way
 * leaves a consistent cursor and the next `migrate()` goes on from it. At 10 million whistles one
 * statement held its transaction open for the whole table (locks, WAL that cannot be recycled,
 * nothing kept when it died); a batch commits in about half a second (BACKFILL_BATCH;
 * docs/PERFORMANCE.md, section 3).
 *
 * An index built inside a migration holds a SHARE lock on its table for the whole build: lists and
 * views go on, but every projection waits (010's four indexes took 26.7 s at 4 million whistles,
 * 014's one 16.4 s). Built `CONCURRENTLY` the table stays writable; a build that dies half-way
 * leaves an INVALID index, which the next `migrate()` drops and builds again.
 *
 * A batch must be safe beside the running system: the projection keeps writing while an old
 * version's processes still run, so a batch never overwrites what a projection wrote.
 */
import type { ClientBase } from 'pg';
import { escapeIdentifier } from 'pg';
import type { Logger } from 'pino';

interface BatchedBackfill {
  name: string;
  /** The migration that enqueues it; migrate() runs the backfill right after it. */
  migration: string;
  /**
   * One statement over the whistles after the cursor `$1` ('' at the start) in the backfill's
   * order, at most `$2` of them; answers `last` (the cursor after this batch, null when none is
   * left) and `rows`. An UPDATE names its rows as `id = ANY (array of the batch's ids)`, a primary-key lookup each: joined to the batch's ids
   * the planner chose a sequential scan of the whole table for every batch, and given the id range
   * a scan of the status index with the range as a filter (EXPLAIN at 50,000 whistles) — either
   * made the backfill quadratic in the table's size.
   */
  batchSql: string;
}

interface IndexBuild {
  /** The index's name, which is also its name in the queue. */
  name: string;
  migration: string;
  /** What follows `CREATE INDEX CONCURRENTLY <name>`: `ON table USING … (…) [WHERE …]`. */
  index: string;
}

export type Backfill = BatchedBackfill | IndexBuild;

export const BACKFILLS: Backfill[] = [
  {
    // 006: the receipts (验单) of every whistle already on record. The trigger writes the receipts
    // of anything projected meanwhile; a receipt it wrote is newer than this batch's and is kept.
    // In filing order (cursor `<filed_at>|<id>`), so the receipts lie in the table by time as the
    // trigger writes them, and a quarter's assessment reads that quarter's pages only: written in
    // id order (random), a quarter's 88,000 receipts at 1M whistles were spread over half the
    // table's pages (19,393 read, 282 ms in EXPLAIN).
    name: 'whistle_receipts',
    migration: '006_whistle_receipts',
    batchSql: `
      WITH batch AS MATERIALIZED (
             SELECT id, filed_at FROM whistles
              WHERE (filed_at, id) > (coalesce(nullif(split_part($1, '|', 1), ''), '-infinity')::timestamptz, split_part($1, '|', 2))
              ORDER BY filed_at, id LIMIT $2),
           added AS (
             INSERT INTO whistle_receipts
             SELECT f.* FROM batch w CROSS JOIN LATERAL whistle_receipt_facts(w.id) f
             ON CONFLICT (whistle_id, seq, unit_id) DO NOTHING
             RETURNING 1)
      SELECT (SELECT filed_at::text || '|' || id FROM batch ORDER BY filed_at DESC, id DESC LIMIT 1) AS last,
             (SELECT count(*) FROM added)::int AS rows`,
  },
  {
    // 010: whistles filed before the center's tools wait for their holder (the only party their
    // rules know). A row the newer projection already wrote has its own waiting list and is left
    // alone. (The backfill's and the migration's names are recorded in the database: they stay.)
    name: 'whistle_waiting_first_round',
    migration: '010_whistle_second_round',
    batchSql: `
      WITH batch AS (SELECT ARRAY(SELECT id FROM whistles WHERE id > $1 ORDER BY id LIMIT $2) AS ids),
           changed AS (
             UPDATE whistles w SET waiting_org_ids = ARRAY[w.holder]
              WHERE w.id = ANY ((SELECT ids FROM batch)::text[])
                AND w.holder IS NOT NULL AND w.waiting_org_ids = '{}'
                AND w.status IN ('filed', 'street_handling', 'escalated', 'dispatched', 'department_handling', 'resolved')
             RETURNING 1)
      SELECT (SELECT ids[cardinality(ids)] FROM batch) AS last, (SELECT count(*) FROM changed)::int AS rows`,
  },
  // 010's indexes, built after its backfill (the GIN then reads each queue once, already filled).
  // 工作台 (GET /v1/whistles?holder=me): the organisations a whistle waits for.
  { name: 'whistles_waiting_idx', migration: '010_whistle_second_round', index: 'ON whistles USING gin (waiting_org_ids)' },
  // Supervisors' board (督办): overdue and due-soon whistles, newest first.
  { name: 'whistles_overdue_idx', migration: '010_whistle_second_round', index: 'ON whistles (filed_at DESC, id DESC) WHERE overdue' },
  { name: 'whistles_due_soon_idx', migration: '010_whistle_second_round', index: 'ON whistles (filed_at DESC, id DESC) WHERE due_soon' },
  { name: 'whistles_category_idx', migration: '010_whistle_second_round', index: 'ON whistles (category, filed_at DESC, id DESC)' },
  {
    // 011: the place (小区, lat/lng) of every whistle already on record, for finding possible
    // duplicates (重复件). The trigger `whistles_place_columns` derives it from the view whenever
    // the view is written, so a batch writes each view with a location onto itself: one definition
    // of the place, and a row a projection changed meanwhile gets its place from its newest view
    // (PostgreSQL re-reads a row updated concurrently before updating it). Rows without a
    // location keep their NULLs.
    name: 'whistle_places',
    migration: '011_whistle_places',
    batchSql: `
      WITH batch AS (SELECT ARRAY(SELECT id FROM whistles WHERE id > $1 ORDER BY id LIMIT $2) AS ids),
           changed AS (
             UPDATE whistles w SET view = w.view
              WHERE w.id = ANY ((SELECT ids FROM batch)::text[]) AND w.view ? 'location'
             RETURNING 1)
      SELECT (SELECT ids[cardinality(ids)] FROM batch) AS last, (SELECT count(*) FROM changed)::int AS rows`,
  },
  // 011's indexes for finding possible duplicates (重复件), built after its backfill has placed the
  // whistles on record. Only open whistles are candidates, so only they are indexed: closed
  // history never enters these indexes, and their size follows the whistles in hand, not the
  // years on record. The status list is written exactly as lib/stores/duplicates.ts writes it,
  // so the planner proves the predicate.
  {
    name: 'whistles_open_place_idx',
    migration: '011_whistle_places',
    index: `ON whistles USING gist (street_id, category, whistle_place(lat, lng), filed_at)
      WHERE status IN ('filed', 'street_handling', 'escalated', 'dispatched', 'department_handling')
        AND lat IS NOT NULL AND lng IS NOT NULL`,
  },
  {
    name: 'whistles_open_compound_idx',
    migration: '011_whistle_places',
    index: `ON whistles (compound_id, category, filed_at)
      WHERE status IN ('filed', 'street_handling', 'escalated', 'dispatched', 'department_handling')
        AND compound_id IS NOT NULL`,
  },
  // 014: the whistles that still hold a name, what the retention sweep looks at (small: at most
  // the whistles of the retention period), never the whole table.
  { name: 'whistles_reporter_kept_idx', migration: '014_reporter_retention', index: 'ON whistles (id) WHERE reporter_name IS NOT NULL' },
  // 018: the whistles others were merged into, by the organisations of those merged in (they may
  // view the original: the list's condition beside canSee, workflows/visibility.ts). The predicate is
  // written exactly as that condition writes it, so the planner proves it.
  {
    name: 'whistles_merged_viewers_idx',
    migration: '018_whistle_list_visibility_indexes',
    index: "ON whistles USING gin ((rules -> 'merged') jsonb_path_ops) WHERE rules -> 'merged' <> '[]'::jsonb",
  },
  // 018 too: a compound's and a grid's accounts see the whistles of their place (the same condition);
  // filed at a compound or a grid, in filing order, like the community's and the filer's indexes.
  {
    name: 'whistles_compound_list_idx',
    migration: '018_whistle_list_visibility_indexes',
    index: 'ON whistles (compound_id, filed_at DESC, id DESC) WHERE compound_id IS NOT NULL',
  },
  {
    name: 'whistles_grid_list_idx',
    migration: '018_whistle_list_visibility_indexes',
    index: "ON whistles ((view -> 'location' ->> 'grid'), filed_at DESC, id DESC) WHERE (view -> 'location' ->> 'grid') IS NOT NULL",
  },
  // 030: 高频诉求 — every column the recurring query reads, for the whistles that are not merged, in filing order.
  {
    name: 'whistles_recurring_idx',
    migration: '030_recurring_index',
    index: `ON whistles (filed_at) INCLUDE (category, community_id, street_id, compound_id, reports, id) WHERE status <> 'merged'`,
  },
  {
    // 040: 回访 due (GET /v1/whistles?callbackDue=true): the windows still without a callback.
    name: 'whistles_callback_due_idx',
    migration: '040_whistle_callbacks',
    index: 'ON whistles (callback_due_until) WHERE callback_due_until IS NOT NULL AND callback_at IS NULL',
  },
];

/**
 * A batch holds the row locks of its whistles until it commits, and a projection writing one of
 * them waits that long: batches are sized to take about half a second. The first is 1,000
 * whistles; each next one is scaled by how long the last took, between 100 and 10,000 (at 1M
 * whistles a fixed 10,000 took 0.9 s for the receipts, 3 s for the places, and a projection's write
 * waited up to 2 s behind one).
 */
export const BACKFILL_BATCH = { first: 1_000, min: 100, max: 10_000, targetMs: 500 };

/** The next batch's size after one of `size` whistles took `ms`: toward the target, at most doubling. */
export function nextBatchSize(size: number, ms: number): number {
  const scaled = Math.round(size * BACKFILL_BATCH.targetMs / Math.max(ms, 1));
  return Math.max(BACKFILL_BATCH.min, Math.min(BACKFILL_BATCH.max, 2 * size, scaled));
}

interface Pending { name: string; after_id: string; rows: string }

/**
 * Runs every pending backfill to its end, batch by batch; returns how many steps ran (a batch, or
 * an index build). `batch` fixes the batch size (the tests); `maxBatches` stops early (the test of
 * a backfill interrupted half-way).
 */
export async function runBackfills(client: ClientBase, options: {
  logger?: Logger; batch?: number; maxBatches?: number;
} = {}): Promise<number> {
  const known = new Map(BACKFILLS.map((b) => [b.name, b]));
  // A database that ran 006 and 010 before they enqueued their backfills has no queue, and nothing pending.
  const { rows: [queue] } = await client.query<{ found: boolean }>("SELECT to_regclass('schema_backfills') IS NOT NULL AS found");
  if (!queue.found) return 0;
  const { rows: pending } = await client.query<Pending>(
    'SELECT name, after_id, rows::text AS rows FROM schema_backfills WHERE done_at IS NULL');
  // In the order of the migrations that enqueued them (BACKFILLS is in that order; several
  // enqueued by one migrate() run carry the same enqueued_at). An unknown one comes last and fails.
  const rank = (name: string) => (known.has(name) ? BACKFILLS.indexOf(known.get(name)!) : BACKFILLS.length);
  pending.sort((a, b) => rank(a.name) - rank(b.name));
  let batches = 0;
  for (const p of pending) {
    const backfill = known.get(p.name);
    if (!backfill) throw new Error(`backfill ${p.name} is pending but this version does not know it`);
    if ('index' in backfill) {
      if (options.maxBatches !== undefined && batches >= options.maxBatches) return batches;
      await buildIndex(client, backfill, options.logger);
      batches += 1;
      continue;
    }
    let size = options.batch ?? BACKFILL_BATCH.first;
    let afterId = p.after_id;
    let rows = Number(p.rows);
    const started = Date.now();
    let lastLog = started;
    options.logger?.info({ backfill: p.name, from: afterId || null }, 'backfill started');
    for (;;) {
      if (options.maxBatches !== undefined && batches >= options.maxBatches) return batches;
      const batchStarted = Date.now();
      await client.query('BEGIN');
      try {
        const { rows: [step] } = await client.query<{ last: string | null; rows: number }>(backfill.batchSql, [afterId, size]);
        if (step.last === null) {
          await markDone(client, p.name);
        } else {
          rows += step.rows;
          await client.query('UPDATE schema_backfills SET after_id = $2, rows = rows + $3, updated_at = now() WHERE name = $1',
            [p.name, step.last, step.rows]);
        }
        await client.query('COMMIT');
        batches += 1;
        if (options.batch === undefined) size = nextBatchSize(size, Date.now() - batchStarted);
        if (step.last === null) break;
        afterId = step.last;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
      if (Date.now() - lastLog > 10_000) {
        lastLog = Date.now();
        options.logger?.info({ backfill: p.name, afterId, rows, batch: size }, 'backfill in progress');
      }
    }
    options.logger?.info({ backfill: p.name, rows, seconds: (Date.now() - started) / 1000 }, 'backfill done');
  }
  return batches;
}

async function markDone(client: ClientBase, name: string): Promise<void> {
  await client.query('UPDATE schema_backfills SET done_at = now(), updated_at = now() WHERE name = $1', [name]);
}

/**
 * Builds an index without locking its table against writes (`CREATE INDEX CONCURRENTLY`, which
 * cannot run inside a transaction: the client must be outside one). An index of that name left
 * INVALID by a build that died half-way is dropped first; a valid one is taken as built (the
 * process died after the build, before marking it done).
 */
async function buildIndex(client: ClientBase, build: IndexBuild, logger?: Logger): Promise<void> {
  const started = Date.now();
  const name = escapeIdentifier(build.name);
  const { rows: [found] } = await client.query<{ valid: boolean }>(
    'SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = to_regclass($1)', [build.name]);
  if (found && !found.valid) {
    logger?.warn({ backfill: build.name }, 'index left invalid by an interrupted build: dropped, built again');
    await client.query(`DROP INDEX CONCURRENTLY ${name}`);
  }
  if (!found?.valid) {
    logger?.info({ backfill: build.name }, 'backfill started');
    await client.query(`CREATE INDEX CONCURRENTLY ${name} ${build.index}`);
  }
  await markDone(client, build.name);
  logger?.info({ backfill: build.name, rows: 0, seconds: (Date.now() - started) / 1000 }, 'backfill done');
}
