/**
 * The quarterly assessment's one query (lib/stores/assessments.ts) over `whistle_receipts` alone,
 * at the size a read model of `--whistles` whistles has (1.75 receipts a whistle, as the scale
 * bench's data: every whistle a street receipt, 63% a dispatch to one or two departments), spread
 * over `--quarters` quarters ending with the last full one. The rows are written straight into the
 * table (the assessment reads nothing else), in one of two layouts:
 *
 * - `scattered`: each quarter's receipts in random time order (as bench/read-model-data.ts writes
 *   them: a batch of whistles filed at random instants of its quarter);
 * - `time`: in the order of `received_at`, as production writes them (a receipt is inserted by the
 *   projection of the `filed` or `triaged` entry it stands for, at that time).
 *
 * For each layout it times the service's SQL for the last quarter, after VACUUM ANALYZE and two
 * warm-up runs, and prints EXPLAIN (ANALYZE, BUFFERS) of each variant:
 *
 * - `planned`: as PostgreSQL plans it with the schema as it is (the `received_at` index);
 * - `busy`: the same while two CPU-bound processes keep both CPUs of this machine busy (as a CI run
 *   beside the measurement did on 2026-12-01);
 * - `bitmap`: a bitmap heap scan forced (each heap page visited once, in physical order);
 * - `covering`: the plain index replaced by one on `received_at` that INCLUDEs every fact, so the
 *   plan can be an index-only scan — not in the schema (it would make every update of a receipt's
 *   facts a non-HOT update, migrations/006_whistle_receipts.sql), measured for comparison.
 *
 *   npx tsx bench/assessment-at-scale.ts [--whistles 10000000] [--quarters 20] [--runs 5] [--layouts scattered,time]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import { ASSESSMENT_SQL } from '../lib/stores/assessments';
import { quarterRange } from '../lib/calendar';
import { migrate } from '../lib/db';
import { changleOrgs } from '../lib/seed';
import { cleanupAll, dropDatabase, onCleanup, PG_BASE, ROOT } from './stack';
import { now } from './measure';
import { quarters } from './read-model-data';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}
const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
const seconds = (t0: number) => Math.round((now() - t0) / 100) / 10;

type Layout = 'scattered' | 'time';

/**
 * Whistles $1..$2 of a quarter [$3, $4): a street receipt each, and for 63% a dispatch a day or two
 * later to one department (two for 30% of them), with facts at about the generator's rates.
 * `ordered` writes them in received_at order.
 */
function insertSql(ordered: boolean): string {
  return `
INSERT INTO whistle_receipts (whistle_id, seq, unit_id, received_at, accepted_on_time, resolved, resolved_on_time, overdue,
                              escalated, returned, urged, rating, extended, due_soon_warned)
WITH w AS (
  SELECT g, $3::timestamptz + random() * ($4::timestamptz - $3::timestamptz) AS filed_at, random() AS r_path, random() AS r_two,
         1 + floor(random() * array_length($5::text[], 1))::int AS si,
         1 + floor(random() * array_length($6::text[], 1))::int AS d1, 1 + floor(random() * array_length($6::text[], 1))::int AS d2
    FROM generate_series($1::int, $2::int) g
), r AS (
  SELECT substr(md5('receipt-bench-' || g), 1, 16) AS whistle_id, 1 AS seq, ($5::text[])[si] AS unit_id, filed_at AS received_at
    FROM w
  UNION ALL
  SELECT substr(md5('receipt-bench-' || g), 1, 16), 4, ($6::text[])[d], filed_at + interval '1 day' * (1 + random())
    FROM w CROSS JOIN LATERAL unnest(CASE WHEN r_two < 0.3 AND d2 <> d1 THEN ARRAY[d1, d2] ELSE ARRAY[d1] END) AS x(d)
   WHERE r_path >= 0.37
)
SELECT whistle_id, seq, unit_id, least(received_at, $4::timestamptz - interval '1 second'),
       random() < 0.85, random() < 0.8, random() < 0.7, random() < 0.1, random() < 0.3, random() < 0.05, random() < 0.05,
       CASE WHEN random() < 0.2 THEN NULL WHEN random() < 0.75 THEN 'satisfied' WHEN random() < 0.7 THEN 'basically_satisfied' ELSE 'unsatisfied' END,
       random() < 0.03, random() < 0.1
  FROM r ${ordered ? 'ORDER BY received_at' : ''}`;
}

async function timed(db: PgClient, from: Date, to: Date, runs: number): Promise<{ ms: number[]; plan: string[] }> {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = now();
    await db.query(ASSESSMENT_SQL, [from, to]);
    ms.push(Math.round(now() - t0));
  }
  const { rows } = await db.query(`EXPLAIN (ANALYZE, BUFFERS) ${ASSESSMENT_SQL}`, [from, to]);
  return { ms, plan: rows.map((r) => r['QUERY PLAN'] as string) };
}

/** Runs `fn` while `count` processes spin on the CPUs. */
async function withBusyCpus<T>(count: number, fn: () => Promise<T>): Promise<T> {
  const spinners = Array.from({ length: count }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  try {
    await new Promise((resolve) => setTimeout(resolve, 500));
    return await fn();
  } finally {
    for (const s of spinners) s.kill('SIGKILL');
  }
}

async function layoutPoint(layout: Layout, whistles: number, qs: string[], runs: number) {
  const name = `whistle_bench_receipts_${layout}_${process.pid}_${Date.now().toString(36)}`;
  const url = new URL(PG_BASE);
  url.pathname = `/${name}`;
  onCleanup(() => dropDatabase(name));
  await migrate(url.toString());
  const db = new PgClient({ connectionString: url.toString() });
  await db.connect();
  try {
    const orgs = changleOrgs();
    const streets = orgs.filter((o) => o.kind === 'street').map((o) => o.id);
    const departments = orgs.filter((o) => o.kind === 'department').map((o) => o.id);
    await db.query('DROP INDEX whistle_receipts_received_idx');
    const t0 = now();
    const perQuarter = Math.ceil(whistles / qs.length);
    const batch = layout === 'time' ? perQuarter : 100_000;
    for (let i = 0; i < qs.length; i++) {
      const { from, to } = quarterRange(qs[i]);
      for (let lo = i * perQuarter + 1; lo <= Math.min(whistles, (i + 1) * perQuarter); lo += batch) {
        const hi = Math.min(whistles, (i + 1) * perQuarter, lo + batch - 1);
        await db.query(insertSql(layout === 'time'), [lo, hi, from, to, streets, departments]);
      }
      log(`  ${layout}: ${qs[i]} written, ${seconds(t0)} s`);
    }
    const rowsSeconds = seconds(t0);
    const t1 = now();
    await db.query('CREATE INDEX whistle_receipts_received_idx ON whistle_receipts (received_at)');
    await db.query('VACUUM ANALYZE whistle_receipts');
    const indexSeconds = seconds(t1);
    const { rows: [size] } = await db.query(`SELECT count(*)::int AS receipts, pg_size_pretty(pg_total_relation_size('whistle_receipts')) AS size,
      (SELECT correlation FROM pg_stats WHERE tablename = 'whistle_receipts' AND attname = 'received_at') AS correlation FROM whistle_receipts`);
    const { from, to } = quarterRange(qs[qs.length - 1]);
    const { rows: [quarter] } = await db.query('SELECT count(*)::int AS n FROM whistle_receipts WHERE received_at >= $1 AND received_at < $2', [from, to]);
    log(`  ${layout}: ${size.receipts} receipts (${quarter.n} in ${qs[qs.length - 1]}), ${size.size}, correlation ${size.correlation}`);
    await timed(db, from, to, 2); // warm the cache
    const variants: Record<string, { ms: number[]; plan: string[] }> = {};
    variants.planned = await timed(db, from, to, runs);
    variants.busy = await withBusyCpus(2, () => timed(db, from, to, runs));
    await db.query('SET enable_indexscan = off');
    await db.query('SET enable_seqscan = off');
    variants.bitmap = await timed(db, from, to, runs);
    await db.query('RESET enable_indexscan');
    await db.query('RESET enable_seqscan');
    const { rows: [plain] } = await db.query(`SELECT pg_size_pretty(pg_relation_size('whistle_receipts_received_idx')) AS size`);
    const t2 = now();
    await db.query(`CREATE INDEX whistle_receipts_covering_idx ON whistle_receipts (received_at) INCLUDE (unit_id, accepted_on_time,
      resolved, resolved_on_time, overdue, escalated, returned, urged, rating, extended, due_soon_warned)`);
    await db.query('DROP INDEX whistle_receipts_received_idx');
    await db.query('VACUUM ANALYZE whistle_receipts');
    const coveringIndexSeconds = seconds(t2);
    const { rows: [covering] } = await db.query(`SELECT pg_size_pretty(pg_relation_size('whistle_receipts_covering_idx')) AS size`);
    await timed(db, from, to, 2);
    variants.covering = await timed(db, from, to, runs);
    log(`  ${layout}: indexes on received_at ${plain.size}, covering ${covering.size} (built in ${coveringIndexSeconds} s)`);
    for (const [label, r] of Object.entries(variants)) {
      log(`  ${layout}, ${label}: ${r.ms.join(' / ')} ms`);
      console.log(r.plan.map((l) => `      ${l}`).join('\n'));
    }
    return { layout, receipts: size.receipts, quarterReceipts: quarter.n, size: size.size, correlation: Number(size.correlation),
      rowsSeconds, indexSeconds, plainIndexSize: plain.size, coveringIndexSize: covering.size, coveringIndexSeconds, variants };
  } finally {
    await db.end();
    await dropDatabase(name);
  }
}

async function main() {
  const whistles = Number(arg('whistles', '10000000'));
  const qs = quarters(Number(arg('quarters', '20')));
  const runs = Number(arg('runs', '5'));
  const layouts = arg('layouts', 'scattered,time').split(',') as Layout[];
  const startedAt = new Date().toISOString();
  const points = [];
  for (const layout of layouts) points.push(await layoutPoint(layout, whistles, qs, runs));
  const dir = path.join(ROOT, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `assessment-at-scale-${startedAt.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify({ startedAt, finishedAt: new Date().toISOString(), whistles, quarters: qs, points }, null, 2));
  log(`results: ${path.relative(ROOT, file)}`);
}

main().then(cleanupAll, async (err) => {
  console.error(err);
  await cleanupAll();
  process.exit(1);
});
