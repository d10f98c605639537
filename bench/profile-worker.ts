/**
 * `npx tsx bench/profile-worker.ts [whistles]`: where the worker's CPU goes while it takes in a
 * burst of whistles (the work that bounds filing throughput and deadline bursts). Starts its own
 * Temporal dev server and database, runs `worker/main.ts` under `node --cpu-prof`, starts the
 * whistles raw, waits until every one is in the read model, stops the worker and prints the
 * profile summarized by package (start-up left out). Not part of `npm run bench`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createPool } from '../lib/db';
import { benchDir, cleanupAll, createDatabase, serviceEnv, spawnService, startTemporal, waitForPoller } from './stack';
import { drained } from './filing';
import { startRaw } from './filings';
import { runLoad } from './measure';
import { summarizeProfile } from './profile';
import { DEFAULT_POLICY } from '../lib/policy';

async function main() {
  const count = Number(process.argv[2] ?? 1000);
  const dir = benchDir();
  const temporal = await startTemporal(dir);
  const db = await createDatabase('profile');
  const queue = 'bench-profile-worker';
  const profDir = path.join(dir, 'profile');
  const spawnedAt = Date.now();
  const worker = spawnService({
    name: 'worker-profiled', script: 'worker/main.ts', dir, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profDir}`],
    env: serviceEnv(temporal.address, db.url, queue),
  });
  await waitForPoller(temporal.client, queue, worker);
  const pool = createPool(db.url, 2);
  const loadAt = Date.now();
  const started = Date.now();
  const load = await runLoad({ concurrency: 32, count, task: (i) => startRaw(temporal.client, queue, i, `p${i}`, { policy: DEFAULT_POLICY }).then(() => undefined) });
  await drained(pool, 'p', load.ok);
  const seconds = (Date.now() - started) / 1000;
  await pool.end();
  await worker.stop();
  // One profile per thread: the main thread (activities, SDK plumbing) and the workflow thread.
  const files = fs.existsSync(profDir) ? fs.readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile')) : [];
  if (!files.length) throw new Error(`no profile in ${profDir}`);
  console.log(`${load.ok} whistles taken in by the worker in ${seconds.toFixed(1)} s (${(load.ok / seconds).toFixed(1)}/s)`);
  for (const f of files) console.log(JSON.stringify(summarizeProfile(path.join(profDir, f), 20, (loadAt - spawnedAt) / 1000), null, 2));
}

main().catch((err) => { console.error(err); process.exitCode = 1; }).finally(() => cleanupAll());
