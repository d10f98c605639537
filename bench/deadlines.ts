/**
 * 5. Deadline accuracy: many street handling deadlines falling due together, and how late the
 * resulting `deadline_escalation` entries are. A worker of its own runs with a POLICY_FILE whose
 * `street.handleWithin` is a few seconds; the whistles are started raw with a start delay that
 * makes their first workflow tasks all become due at one instant, so their deadlines (filing +
 * handleWithin) are as close together as the worker can file them. Lateness is the escalation's
 * timeline time minus its due instant (the `filed` entry's time + handleWithin), both from
 * `whistle_events`.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createPool } from '../lib/db';
import { createDatabase, startWorker, type Temporal } from './stack';
import { startRaw } from './filings';
import { latencyOf, runLoad, sleep, type Latency } from './measure';

export interface DeadlinesResult {
  deadlines: number;
  handleWithinSeconds: number;
  /** Seconds between the first and the last due instant (the burst), and 90% of them. */
  dueSpreadSeconds: number;
  dueSpread90Seconds: number;
  escalated: number;
  /** Lateness of the escalations in ms. */
  lateness: Latency;
}

export async function benchDeadlines(options: {
  temporal: Temporal; dir: string; deadlines: number; log: (line: string) => void;
}): Promise<DeadlinesResult> {
  const { temporal, log } = options;
  const database = await createDatabase('deadlines');
  const taskQueue = `bench-deadlines-${randomBytes(3).toString('hex')}`;
  // Starts go at a few hundred a second here; give them time, then the filings happen together.
  const startSeconds = Math.ceil(options.deadlines / 100) + 5;
  const handleWithinSeconds = Math.ceil(options.deadlines / 50) + 30;
  const policyFile = path.join(options.dir, 'deadlines-policy.json');
  fs.writeFileSync(policyFile, JSON.stringify({ street: { handleWithin: { seconds: handleWithinSeconds } } }));
  const worker = await startWorker(options.dir, 'worker-deadlines', temporal, database.url, taskQueue, { POLICY_FILE: policyFile });
  const pool = createPool(database.url, 2);
  try {
    const releaseAt = Date.now() + startSeconds * 1000;
    const load = await runLoad({
      concurrency: 32, count: options.deadlines,
      task: (i) => startRaw(temporal.client, taskQueue, i, undefined, { startDelay: releaseAt - Date.now() }).then(() => undefined),
    });
    if (load.failed) throw new Error(`${load.failed} of ${options.deadlines} starts failed: ${load.firstError}`);
    log(`  deadlines: ${load.ok} whistles started (${load.perSecond}/s), released together at +${startSeconds} s, due ${handleWithinSeconds} s after filing`);

    const deadline = Date.now() + (startSeconds + handleWithinSeconds) * 1000 + 20 * 60_000;
    let escalated = 0;
    while (Date.now() < deadline) {
      const { rows } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM whistle_events WHERE type = 'deadline_escalation'");
      escalated = rows[0].n;
      if (escalated >= load.ok) break;
      await sleep(1000);
    }
    const { rows } = await pool.query<{ due: number; late: number }>(
      `SELECT extract(epoch FROM f.at) * 1000 + $1::int * 1000 AS due,
              extract(epoch FROM (d.at - f.at)) * 1000 - $1::int * 1000 AS late
         FROM whistle_events f
         JOIN whistle_events d ON d.whistle_id = f.whistle_id AND d.type = 'deadline_escalation'
        WHERE f.type = 'filed'`, [handleWithinSeconds]);
    const dues = rows.map((r) => Number(r.due)).sort((a, b) => a - b);
    const spread = dues.length ? (dues[dues.length - 1] - dues[0]) / 1000 : NaN;
    const p5 = dues[Math.floor(dues.length * 0.05)];
    const p95 = dues[Math.min(dues.length - 1, Math.floor(dues.length * 0.95))];
    const result: DeadlinesResult = {
      deadlines: load.ok, handleWithinSeconds,
      dueSpreadSeconds: Math.round(spread * 10) / 10,
      dueSpread90Seconds: Math.round(((p95 - p5) / 1000) * 10) / 10,
      escalated,
      lateness: latencyOf(rows.map((r) => Number(r.late))),
    };
    log(`  deadlines: ${escalated} escalated; due within ${result.dueSpreadSeconds} s (90% within ${result.dueSpread90Seconds} s); ` +
      `lateness p50 ${result.lateness.p50} ms, p99 ${result.lateness.p99} ms, max ${result.lateness.max} ms`);
    return result;
  } finally {
    await pool.end();
    await worker.stop();
  }
}
