/**
 * The yardstick for action latency: a workflow with one update that answers at once, so a
 * round trip measures only the client, the Temporal server and one workflow task.
 * Bundled on its own and run by bench/trivial-worker.ts on its own task queue.
 */
import { condition, defineSignal, defineUpdate, setHandler } from '@temporalio/workflow';

/** Answers with what it was given, changing nothing else. */
export const pingUpdate = defineUpdate<number, [number]>('ping');
export const stopSignal = defineSignal('stop');

export async function trivial(): Promise<void> {
  let stopped = false;
  setHandler(pingUpdate, (n) => n);
  setHandler(stopSignal, () => { stopped = true; });
  await condition(() => stopped);
}
