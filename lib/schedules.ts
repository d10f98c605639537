/**
 * The project's Temporal Schedules, created at worker start (worker/main.ts) so that they run
 * the workflows of the task queue that worker serves, whichever process starts first:
 *
 * - `reporter-retention` — every day at 03:00 Asia/Shanghai, workflow `reporterRetention`
 *   (personal data retention: reporters' names and phones erased `retention.reporterDays`
 *   after the end);
 * - `assessment-publication` — every day at 00:00 Asia/Shanghai, workflow
 *   `assessmentPublication` (定期验单: every quarter whose publication time has come is
 *   published; a quarter falls due exactly at a 00:00, so the run of that midnight publishes it);
 * - `photo-sweep` — every hour at minute 17, workflow `photoSweep` (附件: uploads nothing
 *   references within 24 hours are deleted, so none lives much past 25 hours);
 * - `suggestion-retraining` — every day at 02:00 Asia/Shanghai, workflow `suggestionRetraining`
 *   (智能分派: the model learned again from the day's triages and resolutions).
 *
 * All are idempotent runs, so the overlap policy is SKIP (a run still going when the next is due
 * makes that one unnecessary) and a run missed while the cluster was down is caught up within a
 * day. Creation is idempotent: a Schedule that exists is kept — paused stays paused, its history
 * stays — and only brought up to date when its task queue, workflow, priority, time or zone differ.
 * Operators find them under Schedules in the Temporal UI, with every run's result. Their runs are
 * bulk work: last on the task queue (lib/task-priority.ts), after every whistle and help request.
 */
import { ScheduleAlreadyRunning, type Client, type ScheduleDescription, type ScheduleOptions, type ScheduleOptionsAction } from '@temporalio/client';
import { SHANGHAI_TIME_ZONE } from '../domain/shanghai-time';
import { bulkPriority, type BulkWork, type TaskPriority } from './task-priority';

const SCHEDULE_TIMEZONE = SHANGHAI_TIME_ZONE;

export interface ScheduleIds { retention: string; publication: string; photos: string; suggestions: string }
const SCHEDULE_IDS: Readonly<ScheduleIds> = Object.freeze({
  retention: 'reporter-retention', publication: 'assessment-publication', photos: 'photo-sweep', suggestions: 'suggestion-retraining',
});

/** `hour`: daily at that hour, minute 0; `everyHourAt`: every hour at that minute. */
interface Plan { id: string; workflowType: string; hour?: number; everyHourAt?: number; summary: string; work: BulkWork }

function plans(ids: ScheduleIds): Plan[] {
  return [
    { id: ids.retention, workflowType: 'reporterRetention', hour: 3, work: 'retention',
      summary: 'Personal data retention: erase reporters (name, phone) past retention.reporterDays' },
    { id: ids.publication, workflowType: 'assessmentPublication', hour: 0, work: 'assessment-publication',
      summary: '定期验单: publish every quarter whose publication time (assessment.publishAfterDays) has come' },
    { id: ids.photos, workflowType: 'photoSweep', everyHourAt: 17, work: 'photo-sweep',
      summary: '附件: delete photos nothing references within 24 hours (and attach those a timeline entry names)' },
    { id: ids.suggestions, workflowType: 'suggestionRetraining', hour: 2, work: 'suggestion-retraining',
      summary: '智能分派: learn the suggestions again from the triages and resolutions so far' },
  ];
}

/** The Schedule's time in words, as its calendar's comment shows it in the Temporal UI. */
function commentOf(plan: Plan): string {
  return plan.everyHourAt === undefined
    ? `daily at ${String(plan.hour).padStart(2, '0')}:00 Asia/Shanghai`
    : `every hour at minute ${plan.everyHourAt}`;
}

/** The SDK (1.24) sends a start action's `priority` (and describes it) though its type for creating one leaves it out. */
type StartWithPriority = ScheduleOptionsAction & { priority: TaskPriority };

function optionsOf(plan: Plan, taskQueue: string): ScheduleOptions {
  const action: StartWithPriority = {
    type: 'startWorkflow',
    workflowType: plan.workflowType,
    workflowId: plan.id,
    taskQueue,
    args: [],
    staticSummary: plan.summary,
    priority: bulkPriority(plan.work),
    // One run should take seconds; a run that cannot finish in its period gives way to the next one's.
    workflowExecutionTimeout: plan.everyHourAt === undefined ? '23 hours' : '55 minutes',
  };
  const comment = commentOf(plan);
  const calendar = plan.everyHourAt === undefined
    ? { hour: plan.hour, minute: 0, second: 0, comment }
    : { hour: { start: 0, end: 23 }, minute: plan.everyHourAt, second: 0, comment };
  return {
    scheduleId: plan.id,
    spec: { calendars: [calendar], timezone: SCHEDULE_TIMEZONE },
    action,
    policies: { overlap: 'SKIP', catchupWindow: plan.everyHourAt === undefined ? '1 day' : '1 hour' },
  };
}

/** What makes an existing Schedule current: its workflow, task queue, priority, time and zone. */
function isCurrent(found: ScheduleDescription, plan: Plan, taskQueue: string): boolean {
  const action = found.action as { workflowType?: string; taskQueue?: string; priority?: Partial<TaskPriority> };
  const calendar = found.spec.calendars?.[0];
  const priority = bulkPriority(plan.work);
  return action.workflowType === plan.workflowType && action.taskQueue === taskQueue
    && action.priority?.priorityKey === priority.priorityKey && action.priority?.fairnessKey === priority.fairnessKey
    && found.spec.timezone === SCHEDULE_TIMEZONE && (found.spec.calendars?.length ?? 0) === 1
    && (plan.everyHourAt === undefined
      ? calendar?.hour.length === 1 && calendar.hour[0].start === plan.hour && calendar.minute[0]?.start === 0
      : calendar?.hour.length === 1 && calendar.hour[0].start === 0 && calendar.hour[0].end === 23
        && calendar.minute[0]?.start === plan.everyHourAt);
}

export type ScheduleOutcome = 'created' | 'updated' | 'unchanged';

/**
 * Creates the Schedules unless they exist (updating one whose task queue, workflow, priority,
 * time or zone differ); safe from every worker at every start. Returns what happened to each id.
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
