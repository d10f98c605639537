/**
 * The calendar change's one activity: a page of running whistle and help workflows, found by a
 * visibility query, each signalled `calendarChanged`. It talks to Temporal with the worker's own
 * client (the activity context's), so the worker needs nothing more to run it.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import { calendarChangedSignal } from '../workflows/messages';
import type { CalendarChangeActivities, SignalPage } from '../workflows/calendar-change-messages';

/** Signals in flight at once within a page. */
const CONCURRENCY = 10;

/** The open cases of one deployment: whistles and help requests still running on its queue. */
export function openCasesQuery(taskQueue: string): string {
  if (!/^[A-Za-z0-9_.:/-]{1,200}$/.test(taskQueue)) {
    throw ApplicationFailure.nonRetryable(`task queue "${taskQueue}" cannot be named in a visibility query`, 'bad_task_queue');
  }
  return `WorkflowType IN ("whistle", "help") AND ExecutionStatus = "Running" AND TaskQueue = "${taskQueue}"`;
}

/** The case ended (or never was) by the time of its signal: the client says WorkflowNotFoundError. */
function isGone(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError || (err as { name?: string })?.name === 'WorkflowNotFoundError';
}

export function createCalendarChangeActivities(clientOf: () => Client = () => Context.current().client): CalendarChangeActivities {
  return {
    async signalOpenCases({ changeId, taskQueue, pageSize, pageToken }): Promise<SignalPage> {
      const client = clientOf();
      const listed = await client.workflowService.listWorkflowExecutions({
        namespace: client.options.namespace,
        query: openCasesQuery(taskQueue),
        pageSize,
        nextPageToken: pageToken ? Buffer.from(pageToken, 'base64') : undefined,
      });
      const ids = (listed.executions ?? []).map((e) => e.execution?.workflowId).filter((id): id is string => Boolean(id));
      let signaled = 0;
      let gone = 0;
      for (let i = 0; i < ids.length; i += CONCURRENCY) {
        await Promise.all(ids.slice(i, i + CONCURRENCY).map(async (workflowId) => {
          try {
            await client.workflow.getHandle(workflowId).signal(calendarChangedSignal, { changeId });
            signaled += 1;
          } catch (err) {
            if (!isGone(err)) throw err;
            gone += 1;
          }
        }));
      }
      const next = listed.nextPageToken;
      return { signaled, gone, nextPageToken: next && next.length > 0 ? Buffer.from(next).toString('base64') : null };
    },
  };
}
