/**
 * 重复件合并, on the original: right after a merge, the API tells the original itself (the
 * `mergedIn` update) instead of leaving it to the merged whistle's signal a moment later, so that
 * when the merge answers, the original already lists the duplicate, counts its report and shows
 * `merged_in` (CONTRACT, "Consistency"). The signal still comes and changes nothing then; it
 * remains the path for originals whose workflows have no such update (filed before it) and for
 * an API that stops in between.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { Logger } from 'pino';
import type { ActionResult, MergedIn } from '../../domain';
import { mergedInUpdate, whistleWorkflowId } from '../../workflows/messages';
import { CaseEnded, type TemporalGateway } from './temporal-gateway';

/** What the original hears of a merge: the same news the merged whistle's workflow signals. */
export function mergedInOf(merged: ActionResult, by: string, note: unknown): MergedIn {
  return {
    id: merged.view.id, filerOrgId: merged.view.filerOrgId, communityId: merged.view.communityId, by,
    note: typeof note === 'string' ? note : null,
  };
}

/** The original's workflow predates the update (the SDK refuses an update it has no handler for). */
function unknownUpdate(err: unknown): boolean {
  return err instanceof WorkflowUpdateFailedError && /no registered handler for update/i.test(String(err.cause?.message ?? ''));
}

/**
 * Tells the original `into` of the merge; its answer (the original's state and timeline from its
 * `merged_in` entry on), or null when the signal is to tell it: its workflow has no such update,
 * has ended, or did not answer (logged).
 */
export async function tellOriginal(gateway: TemporalGateway, into: string, news: MergedIn, logger: Logger): Promise<ActionResult | null> {
  try {
    return await gateway.update<ActionResult, [MergedIn]>(whistleWorkflowId(into), mergedInUpdate.name, [news], `merged-in-${news.id}`);
  } catch (err) {
    // Ended (or never existed): the gateway's CaseEnded.
    if (!unknownUpdate(err) && !(err instanceof CaseEnded)) {
      logger.warn({ err, whistleId: into, merged: news.id }, 'the original did not answer the merge; its merged whistle tells it');
    }
    return null;
  }
}
