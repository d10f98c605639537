/**
 * The yardstick for action latency: a workflow with one update that answers at once, so a
 * round trip measures only the client, the Temporal server and one workflow task.
 * Bundled on its own and run by bench/trivial-worker.ts on its own task queue. `timerAt` below
 * is the same for deadlines.
 */
import { condition, defineSignal, defineUpdate, setHandler, sleep } from '@temporalio/workflow';

/** Answers with what it was given, changing nothing else. */
export const pingUpdate = defineUpdate<number, [number]>('ping');
export const stopSignal = defineSignal('stop');

export async function trivial(): Promise<void> {
  let stopped = false;
  setHandler(pingUpdate, (n) => n);
  setHandler(stopSignal, () => { stopped = true; });
  await condition(() => stopped);
}

/**
 * The yardstick for deadline accuracy: a durable timer until `dueMs` (epoch ms), and how late
 * the workflow task after it started (its clock is that task's start, as for a whistle's
 * escalation entry), in ms.
 */
export async function timerAt(dueMs: number): Promise<number> {
  await sleep(Math.max(dueMs - Date.now(), 1));
  return Date.now() - dueMs;
}
