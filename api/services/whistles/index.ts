/**
 * Whistles for the API, one job a module: filing (filing.ts), actions as workflow updates
 * (actions.ts, with what they start worked out in action-plans.ts), and reads from the read model
 * with each caller's visibility and fields (reads.ts); Temporal through the gateway
 * (../temporal-gateway.ts), SQL through lib/stores.
 */
import type { Logger } from 'pino';
import type { Pool } from 'pg';
import type { Filing } from '../../../domain';
import type { Policy } from '../../../lib/policy';
import { whistleWorkflowId } from '../../../workflows/messages';
import type { AttachmentService } from '../attachments';
import type { CatalogueService } from '../catalogue';
import type { DeadlinePlanner } from '../../../lib/deadline-planner';
import type { Directory } from '../directory';
import type { IdempotencyKeys } from '../idempotency';
import type { TemporalGateway } from '../temporal-gateway';
import { ActionPlans } from './action-plans';
import { WhistleActions } from './actions';
import { WhistleFiling } from './filing';
import { WhistleReads, type DuplicateFinder } from './reads';

export { whistleIdFor } from './filing';

/** What every log line about a whistle carries: its id and its workflow's. */
export function whistleLogIds(whistleId: string): { whistleId: string; workflowId: string } {
  return { whistleId, workflowId: whistleWorkflowId(whistleId) };
}
export type { DuplicateFinder } from './reads';
export type { WhistleActions, WhistleFiling, WhistleReads };

export interface WhistleServiceDeps {
  pool: Pool;
  gateway: TemporalGateway;
  directory: Directory;
  policy: Policy;
  planner: DeadlinePlanner;
  catalogue: CatalogueService;
  idempotency: IdempotencyKeys;
  logger: Logger;
  /** Photos (附件): attached with the actions that carry `attachmentIds`, listed on the views. */
  attachments: AttachmentService;
  possibleDuplicates?: DuplicateFinder;
  /** After a filing is written (智能分派 records what it would have suggested); a failure is logged, never the caller's. */
  onFiled?: (filing: Filing) => Promise<void>;
}

export interface WhistleServices {
  filing: WhistleFiling;
  actions: WhistleActions;
  reads: WhistleReads;
}

export function createWhistleServices(deps: WhistleServiceDeps): WhistleServices {
  const reads = new WhistleReads(deps);
  const plans = new ActionPlans({ ...deps, reads });
  return {
    reads,
    filing: new WhistleFiling({ ...deps, reads }),
    actions: new WhistleActions({ ...deps, plans, reads }),
  };
}
