/**
 * 高频诉求 at scale: the recurring-matters query (lib/stores/recurring.ts) as the whistles table
 * grows with older history while the periods asked about stay the same.
 *
 *   npx tsx bench/recurring.ts [--sizes 100000,400000] [--per-day 150] [--runs 30]
 *
 * Whistles are generated in PostgreSQL (generate_series) at `per-day` a day going back in time from
 * today — communities skewed (a few file most), 60% in a compound, 2% merged, a few with
 * duplicates — so growing the table adds older days, and the last 30 days (or 366) hold the same
 * whistles at every size. At each size, after VACUUM ANALYZE (as autovacuum leaves a table): the
 * query's time over `runs` (p50, p99) for the default (30 days by community), a year by street,
 * and 30 days by compound for one category, plus the plan of the default one. Flat means the
 * same times at every size.
 * Results: printed, and written to bench/results/recurring-<time>.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Pool } from 'pg';
import { shanghaiDay } from '../domain/shanghai-time';
import { createPool } from '../lib/db';
import { recurring, recurringSql, type RecurringQuery } from '../lib/stores/recurring';
import { latencyOf, now, takeOption } from './measure';
import { cleanupAll, createDatabase, ROOT } from './stack';

const DAY_MS = 86_400_000;
const COMMUNITIES = [
  ['xiguan', 'wuhang', 'xiguan-jiangjing'], ['dongguan', 'wuhang', 'dongguan-dongfang'], ['zhenghe', 'wuhang', 'zhenghe-baochuan'],
  ['qinjiang', 'hangcheng', 'qinjiang-shuicheng'], ['dongjiang', 'hangcheng', 'dongjiang-binjiang'], ['changan', 'yingqian', 'changan-hangjing'],
  ['mofan', 'yingqian', 'mofan-xingfu'], ['xianqi', 'zhanggang', 'xianqi-haibin'], ['jinfeng-town', 'jinfeng', 'jinfeng-jinhua'],
];
const CATEGORIES = ['environment', 'property', 'roads', 'utilities', 'housing', 'public_safety', 'elderly_care', 'disputes', 'noise',
  'greening', 'parking', 'social_security', 'other'];

/** Whistles number `first`..`last` (1 = the newest), `perDay` a day back from `end`. */
async function generate(pool: Pool, first: number, last: number, perDay: number, end: Date): Promise<void> {
  for (let from = first; from <= last; from += 50_000) {
    const to = Math.min(last, from + 49_999);
    await pool.query(
      `INSERT INTO whistles (id, version, status, category, filer_org_id, community_id, street_id, filed_at, reports, view)
       SELECT 'rec-' || g, 1,
              CASE WHEN g % 50 = 0 THEN 'merged' WHEN g % 3 = 0 THEN 'closed' ELSE 'street_handling' END,
              ($5::text[])[1 + (g::bigint * 7919) % 13], c[1], c[1], c[2],
              $3::timestamptz - (g::float8 / $4) * interval '1 day',
              CASE WHEN g % 40 = 0 THEN 3 ELSE 1 END,
              jsonb_build_object('title', '生成的诉求', 'location',
                CASE WHEN g % 5 < 3 THEN jsonb_build_object('communityId', c[1], 'compoundId', c[3]) ELSE jsonb_build_object('communityId', c[1]) END)
         FROM generate_series($1::int, $2::int) g
        CROSS JOIN LATERAL (SELECT ($6::text[])[1 + floor(9 * power(((g * 0.6180339887) % 1), 2))::int] AS row) pick
        CROSS JOIN LATERAL (SELECT string_to_array(pick.row, ',') AS c) place`,
      [from, to, end, perDay, CATEGORIES, COMMUNITIES.map((c) => c.join(','))]);
  }
  await pool.query('VACUUM ANALYZE whistles');
}

function period(days: number, endDay: string): Pick<RecurringQuery, 'previousFrom' | 'from' | 'to'> {
  const to = new Date(Date.parse(`${endDay}T00:00:00+08:00`) + DAY_MS);
  const from = new Date(to.getTime() - days * DAY_MS);
  return { previousFrom: new Date(from.getTime() - days * DAY_MS), from, to };
}

async function main() {
  const args = process.argv.slice(2);
  const sizes = (takeOption(args, '--sizes') ?? '100000,400000').split(',').map(Number);
  const perDay = Number(takeOption(args, '--per-day') ?? 150);
  const runs = Number(takeOption(args, '--runs') ?? 30);
  const db = await createDatabase('recurring');
  const pool = createPool(db.url, 2);
  const today = shanghaiDay(new Date());
  const end = new Date();
  const queries: Record<string, RecurringQuery> = {
    '30 days by community': { level: 'community', ...period(30, today), category: null, minCount: 3, limit: 100 },
    '366 days by street': { level: 'street', ...period(366, today), category: null, minCount: 3, limit: 100 },
    '30 days by compound, one category': { level: 'compound', ...period(30, today), category: 'noise', minCount: 1, limit: 100 },
  };
  const results: Array<Record<string, unknown>> = [];
  let have = 0;
  try {
    for (const size of sizes) {
      const t = now();
      await generate(pool, have + 1, size, perDay, end);
      have = size;
      const { rows: [s] } = await pool.query(
        "SELECT pg_size_pretty(pg_relation_size('whistles')) AS table, pg_size_pretty(pg_relation_size('whistles_recurring_idx')) AS index");
      console.log(`[recurring] ${size} whistles (${Math.round(size / perDay)} days), generated in ${Math.round((now() - t) / 1000)} s; table ${s.table}, index ${s.index}`);
      const row: Record<string, unknown> = { whistles: size, days: Math.round(size / perDay), sizes: s };
      for (const [name, q] of Object.entries(queries)) {
        const samples: number[] = [];
        let items = 0;
        for (let i = 0; i < runs + 3; i++) {
          const started = now();
          items = (await recurring(pool, q)).length;
          if (i >= 3) samples.push(now() - started);
        }
        row[name] = { ...latencyOf(samples), items };
        console.log(`[recurring]   ${name}: ${JSON.stringify(latencyOf(samples))}, ${items} items`);
      }
      const q = queries['30 days by community'];
      const { rows: plan } = await pool.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${recurringSql(q.level)}`,
        [q.previousFrom, q.from, q.to, q.category, q.minCount, q.limit]);
      row.plan = plan.map((p) => p['QUERY PLAN']);
      console.log(`[recurring]   plan (30 days by community):\n${(row.plan as string[]).map((l) => `      ${l}`).join('\n')}`);
      results.push(row);
    }
  } finally {
    await pool.end();
  }
  const file = path.join(ROOT, 'bench', 'results', `recurring-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), perDay, runs, results }, null, 2)}\n`);
  console.log(`[recurring] results: ${path.relative(ROOT, file)}`);
}

main().catch((err) => { console.error(err); process.exitCode = 1; }).finally(() => cleanupAll());
