/**
 * `npx tsx bench/intake.ts [whistles per phase]`: issue 17's intake goal — whistles fully taken in
 * per second by one worker, against what the same kind of worker process achieves for a trivial
 * workflow whose first task runs one local activity writing one row (bench/intake-workflow.ts).
 *
 * Its own world (bench/stack.ts). Whistles are started raw with the API's plan in their input (as
 * `POST /v1/whistles` starts them), 32 starts in flight; "taken in" means the worker's first task
 * has projected the whistle into the read model (for the trivial workflow: its row is written).
 * The rate is the count over the time from the first start to the last one taken in. Phases
 * alternate (whistles, trivial, whistles, trivial) so both meet the same machine.
 */
import fs from 'node:fs';
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { createPool } from '../lib/db';
import { DEFAULT_POLICY } from '../lib/policy';
import { benchDir, cleanupAll, createDatabase, onCleanup, spawnService, startTemporal, startWorker, waitForPoller, workerNodeArgs } from './stack';
import { startRaw } from './filings';
import { drained } from './filing';
import { runLoad, sleep } from './measure';
import { cpuMsPer as cpuMsPerItem, cpuOfPid, cpuOfPostgres, cpuOfSelf } from './cpu';

async function main(): Promise<void> {
  const perPhase = Number(process.argv[2] ?? 2000);
  const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
  log(`intake: ${perPhase} per phase; ${os.availableParallelism()} CPUs, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const dir = benchDir();
  const temporal = await startTemporal(dir);
  const db = await createDatabase('intake');
  const pool = createPool(db.url, 2);
  onCleanup(() => pool.end());
  await pool.query('CREATE TABLE intake_rows (id text PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())');

  const whistleQueue = 'whistle-intake';
  const trivialQueue = 'trivial-intake';
  const worker = await startWorker(dir, 'worker', temporal, db.url, whistleQueue);
  const trivialWorker = spawnService({
    name: 'intake-worker', script: 'bench/intake-worker.ts', dir, nodeArgs: workerNodeArgs(),
    env: { TEMPORAL_ADDRESS: temporal.address, TEMPORAL_TASK_QUEUE: trivialQueue, DATABASE_URL: db.url, INTAKE_MAX_CACHED: '750' },
  });
  await waitForPoller(temporal.client, trivialQueue, trivialWorker);

  const rowsTaken = async (prefix: string, expected: number) => {
    for (;;) {
      const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM intake_rows WHERE id LIKE $1', [`${prefix}%`]);
      if (rows[0].n >= expected) return;
      await sleep(100);
    }
  };
  const phases = {
    whistles: async (prefix: string, n: number) => {
      await runLoad({ concurrency: 32, count: n, task: (i) => startRaw(temporal.client, whistleQueue, i, `${prefix}${i}`, { policy: DEFAULT_POLICY }).then(() => undefined) });
      await drained(pool, prefix, n);
    },
    trivial: async (prefix: string, n: number) => {
      await runLoad({ concurrency: 32, count: n, task: async (i) => {
        await temporal.client.workflow.start('intakeTrivial', { workflowId: `intake-${prefix}${i}`, taskQueue: trivialQueue, args: [`${prefix}${i}`] });
      } });
      await rowsTaken(prefix, n);
    },
  };
  const pidOf = { whistles: worker.pid, trivial: trivialWorker.pid };

  // Warm up both (bundles, connections, JIT).
  for (const [name, run] of Object.entries(phases)) await run(`warm${name}${randomBytes(2).toString('hex')}`, 100);
  await sleep(3_000);

  type Cpu = { worker: number; temporal: number; postgres: number; driver: number };
  const cpuNow = (kind: keyof typeof pidOf): Cpu => ({
    worker: cpuOfPid(pidOf[kind]), temporal: cpuOfPid(temporal.server.process.pid!), postgres: cpuOfPostgres(), driver: cpuOfSelf(),
  });
  const runs: Array<{ kind: string; n: number; seconds: number; perSecond: number; workerCpuMsPer: number; cpuMsPer: Cpu }> = [];
  for (const kind of ['whistles', 'trivial', 'whistles', 'trivial'] as const) {
    const prefix = `${kind[0]}${randomBytes(3).toString('hex')}`;
    const cpu0 = cpuNow(kind);
    const t0 = Date.now();
    await phases[kind](prefix, perPhase);
    const seconds = (Date.now() - t0) / 1000;
    const cpu1 = cpuNow(kind);
    const cpuMsPer = cpuMsPerItem(cpu0, cpu1, perPhase);
    runs.push({ kind, n: perPhase, seconds: Math.round(seconds * 10) / 10, perSecond: Math.round((perPhase / seconds) * 10) / 10, workerCpuMsPer: cpuMsPer.worker, cpuMsPer });
    log(`${kind}: ${perPhase} taken in in ${seconds.toFixed(1)} s → ${(perPhase / seconds).toFixed(1)}/s; CPU ms each: ${JSON.stringify(cpuMsPer)}`);
    await sleep(5_000);
  }
  const rate = (kind: string) => {
    const mine = runs.filter((r) => r.kind === kind);
    return mine.reduce((a, r) => a + r.n, 0) / mine.reduce((a, r) => a + r.seconds, 0);
  };
  const ratio = Math.round((rate('whistles') / rate('trivial')) * 100) / 100;
  log(`intake: whistles ${rate('whistles').toFixed(1)}/s, trivial ${rate('trivial').toFixed(1)}/s → ratio ${ratio} (goal ≥ 0.8)`);
  const out = { at: new Date().toISOString(), perPhase, cpus: os.availableParallelism(), runs, ratio };
  fs.mkdirSync('bench/results', { recursive: true });
  const file = `bench/results/intake-${out.at.replace(/[:.]/g, '-')}.json`;
  fs.writeFileSync(file, JSON.stringify(out, null, 2));
  log(`results: ${file}`);
}

main().catch((err) => { console.error(err); process.exitCode = 1; }).finally(() => cleanupAll());
