/**
 * Issue 17, item 5: the read model at 10 million whistles, reached the way a deployment of the
 * first round reaches it — rows on the first round's schema (migrations 001–005), then the
 * current migrations and their batched backfills (lib/backfills.ts) — and measured against a
 * small read model reached the same way.
 *
 *   npx tsx bench/read-model-at-scale.ts [--large 10000000] [--small 10000] [--quarters 20] [--samples 200] [--current-schema] [--upgrade-only]
 *
 * `--current-schema` generates on the current schema instead (the receipts written by the trigger
 * as the rows go in, nothing to upgrade): the read figures alone, without the upgrade's time.
 * `--measure-database NAME --large N [--goals-only]` measures a database an earlier run kept
 * (`BENCH_KEEP=1`); `--goals-only` leaves out the community's and department's own lists.
 *
 * The whistles are bench/read-model-data.ts's, spread evenly over `quarters` quarters ending with
 * the last full one, so the quarterly assessment counts that quarter's share (10M over 20
 * quarters: 500,000 whistles a quarter, about 30 times Changle's 45 a day). For each size it
 * times the generation (two connections; secondary indexes dropped and built again after), every migration after 005
 * and the backfill that follows it, then lists, a single whistle and the assessment through the API
 * (bench/read-model.ts) and the duplicates query (bench/duplicates.ts), with table sizes
 * (`--upgrade-only` stops after the upgrade). While it upgrades, a probe writes to a whistle every
 * 100 ms, as a projection would, and reports by step how long its writes waited.
 * Writes bench/results/read-model-at-scale-<time>.json. Its own Temporal dev server (the API
 * wants one) and throwaway databases, dropped at the end (`BENCH_KEEP=1` keeps the large one).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import type { Logger } from 'pino';
import { createPool, migrate, pendingMigrations } from '../lib/db';
import { runBackfills } from '../lib/backfills';
import { quarterRange } from '../lib/calendar';
import { devKey, hashKey } from '../lib/keys';
import { changleAccounts, changleOrgs } from '../lib/seed';
import { seedCatalogue } from '../lib/seed-catalogue';
import { benchDir, cleanupAll, dropDatabase, onCleanup, PEPPER, PG_BASE, ROOT, startApi, startTemporal, type Temporal } from './stack';
import { now, ratio } from './measure';
import { generate, quarters, secondaryIndexes } from './read-model-data';
import { measurePoint } from './read-model';
import { measureDuplicates } from './duplicates';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
const seconds = (t0: number) => Math.round((now() - t0) / 100) / 10;

async function sizes(db: PgClient): Promise<Record<string, string>> {
  const { rows } = await db.query<{ name: string; size: string }>(
    `SELECT relname AS name, pg_size_pretty(pg_total_relation_size(oid)) AS size FROM pg_class
      WHERE relname IN ('whistles', 'whistle_events', 'whistle_receipts') AND relkind = 'r'
     UNION ALL SELECT 'database', pg_size_pretty(pg_database_size(current_database()))`);
  return Object.fromEntries(rows.map((r) => [r.name, r.size]));
}

/** A logger that keeps what runBackfills reports when a backfill is done. */
function backfillTimer(): { logger: Logger; done: Array<{ name: string; rows: number; seconds: number }> } {
  const done: Array<{ name: string; rows: number; seconds: number }> = [];
  const info = (obj: { backfill?: string; rows?: number; seconds?: number }, msg: string) => {
    if (msg === 'backfill done' && obj.backfill) done.push({ name: obj.backfill, rows: obj.rows ?? 0, seconds: obj.seconds ?? 0 });
    if (msg === 'backfill in progress') log(`  backfill ${obj.backfill}: ${obj.rows} rows so far`);
  };
  return { logger: { info, debug: () => undefined } as unknown as Logger, done };
}

type Schema = 'first-round' | 'current';

interface StepWaits { writes: number; maxMs: number; overOneSecond: number }

/**
 * A projection's write beside the upgrade: one whistle row (of a thousand sampled) updated on its
 * own connection every 100 ms, each write timed and counted against the step running then (a
 * migration, or the backfills and index builds after it): how long the service's writes wait
 * while the upgrade runs. `UPDATE … SET version = version` fires no trigger and changes nothing.
 */
async function writeProbe(url: string) {
  const c = new PgClient({ connectionString: url });
  await c.connect();
  const { rows } = await c.query<{ id: string }>('SELECT id FROM whistles TABLESAMPLE SYSTEM (1) LIMIT 1000');
  const ids = rows.map((r) => r.id);
  const waits: Record<string, StepWaits> = {};
  let step = 'before';
  let stopped = false;
  const run = (async () => {
    for (let i = 0; !stopped; i++) {
      const at = step;
      const t0 = now();
      await c.query('UPDATE whistles SET version = version WHERE id = $1', [ids[i % ids.length]]);
      const ms = now() - t0;
      const w = (waits[at] ??= { writes: 0, maxMs: 0, overOneSecond: 0 });
      w.writes += 1;
      w.maxMs = Math.max(w.maxMs, Math.round(ms));
      if (ms > 1000) w.overOneSecond += 1;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    step: (name: string) => { step = name; },
    stop: async () => { stopped = true; await run; await c.end(); return waits; },
  };
}

async function point(temporal: Temporal, dir: string, whistles: number, quarterCount: number, samples: number, keep: boolean, schema: Schema) {
  const name = `whistle_bench_scale_${whistles}_${process.pid}_${Date.now().toString(36)}`;
  const url = new URL(PG_BASE);
  url.pathname = `/${name}`;
  if (!keep) onCleanup(() => dropDatabase(name));

  // The first round's schema (or the current one) and the organisation tree (accounts with the dev
  // keys the bench calls with). On the current schema the receipts trigger fills the receipts as
  // the rows go in, as bench/read-model.ts has it, and there is nothing to upgrade.
  await migrate(url.toString(), undefined, schema === 'first-round' ? { count: 5 } : {});
  const db = new PgClient({ connectionString: url.toString() });
  await db.connect();
  try {
    const orgs = changleOrgs();
    for (const o of orgs) await db.query('INSERT INTO orgs (id, kind, name, parent_id) VALUES ($1, $2, $3, $4)', [o.id, o.kind, o.name, o.parentId]);
    for (const a of changleAccounts(orgs)) {
      await db.query('INSERT INTO accounts (id, role, org_id, name, key_hash) VALUES ($1, $2, $3, $4, $5)',
        [a.id, a.role, a.orgId, a.name, hashKey(PEPPER, devKey(a.id))]);
    }

    // Generation: bulk load with the secondary indexes off, built again after.
    const qs = quarters(quarterCount);
    const t0 = now();
    const indexes = await secondaryIndexes(db);
    for (const ix of indexes) await db.query(`DROP INDEX "${ix.name}"`);
    // Two connections, one quarter at a time each: the generator is CPU-bound in PostgreSQL.
    const perQuarter = Math.ceil(whistles / qs.length);
    let next = 0;
    let generated = 0;
    let lastLog = now();
    const loader = async () => {
      const c = new PgClient({ connectionString: url.toString() });
      await c.connect();
      try {
        for (let i = next++; i < qs.length; i = next++) {
          const lo = i * perQuarter + 1;
          const hi = Math.min(whistles, (i + 1) * perQuarter);
          if (lo > hi) continue;
          const { from, to } = quarterRange(qs[i]);
          let before = 0;
          await generate(c, lo, hi, from, to, (done) => {
            generated += done - before;
            before = done;
            if (now() - lastLog > 30_000) { lastLog = now(); log(`  ${whistles}: ${generated} whistles generated, ${seconds(t0)} s`); }
          });
        }
      } finally {
        await c.end();
      }
    };
    await Promise.all([loader(), loader()]);
    const rowsSeconds = seconds(t0);
    const t1 = now();
    await db.query("SET maintenance_work_mem = '1GB'");
    for (const ix of indexes) await db.query(ix.def);
    await db.query('RESET maintenance_work_mem');
    const indexSeconds = seconds(t1);
    await db.query('VACUUM ANALYZE whistles');
    await db.query('VACUUM ANALYZE whistle_events');
    const generation = { seconds: seconds(t0), rowsSeconds, indexSeconds, indexes: indexes.length, sizes: await sizes(db) };
    log(`${whistles}: generated on the ${schema} schema in ${generation.seconds} s (rows ${rowsSeconds} s, ${indexes.length} indexes ${indexSeconds} s); ${JSON.stringify(generation.sizes)}`);

    // The upgrade: each migration after 005 on its own, each followed by the backfills it
    // enqueued, as migrate() runs them (lib/db.ts), timed apart.
    const steps: Array<{ name: string; seconds: number; backfillSeconds: number }> = [];
    const timer = backfillTimer();
    const probe = await writeProbe(url.toString());
    let batches = 0;
    for (;;) {
      const [next] = await pendingMigrations(db);
      if (!next) break;
      probe.step(next);
      const tm = now();
      await migrate(url.toString(), undefined, { count: 1, backfills: false });
      const migrationSeconds = seconds(tm);
      probe.step(`${next} backfills`);
      const tb = now();
      batches += await runBackfills(db, { logger: timer.logger });
      steps.push({ name: next, seconds: migrationSeconds, backfillSeconds: seconds(tb) });
      log(`  ${whistles}: migration ${next} ${migrationSeconds} s, then its backfills ${seconds(tb)} s`);
    }
    const waits = await probe.stop();
    const none: StepWaits = { writes: 0, maxMs: 0, overOneSecond: 0 };
    const migrations = steps.map((m) => ({ ...m, writes: waits[m.name] ?? none, writesDuringBackfills: waits[`${m.name} backfills`] ?? none }));
    for (const m of migrations) {
      log(`  ${whistles}: a projection's write during ${m.name}: ${JSON.stringify(m.writes)}; during its backfills: ${JSON.stringify(m.writesDuringBackfills)}`);
    }
    const backfills = { seconds: migrations.reduce((a, m) => a + m.backfillSeconds, 0), batches, each: timer.done };
    log(`  ${whistles}: backfills ${backfills.seconds} s in ${batches} batches: ${JSON.stringify(timer.done)}`);
    const tv = now();
    await db.query('VACUUM ANALYZE whistles');
    await db.query('VACUUM ANALYZE whistle_receipts');
    const vacuumSeconds = seconds(tv);
    const pool = createPool(url.toString(), 1);
    const seeding = await pool.connect();
    await seedCatalogue(seeding);
    seeding.release();
    await pool.end();
    const upgraded = { sizes: await sizes(db), vacuumSeconds };
    log(`${whistles}: upgraded; ${JSON.stringify(upgraded)}`);

    if (process.argv.includes('--upgrade-only')) return { whistles, quarters: qs, generation, migrations, backfills, upgraded };
    const measured = await measure(temporal, dir, url.toString(), whistles, qs[qs.length - 1], samples);
    return { whistles, quarters: qs, generation, migrations, backfills, upgraded, ...measured };
  } finally {
    await db.end();
  }
}

/**
 * Lists, a single whistle and the assessment of `quarter` through the API, and the duplicates
 * query. Above a million whistles without the plans with indexes dropped (each a long scan).
 */
async function measure(temporal: Temporal, dir: string, url: string, whistles: number, quarter: string, samples: number, ownLists = true) {
  const api = await startApi(dir, `api-scale-${whistles}`, temporal, url, 'bench-scale-unused');
  const measurePool = createPool(url, 1);
  const client = await measurePool.connect();
  try {
    const large = whistles > 1_000_000;
    const read = await measurePoint({ db: client, apiUrl: api.url, whistles, samples, assessmentRuns: 3, quarter, explainAll: true, log, plansWithoutIndexes: !large, ownLists });
    const duplicates = await measureDuplicates(client, whistles, samples, 0, () => undefined, !large);
    log(`${whistles}: duplicates p50 ${duplicates.latency.p50} ms, p99 ${duplicates.latency.p99} ms, EXPLAIN ${duplicates.withIndexes.executionMs} ms (${duplicates.open} open)`);
    return { read, duplicates };
  } finally {
    client.release();
    await measurePool.end();
    await api.stop();
  }
}

/** `--measure-database NAME --large N`: the measurements alone, on a database a run kept (BENCH_KEEP=1). */
async function measureKept(name: string, whistles: number, quarterCount: number, samples: number) {
  const dir = benchDir();
  const temporal = await startTemporal(dir);
  const url = new URL(PG_BASE);
  url.pathname = `/${name}`;
  const startedAt = new Date().toISOString();
  const measured = await measure(temporal, dir, url.toString(), whistles, quarters(quarterCount)[quarterCount - 1], samples,
    !process.argv.includes('--goals-only'));
  const file = path.join(ROOT, 'bench', 'results', `read-model-at-scale-measure-${startedAt.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify({ startedAt, finishedAt: new Date().toISOString(), database: name, whistles, ...measured }, null, 2));
  log(`written ${path.relative(ROOT, file)}`);
  await cleanupAll();
}

async function main() {
  const large = arg('large', 10_000_000);
  const small = arg('small', 10_000);
  const quarterCount = arg('quarters', 20);
  const samples = arg('samples', 200);
  const schema: Schema = process.argv.includes('--current-schema') ? 'current' : 'first-round';
  const kept = process.argv.indexOf('--measure-database');
  if (kept > 0) return measureKept(process.argv[kept + 1], large, quarterCount, samples);
  const dir = benchDir();
  const startedAt = new Date().toISOString();
  const temporal = await startTemporal(dir);
  const smallPoint = await point(temporal, dir, small, quarterCount, samples, false, schema);
  const largePoint = await point(temporal, dir, large, quarterCount, samples, process.env.BENCH_KEEP === '1', schema);
  type Measured = Awaited<ReturnType<typeof measure>>;
  const p99 = (f: (p: Measured) => number) =>
    ('read' in smallPoint && 'read' in largePoint ? ratio(f(largePoint), f(smallPoint)) : null);
  const out = {
    startedAt, finishedAt: new Date().toISOString(), schema, small: smallPoint, large: largePoint,
    p99Ratio: {
      centerList: p99((p) => p.read.centerList.p99), streetList: p99((p) => p.read.streetList.p99),
      view: p99((p) => p.read.view.p99), duplicates: p99((p) => p.duplicates.latency.p99),
    },
  };
  if ('read' in largePoint) {
    log(`p99 ${large} / ${small}: ${JSON.stringify(out.p99Ratio)}; assessment at ${large}: ${JSON.stringify((largePoint.read.assessment as { runsMs?: number[] }).runsMs ?? largePoint.read.assessment)} ms`);
  }
  const file = path.join(ROOT, 'bench', 'results', `read-model-at-scale-${startedAt.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify(out, null, 2));
  log(`written ${path.relative(ROOT, file)}`);
  await cleanupAll();
}

main().catch(async (err) => {
  console.error(err);
  await cleanupAll();
  process.exit(1);
});
