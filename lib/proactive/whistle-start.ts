/**
 * The filing port's implementation (lib/proactive/filing-port.ts) for a worker's activity: the
 * round's whistle filed by lib/proactive-filing.ts (dispatched at once, `source: "proactive"`),
 * its deadlines planned with the policy and the working-day calendar as the API plans them, the
 * workflow started with the worker's own client on its task queue at the whistle's priority.
 */
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Pool } from 'pg';
import { CalendarSource } from '../calendar-source';
import { DeadlinePlanner } from '../deadline-planner';
import type { Policy } from '../policy';
import { fileProactiveWhistle } from '../proactive-filing';
import { unitAndParent } from '../stores/orgs';
import { whistlePriority } from '../task-priority';
import type { ProactiveFilingPort } from './filing-port';

export function startingProactiveWhistles(deps: { pool: Pool; policy: Policy; client: () => Client; taskQueue: () => string }): ProactiveFilingPort {
  const planner = new DeadlinePlanner(deps.policy, new CalendarSource(deps.pool));
  return async (request) => {
    const filed = await fileProactiveWhistle({
      pool: deps.pool,
      policy: deps.policy,
      plan: (items) => planner.plan(items),
      async start(options) {
        const streetId = (await unitAndParent(deps.pool, request.communityId))?.parentId ?? '';
        try {
          await deps.client().workflow.start('whistle', {
            ...options, taskQueue: deps.taskQueue(), priority: whistlePriority({ streetId, urgent: false, list: request.list }),
          });
          return true;
        } catch (err) {
          if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
          throw err;
        }
      },
    }, request);
    return { whistleId: filed.id, created: filed.filed };
  };
}
