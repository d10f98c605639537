/**
 * The yardstick for intake (issue 17, item 4): a workflow whose first task runs one local
 * activity that writes one row, then waits, as a whistle waits on its deadlines. Bundled on its
 * own and run by bench/intake-worker.ts.
 */
import { condition, defineSignal, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import type { IntakeActivities } from './intake-worker';

const { writeIntakeRow } = proxyLocalActivities<IntakeActivities>({ startToCloseTimeout: '10 seconds' });

export const stopIntakeSignal = defineSignal('stop');

export async function intakeTrivial(id: string): Promise<void> {
  let stopped = false;
  setHandler(stopIntakeSignal, () => { stopped = true; });
  await writeIntakeRow(id);
  await condition(() => stopped);
}
