/** 未诉先办: the activities of a proactive round's run (workflows/proactive-round.ts). */
import { Context } from '@temporalio/activity';
import type { Pool } from 'pg';
import type { Policy } from '../lib/policy';
import type { ProactiveFilingPort } from '../lib/proactive/filing-port';
import { CommunityGone } from '../lib/proactive-filing';
import { startingProactiveWhistles } from '../lib/proactive/whistle-start';
import { recordFiling, roundById } from '../lib/stores/proactive';
import type { ProactiveActivities } from './types';

/**
 * `file`: how a whistle is filed; by default the whistle workflow is started with the worker's
 * own client (the activity's context) on the activity's task queue.
 */
export function createProactiveActivities(pool: Pool, policy: Policy, file?: ProactiveFilingPort): ProactiveActivities {
  const port = file ?? startingProactiveWhistles({
    pool, policy, client: () => Context.current().client, taskQueue: () => Context.current().info.taskQueue,
  });
  return {
    async loadProactiveRound(roundId) {
      const round = await roundById(pool, roundId);
      if (!round) return null;
      const { title, description, category, communityIds, list, departmentIds, leadDepartmentId } = round;
      return { title, description, category, communityIds, list, departmentIds, leadDepartmentId };
    },
    async fileProactiveRoundWhistle(request) {
      try {
        const outcome = await port(request);
        await recordFiling(pool, { roundId: request.roundId, occurrence: request.occurrence, communityId: request.communityId, whistleId: outcome.whistleId });
        return outcome;
      } catch (err) {
        // A community deactivated (or moved out of every street) since the round was made: skipped, not retried.
        if (err instanceof CommunityGone) return { skipped: err.message };
        throw err;
      }
    },
  };
}
