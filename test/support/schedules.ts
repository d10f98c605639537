/** Tests of the Schedules: each file has its own Schedule ids on its own task queue, and triggers runs by hand. */
import type { Client } from '@temporalio/client';
import { ensureSchedules, type ScheduleIds } from '../../lib/schedules';
import { eventually } from './stack';

export function testScheduleIds(taskQueue: string): ScheduleIds {
  return { retention: `reporter-retention-${taskQueue}`, publication: `assessment-publication-${taskQueue}` };
}

/** The Schedules of this task queue, created as the worker creates them at start. */
export async function createTestSchedules(client: Client, taskQueue: string): Promise<ScheduleIds> {
  const ids = testScheduleIds(taskQueue);
  await ensureSchedules(client, taskQueue, ids);
  return ids;
}

export async function deleteTestSchedules(client: Client, ids: ScheduleIds | undefined): Promise<void> {
  if (!ids) return;
  for (const id of Object.values(ids)) await client.schedule.getHandle(id).delete().catch(() => undefined);
}

/** Triggers one run of the Schedule now and waits for the workflow it started; its result. */
export async function triggerAndWait<T>(client: Client, scheduleId: string): Promise<T> {
  const handle = client.schedule.getHandle(scheduleId);
  const before = new Set((await handle.describe()).info.recentActions.map((a) => a.action.workflow.firstExecutionRunId));
  await handle.trigger();
  const action = await eventually(async () => (await handle.describe()).info.recentActions
    .find((a) => !before.has(a.action.workflow.firstExecutionRunId)), 30_000, `a run of ${scheduleId}`);
  const { workflowId, firstExecutionRunId } = action.action.workflow;
  return client.workflow.getHandle(workflowId, firstExecutionRunId).result() as Promise<T>;
}
