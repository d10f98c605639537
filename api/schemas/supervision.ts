/**
 * Schemas of closing the loop: the public notice board (公示栏), the quarterly assessment (验单),
 * notifications (反馈, 督办) and statistics.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { LISTS, RATINGS, WHISTLE_STATUSES } from '../../domain';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Instant = Type.String({ format: 'date-time' });
const Named = Type.Object({ id: Type.String(), name: Type.String() });
const Limit = (max: number, fallback: number) => Type.Integer({ minimum: 1, maximum: max, default: fallback });
const Cursor = Type.String({ minLength: 1, maxLength: 200, description: 'nextCursor of the previous page' });

// ---- 公示栏 -------------------------------------------------------------------------------------

export const CommunityParam = Type.Object({
  communityId: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' }),
}, { additionalProperties: false });

/** A page of a list newest first: 20 items unless told (at most 100), after the cursor the previous page gave. */
const PageQuery = Type.Object({
  limit: Type.Optional(Limit(100, 20)),
  cursor: Type.Optional(Cursor),
}, { additionalProperties: false });

export const BoardQuery = PageQuery;
export type BoardQuery = Static<typeof BoardQuery>;

export const BoardItem = Type.Object({
  id: Type.String(),
  title: Type.String(),
  category: Type.String({ description: 'category id, see GET /v1/categories' }),
  categoryName: Type.String({ description: 'its Chinese name' }),
  list: Nullable(Type.String({ enum: [...LISTS] })),
  listName: Nullable(Type.String({ description: '即办 / 阶段性 / 谅解' })),
  status: Type.String({ enum: ['resolved', 'closed'] }),
  street: Named,
  departments: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), lead: Type.Boolean() }),
    { description: 'the departments that handled it (the lead is 牵头单位); empty when the street resolved it' }),
  filedAt: Instant,
  resolvedAt: Nullable(Instant),
  closedAt: Nullable(Instant),
  result: Nullable(Type.String()),
  outcome: Nullable(Type.String({ enum: ['solved', 'explained'] })),
  rating: Nullable(Type.String({ enum: [...RATINGS] })),
  ratingName: Nullable(Type.String({ description: '满意 / 基本满意 / 不满意' })),
  reporter: Nullable(Type.Object({ name: Type.String({ description: 'first character and *: 李大爷 → 李*; `*` alone once the retention period erased the reporter' }) })),
  reports: Type.Integer({ minimum: 1, description: '重复件合并: how many reports of this problem were merged into this one (1 + duplicates)' }),
});
export type BoardItem = Static<typeof BoardItem>;

export const BoardPage = Type.Object({
  community: Type.Object({ id: Type.String(), name: Type.String(), street: Named }),
  items: Type.Array(BoardItem),
  nextCursor: Nullable(Type.String()),
}, {
  description: 'Newest resolution first (resolvedAt, then id); pages of `limit` (1..100, default 20) through `cursor`.',
});
export type BoardPage = Static<typeof BoardPage>;

export const BoardPageQuery = Type.Object({
  limit: Type.Optional(Limit(200, 50)),
  cursor: Type.Optional(Cursor),
}, { additionalProperties: false });

// ---- 验单 ---------------------------------------------------------------------------------------

export const AssessmentQuery = Type.Object({
  quarter: Type.Optional(Type.String({
    pattern: '^2[0-9]{3}-Q[1-4]$', description: 'YYYY-Qn in Asia/Shanghai; default the current quarter', examples: ['2026-Q4'],
  })),
  format: Type.Optional(Type.String({ enum: ['json', 'csv'], default: 'json' })),
  live: Type.Optional(Type.Boolean({
    default: false,
    description: 'true: today\'s computation, also for a published quarter (whose published figures never change)',
  })),
}, { additionalProperties: false });
export type AssessmentQuery = Static<typeof AssessmentQuery>;

const Count = Type.Integer({ minimum: 0 });
const Rate = Nullable(Type.Number({ minimum: 0, maximum: 1, description: 'null when its denominator is 0' }));

const AssessmentRow = Type.Object({
  unitId: Type.String(),
  unitName: Type.String(),
  kind: Type.String({ enum: ['street', 'department'] }),
  received: Count,
  acceptedOnTime: Count,
  resolved: Count,
  resolvedOnTime: Count,
  overdue: Count,
  escalated: Count,
  returned: Count,
  urged: Count,
  evaluated: Count,
  satisfied: Count,
  basicallySatisfied: Count,
  unsatisfied: Count,
  extended: { ...Count, description: '延期: receipts in which the unit had an extension approved (on-time is measured against it)' },
  dueSoonWarned: { ...Count, description: '临期预警: receipts in which the unit was warned before a deadline' },
  pendingAcceptance: { ...Count, description: 'receipts not yet accepted whose acceptance deadline has not passed: out of responseRate' },
  pendingResolution: { ...Count, description: 'receipts not yet resolved whose resolution deadline has not passed: out of resolutionRate' },
  returnsUpheld: { ...Count, description: '派单异议审核: returns of the department the center ruled well founded (out of its resolutionRate)' },
  returnsRejected: { ...Count, description: '派单异议审核: returns the center ruled without cause (counted as not responded)' },
  callbacks: { ...Count, description: '回访 of the resolutions of the unit that resolved' },
  callbacksReached: { ...Count, description: 'callbacks in which the reporter was reached' },
  callbackSatisfied: { ...Count, description: 'reached callbacks rated satisfied or basically satisfied' },
  responseRate: Rate,
  resolutionRate: Rate,
  onTimeRate: Rate,
  satisfactionRate: Rate,
  callbackSatisfactionRate: Rate,
  score: Nullable(Type.Number({ minimum: 0, maximum: 100, description: '0..100; null when the unit received nothing' })),
});

export const Assessment = Type.Object({
  quarter: Type.String(),
  from: Instant,
  to: Instant,
  weights: Type.Object({ response: Type.Number(), resolution: Type.Number(), onTime: Type.Number(), satisfaction: Type.Number() }),
  items: Type.Array(AssessmentRow, { description: 'one row per street and department, streets first' }),
  publishedAt: Nullable(Type.String({
    format: 'date-time',
    description: 'when these figures were published (定期验单); null for a computation of today (a quarter not yet published, or live=true)',
  })),
  live: Type.Boolean({ description: 'true: computed now from today\'s data; false: the published figures, unchanged since publishedAt' }),
}, { description: 'Formulas: docs/ASSESSMENT.md' });

// ---- notifications --------------------------------------------------------------------------

export const NotificationQuery = PageQuery;
export type NotificationQuery = Static<typeof NotificationQuery>;

export const NotificationPage = Type.Object({
  items: Type.Array(Type.Object({
    id: Type.String(),
    kind: Type.String({ description: 'whistle_filed, whistle_to_center, whistle_dispatched, overdue, urged, progress_reminder, feedback, evaluated, withdrawn, …' }),
    subjectType: Type.String(),
    subjectId: Type.String(),
    message: Type.String(),
    createdAt: Instant,
    deliveredAt: Nullable(Instant),
    delivery: Type.Object({
      status: Type.String({
        enum: ['pending', 'delivered', 'failed', 'inbox'],
        description: 'pending: waiting for its next attempt; delivered: the webhook answered 2xx; failed: refused ' +
          'WEBHOOK_MAX_ATTEMPTS times (npm run notifications -- retry queues it again); inbox: no WEBHOOK_URL, read through the API only',
      }),
      attempts: Type.Integer({ minimum: 0, description: 'POSTs made so far (from zero again after a retry)' }),
      lastError: Nullable(Type.String({ description: 'why the last attempt failed' })),
    }),
  })),
  nextCursor: Nullable(Type.String()),
});

// ---- statistics -----------------------------------------------------------------------------

const Day = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'YYYY-MM-DD, a day in Asia/Shanghai (inclusive)' });

export const StatsQuery = Type.Object({
  from: Type.Optional(Day),
  to: Type.Optional(Day),
}, { additionalProperties: false });
export type StatsQuery = Static<typeof StatsQuery>;

export const Stats = Type.Object({
  from: Nullable(Type.String()),
  to: Nullable(Type.String()),
  filed: Count,
  mattersHandled: Type.Integer({ minimum: 0, description: 'resolved or closed' }),
  byList: Type.Object({ immediate: Count, phased: Count, understanding: Count }),
  byStatus: Type.Object(Object.fromEntries(WHISTLE_STATUSES.map((s) => [s, Count]))),
  evaluations: Type.Object({ total: Count, satisfied: Count, basicallySatisfied: Count, unsatisfied: Count }),
  satisfactionRate: Rate,
  overdue: Count,
  escalated: Count,
  triage: Type.Object({
    dispatches: Count,
    withSuggestion: { ...Count, description: 'dispatches of a category that had an entry in the dispatch catalogue (派单目录)' },
    followedSuggestion: { ...Count, description: 'those that dispatched exactly the catalogue\'s list, departments and lead' },
    followedRate: Rate,
  }, { description: 'How often triage followed the dispatch catalogue' }),
  suggestion: Type.Object({
    categoryTop1Rate: { ...Rate, description: 'Of the whistles with a suggestion on record (made when filed): how often its first category was the category filed' },
    departmentTop1Rate: { ...Rate, description: 'Of those dispatched: how often its first department was the lead of the final dispatch' },
  }, { description: '智能分派: how often the first suggestion was the final choice' }),
}, { description: 'Every figure counts the whistles filed from `from` to `to` (Asia/Shanghai days); see docs/ASSESSMENT.md' });
