/** Schemas of the suggestions from the text (智能分派). */
import { Type, type Static } from '@sinclair/typebox';
import { LISTS } from '../../domain';

export const SuggestBody = Type.Object({
  title: Type.String({ maxLength: 200, description: 'The matter\'s title as typed so far (may be empty when the description is not)' }),
  description: Type.String({ maxLength: 5000, description: 'Its description as typed so far' }),
}, {
  additionalProperties: false,
  examples: [{ title: '小区路灯不亮', description: '江景花园3号楼前的路灯坏了半个月，晚上一片漆黑。' }],
});
export type SuggestBody = Static<typeof SuggestBody>;

const Scored = (what: string) => Type.Array(Type.Object({
  id: Type.String({ description: what }),
  score: Type.Number({ minimum: 0, maximum: 1, description: 'How likely, 0..1' }),
}), { maxItems: 3, description: 'The three most likely, best first (fewer only when fewer exist)' });

export const Suggestion = Type.Object({
  categories: Scored('A category id of GET /v1/categories'),
  departments: Scored('A department\'s organisation id'),
  list: Type.String({ enum: [...LISTS], description: '三单: the list the matter most likely belongs to' }),
  modelVersion: Type.Integer({ description: 'The model version that answered (every API process answers with the active one)' }),
});

export const Retrained = Type.Object({
  version: Type.Integer(),
  trainedAt: Type.String({ format: 'date-time' }),
  documents: Type.Object({
    lexicon: Type.Integer({ description: 'Entries of the shipped lexicon' }),
    resolutions: Type.Integer({ description: 'Whistles that reached a resolution (their categories)' }),
    dispatches: Type.Integer({ description: 'Final dispatches (their lead departments and lists)' }),
  }),
  ms: Type.Integer({ description: 'How long the training took' }),
});
