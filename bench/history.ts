/**
 * Where an update's time goes, read from the workflow's own history (server timestamps): the
 * workflow task that accepts it, the projection activity it waits for (queued, running), and the
 * workflow task that completes it once the activity has reported back.
 */
import type { Client } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { quantile } from './measure';

const T = proto.api.enums.v1.EventType;
type Event = proto.api.history.v1.IHistoryEvent;

/** Milliseconds of one update's stages (null when the stage did not happen). */
export interface UpdateSpans {
  name: string;
  /** Update admitted (its workflow task scheduled) → a worker picks that task up. */
  taskQueued: number;
  /** The worker runs the workflow task that accepts the update (incl. local activities). */
  taskRun: number;
  /** The projection activity: waiting for a worker, then running (PostgreSQL transaction). */
  activityQueued: number | null;
  activityRun: number | null;
  /** Activity completed → the next workflow task starts, and runs until the update completes. */
  secondTaskQueued: number | null;
  secondTaskRun: number | null;
  /** Update admitted → update completed, as the server recorded it. */
  total: number;
}

function ms(e: Event | undefined): number {
  const t = e?.eventTime;
  if (!t) return NaN;
  return Number(t.seconds ?? 0) * 1000 + (t.nanos ?? 0) / 1e6;
}

function id(e: Event): number {
  return Number(e.eventId ?? 0);
}

/** The spans of every completed update of one workflow history. */
export function updateSpans(events: Event[]): UpdateSpans[] {
  const out: UpdateSpans[] = [];
  events.forEach((accepted, a) => {
    if (accepted.eventType !== T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED) return;
    const name = accepted.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name ?? '?';
    // The workflow task that accepted it: the last task events before the acceptance.
    const before = events.slice(0, a).reverse();
    const completed1 = before.find((e) => e.eventType === T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
    const started1 = before.find((e) => e.eventType === T.EVENT_TYPE_WORKFLOW_TASK_STARTED);
    const scheduled1 = before.find((e) => e.eventType === T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    const done = events.findIndex((e) => e.eventType === T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED
      && Number(e.workflowExecutionUpdateCompletedEventAttributes?.acceptedEventId ?? -1) === id(accepted));
    if (done < 0) return;
    const between = events.slice(a, done);
    const actScheduled = between.find((e) => e.eventType === T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
    const actStarted = actScheduled && events.find((e) => e.eventType === T.EVENT_TYPE_ACTIVITY_TASK_STARTED
      && Number(e.activityTaskStartedEventAttributes?.scheduledEventId ?? -1) === id(actScheduled));
    const actCompleted = actScheduled && events.find((e) => e.eventType === T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED
      && Number(e.activityTaskCompletedEventAttributes?.scheduledEventId ?? -1) === id(actScheduled));
    const last = between.slice().reverse();
    const started2 = last.find((e) => e.eventType === T.EVENT_TYPE_WORKFLOW_TASK_STARTED);
    const completed2 = events.slice(0, done).reverse().find((e) => e.eventType === T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
    const second = started2 && actCompleted && id(started2) > id(actCompleted);
    out.push({
      name,
      taskQueued: ms(started1) - ms(scheduled1),
      taskRun: ms(completed1) - ms(started1),
      activityQueued: actStarted ? ms(actStarted) - ms(actScheduled) : null,
      activityRun: actStarted && actCompleted ? ms(actCompleted) - ms(actStarted) : null,
      secondTaskQueued: second ? ms(started2) - ms(actCompleted) : null,
      secondTaskRun: second ? ms(completed2) - ms(started2) : null,
      total: ms(events[done]) - ms(scheduled1),
    });
  });
  return out;
}

export async function spansOf(client: Client, workflowId: string): Promise<UpdateSpans[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return updateSpans(history.events ?? []);
}

export type SpanSummary = Record<Exclude<keyof UpdateSpans, 'name'>, { p50: number | null; p99: number | null }> & { n: number };

/** p50 / p99 of every stage over many updates of one name. */
export function summarize(spans: UpdateSpans[]): SpanSummary {
  const keys: Array<Exclude<keyof UpdateSpans, 'name'>> = ['taskQueued', 'taskRun', 'activityQueued', 'activityRun', 'secondTaskQueued', 'secondTaskRun', 'total'];
  const out = { n: spans.length } as SpanSummary;
  for (const k of keys) {
    const values = spans.map((s) => s[k]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    const round = (x: number) => (Number.isFinite(x) ? Math.round(x * 10) / 10 : null);
    out[k] = { p50: values.length ? round(quantile(values, 0.5)) : null, p99: values.length ? round(quantile(values, 0.99)) : null };
  }
  return out;
}
