/** 智能分派: the nightly retraining of the suggestion model (workflows/suggestion-retraining.ts), audited as `system`. */
import type { Pool } from 'pg';
import { retrain } from '../lib/suggest/retrain';
import type { SuggestionActivities } from './types';

export function createSuggestionActivities(pool: Pool): SuggestionActivities {
  return {
    async retrainSuggestions() {
      const { version, trainedAt, documents, ms } = await retrain(pool, 'system');
      return { version, trainedAt, documents, ms };
    },
  };
}
