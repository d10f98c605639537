/**
 * What the workflows a Temporal Schedule starts have in common (lib/schedules.ts,
 * lib/proactive/schedules.ts): their activities are retried until PostgreSQL (or the object store)
 * is back, the Schedule skipping the runs due meanwhile; and a run that is one activity logs and
 * returns what it did, so operators see each run's result in the Temporal UI.
 */
import { log, proxyActivities, type ActivityInterfaceFor } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';

/** The activities of a Schedule's run: `summary` says what they do in the Temporal UI. */
export function scheduleRunActivities<A>(startToCloseTimeout: Duration, summary: string): ActivityInterfaceFor<A> {
  return proxyActivities<A>({
    startToCloseTimeout,
    retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
    summary,
  });
}

/** A run that is one activity: its result, logged under `what`. */
export async function logged<R extends object>(what: string, run: Promise<R>): Promise<R> {
  const result = await run;
  log.info(what, { ...result } as Record<string, unknown>);
  return result;
}
