/** Schemas of the center's insights: 高频诉求 (recurring matters). */
import { Type, type Static } from '@sinclair/typebox';
import { CATEGORY_IDS } from '../../lib/categories';

const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'A date in Asia/Shanghai (YYYY-MM-DD)' });

export const RecurringQuery = Type.Object({
  from: Type.Optional({ ...Day, description: 'First day of the period (default: 29 days before `to`)' }),
  to: Type.Optional({ ...Day, description: 'Last day of the period, included (default: today, or 29 days after `from`); at most 366 days after `from`' }),
  level: Type.Optional(Type.String({ enum: ['compound', 'community', 'street'], default: 'community', description: 'Group by compound, community or street' })),
  category: Type.Optional(Type.String({ enum: [...CATEGORY_IDS], description: 'Only this category' })),
  minCount: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, default: 3, description: 'Only places and categories with at least this many reports' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100, description: 'At most this many items' })),
}, { additionalProperties: false });
export type RecurringQuery = Static<typeof RecurringQuery>;

const RecurringItem = Type.Object({
  placeId: Type.String(),
  placeName: Type.String(),
  level: Type.String({ enum: ['compound', 'community', 'street'] }),
  category: Type.String({ description: 'category id' }),
  categoryName: Type.String({ description: 'its Chinese name' }),
  count: Type.Integer({ minimum: 1, description: 'Reports in the period: each whistle filed then counts its `reports` (1 + the duplicates merged into it)' }),
  previousCount: Type.Integer({ minimum: 0, description: 'The same for the period of the same length just before' }),
  whistleIds: Type.Array(Type.String(), { description: 'The whistles of the period, oldest first (merged duplicates are counted in theirs)' }),
  firstAt: Type.String({ format: 'date-time' }),
  lastAt: Type.String({ format: 'date-time' }),
});

export const RecurringPage = Type.Object({
  from: Type.String(),
  to: Type.String(),
  previous: Type.Object({ from: Type.String(), to: Type.String() }, { description: 'The period `previousCount` counts' }),
  level: Type.String(),
  items: Type.Array(RecurringItem),
}, { description: 'Most reports first (then the latest, the place, the category)' });
