/**
 * The project's Temporal Schedules, created at worker start (worker/main.ts) so that they run
 * the workflows of the task queue that worker serves, whichever process starts first:
 *
 * - `reporter-retention` — every day at 03:00 Asia/Shanghai, workflow `reporterRetention`
 *   (personal data retention: reporters' names and phones erased `retention.reporterDays`
 *   after the end);
 * - `assessment-publication` — every day at 00:00 Asia/Shanghai, workflow
 *   `assessmentPublication` (定期验单: every quarter whose publication time has come is
 *   published; a quarter falls due exactly at a 00:00, so the run of that midnight publishes it).
 *
 * Both are idempotent runs, so the overlap policy is SKIP (a run still going when the next is due
 * makes that one unnecessary) and a run missed while the cluster was down is caught up within a
 * day. Creation is idempotent: a Schedule that exists is kept — paused stays paused, its history
 * stays — and only brought up to date when its task queue, workflow, time or zone differ.
 * Operators find them under Schedules in the Temporal UI, with every run's result.
 */
import { ScheduleAlreadyRunning, type Client, type ScheduleDescription, type ScheduleOptions } from '@temporalio/client';

export const SCHEDULE_TIMEZONE = 'Asia/Shanghai';

export interface ScheduleIds { retention: string; publication: string }
export const SCHEDULE_IDS: Readonly<ScheduleIds> = Object.freeze({ retention: 'reporter-retention', publication: 'assessment-publication' });

interface Plan { id: string; workflowType: string; hour: number; summary: string; comment: string }

function plans(ids: ScheduleIds): Plan[] {
  return [
    {
      id: ids.retention, workflowType: 'reporterRetention', hour: 3,
      summary: 'Personal data retention: erase reporters (name, phone) past retention.reporterDays',
      comment: 'daily at 03:00 Asia/Shanghai',
    },
    {
      id: ids.publication, workflowType: 'assessmentPublication', hour: 0,
      summary: '定期验单: publish every quarter whose publication time (assessment.publishAfterDays) has come',
      comment: 'daily at 00:00 Asia/Shanghai',
    },
  ];
}

function optionsOf(plan: Plan, taskQueue: string): ScheduleOptions {
  return {
    scheduleId: plan.id,
    spec: { calendars: [{ hour: plan.hour, minute: 0, second: 0, comment: plan.comment }], timezone: SCHEDULE_TIMEZONE },
    action: {
      type: 'startWorkflow',
      workflowType: plan.workflowType,
      workflowId: plan.id,
      taskQueue,
      args: [],
      staticSummary: plan.summary,
      // One run should take seconds; a run that cannot finish in a day gives way to the next day's.
      workflowExecutionTimeout: '23 hours',
    },
    policies: { overlap: 'SKIP', catchupWindow: '1 day' },
  };
}

/** What makes an existing Schedule current: its workflow, task queue, time and zone. */
function isCurrent(found: ScheduleDescription, plan: Plan, taskQueue: string): boolean {
  const action = found.action as { workflowType?: string; taskQueue?: string };
  const calendar = found.spec.calendars?.[0];
  return action.workflowType === plan.workflowType && action.taskQueue === taskQueue
    && found.spec.timezone === SCHEDULE_TIMEZONE && (found.spec.calendars?.length ?? 0) === 1
    && calendar?.hour.length === 1 && calendar.hour[0].start === plan.hour && calendar.minute[0]?.start === 0;
}

export type ScheduleOutcome = 'created' | 'updated' | 'unchanged';

/**
 * Creates the two Schedules unless they exist (updating one whose task queue, workflow, time or
 * zone differ); safe from every worker at every start. Returns what happened to each id.
 */
export async function ensureSchedules(
  client: Client, taskQueue: string, ids: ScheduleIds = SCHEDULE_IDS,
): Promise<Record<string, ScheduleOutcome>> {
  const outcome: Record<string, ScheduleOutcome> = {};
  for (const plan of plans(ids)) {
    const options = optionsOf(plan, taskQueue);
    try {
      await client.schedule.create(options);
      outcome[plan.id] = 'created';
      continue;
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    }
    const handle = client.schedule.getHandle(plan.id);
    if (isCurrent(await handle.describe(), plan, taskQueue)) {
      outcome[plan.id] = 'unchanged';
      continue;
    }
    await handle.update((previous) => ({
      spec: options.spec, action: options.action, policies: options.policies,
      state: { paused: previous.state.paused, note: previous.state.note, remainingActions: previous.state.remainingActions },
    }));
    outcome[plan.id] = 'updated';
  }
  return outcome;
}
