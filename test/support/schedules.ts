/** Tests of the Schedules: each file has its own Schedule ids on its own task queue, and triggers runs by hand. */
import type { Client } from '@temporalio/client';
import { ensureSchedules, type ScheduleIds } from '../../lib/schedules';
import { TEST_PEPPER } from './constants';
import { createDatabase, type ThrowawayDatabase } from './processes';
import { eventually, startStack, type Stack } from './stack';

function testScheduleIds(taskQueue: string): ScheduleIds {
  return { retention: `reporter-retention-${taskQueue}`, publication: `assessment-publication-${taskQueue}`, photos: `photo-sweep-${taskQueue}`,
    suggestions: `suggestion-retraining-${taskQueue}` };
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

/**
 * A stack on a throwaway database of its own (`database`, with `policy`) and this file's Schedules:
 * registers the file's beforeAll and afterAll; `receive` gets the database, the started stack and the Schedules' ids.
 */
export function scheduledStack(database: string, policy: Record<string, unknown>,
  receive: (started: { db: ThrowawayDatabase; stack: Stack; ids: ScheduleIds }) => void): void {
  let db: ThrowawayDatabase | undefined;
  let stack: Stack | undefined;
  let ids: ScheduleIds | undefined;
  beforeAll(async () => {
    db = await createDatabase(database, TEST_PEPPER);
    stack = await startStack({ policy, env: { DATABASE_URL: db.url } });
    ids = await createTestSchedules(stack.client, stack.config.taskQueue);
    receive({ db, stack, ids });
  }, 90_000);
  afterAll(async () => {
    if (stack) await deleteTestSchedules(stack.client, ids);
    await stack?.stop();
    await db?.drop();
  });
}
