/** The worker's activities, bound to their dependencies (database pool, policy). */
import type { Pool } from 'pg';
import type { Policy } from '../lib/policy';
import { createDeadlineActivities } from './deadlines';
import { projectWhistle } from './read-model';
import type { WhistleProjection } from './types';

export function createActivities(deps: { pool: Pool; policy: Policy }) {
  return {
    ...createDeadlineActivities(deps.policy, deps.pool),
    projectWhistle: (p: WhistleProjection) => projectWhistle(deps.pool, p),
  };
}

export type Activities = ReturnType<typeof createActivities>;
