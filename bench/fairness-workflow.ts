/**
 * The yardsticks of task-queue fairness and priority (bench/fairness.ts).
 * - `fairnessProbe` does nothing: the order in which a single workflow task slot starts the first
 *   tasks of many such workflows is the order the matcher dispatched them in (their priority is
 *   the one given at `workflow.start`).
 * - `activityBurst` schedules many activities, each with its own priority in its activity options:
 *   the early ones at once, the late ones a second later (so that they reach the queue after all
 *   of the early ones: the server hands the tasks of one workflow task to the queue in no set
 *   order); a single activity slot serves them in the order the matcher dispatches them.
 * - `inheritanceProbe` (bench/priority-server.ts) runs one activity without a priority of its own
 *   once poked, then continues as new.
 * - `filedProbe` and `deadlineProbe` (bench/fairness-burst.ts) cost what a whistle's workflow
 *   task costs where it matters here: a local activity (the projection), at filing or when a
 *   deadline's timer fires.
 */
import { condition, continueAsNew, defineSignal, proxyActivities, proxyLocalActivities, setHandler, sleep } from '@temporalio/workflow';
import type { Priority } from '@temporalio/common';

export const pokeSignal = defineSignal('poke');

export interface FairnessActivities {
  served(label: string): Promise<void>;
}

export interface ProbeActivities {
  /** The projection's stand-in: records `label` as served and takes a few milliseconds. */
  project(label: string): Promise<void>;
}

const { project } = proxyLocalActivities<ProbeActivities>({ startToCloseTimeout: '1 minute' });

/** A whistle just filed: its first workflow task projects it. */
export async function filedProbe(label: string): Promise<void> {
  await project(label);
}

/** A whistle filed (projected) and waiting for its deadline at `dueAt` (epoch ms): the timer fires, it escalates (projects). */
export async function deadlineProbe(label: string, dueAt: number): Promise<void> {
  await project(`${label}:filed`);
  await sleep(Math.max(1, dueAt - Date.now()));
  await project(label);
}

export async function fairnessProbe(): Promise<void> {
  // Nothing: the first workflow task is what is measured.
}

export async function activityBurst(activityQueue: string, early: Task[], late: Task[]): Promise<void> {
  const run = ({ label, priority }: Task) => proxyActivities<FairnessActivities>({
    taskQueue: activityQueue, startToCloseTimeout: '1 minute', priority,
  }).served(label);
  const first = early.map(run);
  await sleep('1 second');
  await Promise.all([...first, ...late.map(run)]);
}

interface Task { label: string; priority: Priority }

/**
 * Waits for a signal, then runs one activity on `activityQueue` with no priority of its own
 * (bench/priority-server.ts: does it take its workflow's?), then continues as new once.
 */
export async function inheritanceProbe(activityQueue: string, label: string, continued = false): Promise<void> {
  if (continued) return;
  let poked = false;
  setHandler(pokeSignal, () => { poked = true; });
  await condition(() => poked);
  await proxyActivities<FairnessActivities>({ taskQueue: activityQueue, startToCloseTimeout: '1 minute' }).served(label);
  await continueAsNew<typeof inheritanceProbe>(activityQueue, label, true);
}
