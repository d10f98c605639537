/**
 * 智能分派 benchmark: accuracy on held-out data, the time to retrain on a district's history, and
 * POST /v1/suggest latency from a real API process.
 *
 *   npx tsx bench/suggest.ts [--count 100000] [--requests 2000]
 *
 * 1. A labelled corpus of `count` whistles over two years (test/support/whistle-corpus): the model is
 *    trained on the earlier 80% as `retrain` trains it and asked about the later 20% (held out by
 *    time); top-1 and top-3 for categories (every later whistle) and departments (the dispatched
 *    ones, against the final lead); also with the shipped lexicon alone, and on the phrasings that
 *    appear only late.
 * 2. The whole corpus written into a throwaway database's read model as past whistles (resolved
 *    ones with their category, dispatched ones with a `triaged` entry), then `retrain` timed.
 * 3. An API process on that database answers `requests` suggestions for the later texts, one at a
 *    time and four at a time: p50/p99; beside them GET /v1/me one at a time, what an authenticated
 *    request that does nearly nothing takes on the machine at that moment.
 * Results: printed, and written to bench/results/suggest-<time>.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createPool } from '../lib/db';
import { retrain } from '../lib/suggest/retrain';
import { evaluate } from '../test/support/whistle-corpus/evaluate';
import { generateCorpus, type LabelledWhistle } from '../test/support/whistle-corpus/generate';
import { latencyOf, now, takeOption } from './measure';
import { benchDir, cleanupAll, createDatabase, ROOT, startApi, startTemporal } from './stack';

async function writeHistory(databaseUrl: string, whistles: LabelledWhistle[], catalogueChangedAt: Date): Promise<void> {
  const pool = createPool(databaseUrl, 2);
  try {
    for (let i = 0; i < whistles.length; i += 5000) {
      const batch = whistles.slice(i, i + 5000);
      await pool.query(
        `INSERT INTO whistles (id, version, status, list, category, filer_org_id, community_id, street_id, filed_at, resolved_at, view)
         SELECT id, 1, CASE WHEN resolved THEN 'closed' ELSE 'department_handling' END, list, category, community, community, street,
                at, CASE WHEN resolved THEN at + interval '3 days' END,
                jsonb_build_object('title', title, 'description', description, 'location', jsonb_build_object('communityId', community, 'compoundId', compound))
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::boolean[], $8::text[], $9::text[], $10::text[])
                AS t(id, list, category, community, street, at, resolved, title, description, compound)`,
        [batch.map((w) => w.id), batch.map((w) => w.list), batch.map((w) => w.category), batch.map((w) => w.communityId),
          batch.map((w) => w.streetId), batch.map((w) => w.at), batch.map((w) => w.resolved), batch.map((w) => w.title),
          batch.map((w) => w.description), batch.map((w) => w.compoundId)]);
      const dispatched = batch.filter((w) => w.dispatched);
      await pool.query(
        `INSERT INTO whistle_events (whistle_id, seq, at, type, actor, unit_id, data)
         SELECT id, 1, at + interval '1 day', 'triaged', 'center', 'center', jsonb_build_object('list', list, 'lead', lead, 'departmentIds', departments)
           FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::jsonb[]) AS t(id, at, list, lead, departments)`,
        [dispatched.map((w) => w.id), dispatched.map((w) => w.at), dispatched.map((w) => w.list), dispatched.map((w) => w.lead),
          dispatched.map((w) => JSON.stringify(w.departments))]);
    }
    // The center moved parking's lead to urban on that day (as the corpus's dispatches do).
    await pool.query(`UPDATE dispatch_catalogue SET department_ids = '{urban,police}', lead_department_id = 'urban' WHERE category = 'parking'`);
    await pool.query("INSERT INTO audit_log (at, type, actor, subject, note) VALUES ($1, 'catalogue_changed', 'center', 'parking', 'bench')", [catalogueChangedAt]);
    await pool.query('ANALYZE whistles; ANALYZE whistle_events');
  } finally {
    await pool.end();
  }
}

async function main() {
  const args = process.argv.slice(2);
  const count = Number(takeOption(args, '--count') ?? 100_000);
  const requests = Number(takeOption(args, '--requests') ?? 2000);
  const results: Record<string, unknown> = { at: new Date().toISOString(), count };

  let t = now();
  const corpus = generateCorpus({ count });
  console.log(`[suggest] corpus of ${count} whistles in ${Math.round(now() - t)} ms: ${corpus.train.length} earlier, ${corpus.test.length} later`);
  const withHistory = await evaluate(corpus.train, corpus.test, corpus.catalogueChangedAt);
  const lexiconOnly = await evaluate(corpus.train, corpus.test, corpus.catalogueChangedAt, { withHistory: false });
  results.accuracy = { withHistory, lexiconOnly };
  console.log('[suggest] held-out accuracy, trained on the earlier part:', JSON.stringify(withHistory));
  console.log('[suggest] with the shipped lexicon alone:', JSON.stringify(lexiconOnly));

  const dir = benchDir();
  const db = await createDatabase('suggest');
  t = now();
  await writeHistory(db.url, [...corpus.train, ...corpus.test], corpus.catalogueChangedAt);
  console.log(`[suggest] ${count} past whistles written to the read model in ${Math.round((now() - t) / 1000)} s`);
  const pool = createPool(db.url, 4);
  const retrains: number[] = [];
  let retrained;
  for (let i = 0; i < 2; i++) {
    t = now();
    retrained = await retrain(pool, 'bench');
    retrains.push(Math.round(now() - t));
  }
  const { rows: [size] } = await pool.query('SELECT octet_length(params) AS bytes FROM suggestion_models WHERE version = $1', [retrained!.version]);
  await pool.end();
  results.retrain = { ms: retrains, documents: retrained!.documents, storedBytes: Number(size.bytes) };
  console.log(`[suggest] retrain on ${count} past whistles: ${retrains.join(' ms, ')} ms; ${JSON.stringify(retrained!.documents)}; model ${(Number(size.bytes) / 1e6).toFixed(2)} MB gzip`);

  const temporal = await startTemporal(dir);
  const api = await startApi(dir, 'api', temporal, db.url, 'bench-suggest');
  const texts = corpus.test.slice(0, requests + 50);
  const ask = async (w: LabelledWhistle) => {
    const started = now();
    const res = await fetch(`${api.url}/v1/suggest`, {
      method: 'POST', headers: { authorization: 'Bearer dev-xiguan', 'content-type': 'application/json' },
      body: JSON.stringify({ title: w.title, description: w.description }),
    });
    await res.text();
    if (res.status !== 200) throw new Error(`POST /v1/suggest: ${res.status}`);
    return now() - started;
  };
  for (const w of texts.slice(0, 50)) await ask(w); // the model loaded, JIT warm
  // What the machine gives an authenticated request that does nearly nothing, for comparison.
  const baseline: number[] = [];
  for (let i = 0; i < requests; i++) {
    const started = now();
    const res = await fetch(`${api.url}/v1/me`, { headers: { authorization: 'Bearer dev-xiguan' } });
    await res.text();
    baseline.push(now() - started);
  }
  const sequential: number[] = [];
  for (const w of texts.slice(50)) sequential.push(await ask(w));
  const concurrent: number[] = [];
  const queue = [...texts.slice(50)];
  t = now();
  await Promise.all([0, 1, 2, 3].map(async () => { for (let w = queue.shift(); w; w = queue.shift()) concurrent.push(await ask(w)); }));
  const seconds = (now() - t) / 1000;
  results.latency = { baselineGetMe: latencyOf(baseline), sequential: latencyOf(sequential), fourAtOnce: { ...latencyOf(concurrent), perSecond: Math.round(concurrent.length / seconds) } };
  console.log('[suggest] GET /v1/me one at a time (baseline):', JSON.stringify(latencyOf(baseline)));
  console.log('[suggest] POST /v1/suggest one at a time:', JSON.stringify(latencyOf(sequential)));
  console.log('[suggest] four at a time:', JSON.stringify(results.latency));

  const file = path.join(ROOT, 'bench', 'results', `suggest-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`[suggest] results: ${path.relative(ROOT, file)}`);
}

main().catch((err) => { console.error(err); process.exitCode = 1; }).finally(() => cleanupAll());
