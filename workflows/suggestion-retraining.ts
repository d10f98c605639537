/**
 * 智能分派: the suggestion model learned again from the district's history (every triage and
 * every category that stood at resolution) and the catalogue as it stands, so the suggestions
 * follow the center's changes (lib/suggest/retrain.ts). Started every night by the Temporal
 * Schedule `suggestion-retraining` (lib/schedules.ts); the center may also retrain on demand
 * (POST /v1/suggest/retrain, `npm run suggestions -- retrain`). A run makes a new model version.
 */
import type { SuggestionActivities, SuggestionRetraining } from '../activities/types';
import { logged, scheduleRunActivities } from './schedule-run';

const { retrainSuggestions } = scheduleRunActivities<SuggestionActivities>(
  '30 minutes', 'learn the suggestions again from the district\'s history',
);

export async function suggestionRetraining(): Promise<SuggestionRetraining> {
  return logged('suggestions retrained', retrainSuggestions());
}
