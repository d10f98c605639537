/** Schemas of the whistle routes: filing, the whistle view, actions and the list filters. */
import { Type, type Static } from '@sinclair/typebox';
import { CATEGORY_IDS } from '../../lib/categories';
import { LISTS, RATINGS, WHISTLE_STATUSES } from '../../workflows/messages';

const OrgId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const Instant = Type.String({ format: 'date-time' });

export const Location = Type.Object({
  communityId: Type.Optional(OrgId),
  compoundId: Type.Optional(OrgId),
  grid: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  address: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
  lng: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
}, { additionalProperties: false });

export const FileWhistleBody = Type.Object({
  title: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.String({ minLength: 1, maxLength: 5000 }),
  category: Type.String({ enum: [...CATEGORY_IDS] }),
  location: Location,
  reporter: Type.Optional(Type.Object({
    name: Type.String({ minLength: 1, maxLength: 50 }),
    phone: Type.String({ minLength: 3, maxLength: 20, pattern: '^[0-9+() -]+$' }),
  }, { additionalProperties: false })),
  urgent: Type.Optional(Type.Boolean()),
}, {
  additionalProperties: false,
  examples: [{
    title: '西关社区3号楼下水道堵塞',
    description: '3号楼一单元下水道堵塞一周，污水外溢，社区无力疏通，需要市政处理。',
    category: 'utilities',
    location: { communityId: 'xiguan', compoundId: 'xiguan-jiangjing', grid: '西关-03', address: '吴航街道西关社区江景花园3号楼', lat: 25.9613, lng: 119.5232 },
    reporter: { name: '李大爷', phone: '13800000000' },
    urgent: false,
  }],
});
export type FileWhistleBody = Static<typeof FileWhistleBody>;

const Department = Type.Object({
  id: Type.String(),
  lead: Type.Boolean(),
  status: Type.String({ enum: ['dispatched', 'handling', 'returned', 'resolved'] }),
});

const TimelineEntry = Type.Object({
  at: Instant,
  type: Type.String({ description: 'filed, accepted, progress, resolved, escalated, deadline_escalation, triaged, returned, urged, overdue, reminder, evaluated, reopened, closed, evaluation_expired, withdrawn' }),
  actor: Type.String({ description: 'account id, or "system" for deadlines' }),
  note: Nullable(Type.String()),
});

export const WhistleView = Type.Object({
  id: Type.String(),
  title: Type.String(),
  description: Type.String(),
  category: Type.String(),
  urgent: Type.Boolean(),
  location: Type.Object({
    communityId: Type.String(), compoundId: Type.Optional(Type.String()), grid: Type.Optional(Type.String()),
    address: Type.Optional(Type.String()), lat: Type.Optional(Type.Number()), lng: Type.Optional(Type.Number()),
  }),
  status: Type.String({ enum: [...WHISTLE_STATUSES] }),
  list: Type.Union([Type.String({ enum: [...LISTS] }), Type.Null()]),
  communityId: Type.String(),
  streetId: Type.String(),
  holder: Nullable(Type.String({ description: 'the organisation that must act now' })),
  departments: Type.Array(Department),
  dueAt: Nullable(Instant),
  overdue: Type.Boolean(),
  reopenCount: Type.Integer(),
  filedAt: Instant,
  resolvedAt: Nullable(Instant),
  closedAt: Nullable(Instant),
  result: Nullable(Type.String()),
  outcome: Type.Union([Type.String({ enum: ['solved', 'explained'] }), Type.Null()]),
  evaluation: Type.Union([Type.Object({
    rating: Type.String({ enum: [...RATINGS] }), comment: Nullable(Type.String()), at: Instant,
  }), Type.Null()]),
  timeline: Type.Array(TimelineEntry),
}, { $id: 'Whistle' });

export const WhistlePage = Type.Object({
  items: Type.Array(Type.Ref('Whistle')),
  nextCursor: Nullable(Type.String()),
});

const BoolText = Type.String({ enum: ['true', 'false'] });
export const ListQuery = Type.Object({
  status: Type.Optional(Type.String({ enum: [...WHISTLE_STATUSES] })),
  list: Type.Optional(Type.String({ enum: [...LISTS] })),
  streetId: Type.Optional(OrgId),
  communityId: Type.Optional(OrgId),
  departmentId: Type.Optional(OrgId),
  overdue: Type.Optional(BoolText),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
}, { additionalProperties: false });
export type ListQuery = Static<typeof ListQuery>;

const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const NoBody = Type.Object({}, { additionalProperties: false });

/** The body of each action, as the contract gives it. */
export const ACTION_BODIES = {
  accept: NoBody,
  progress: Type.Object({ note: Text(2000) }, { additionalProperties: false, examples: [{ note: '已联系施工队，明日上午疏通' }] }),
  resolve: Type.Object({
    result: Text(5000), outcome: Type.Optional(Type.String({ enum: ['solved', 'explained'] })),
  }, { additionalProperties: false, examples: [{ result: '已疏通下水道并更换破损管道', outcome: 'solved' }] }),
  escalate: Type.Object({ reason: Text(2000) }, { additionalProperties: false, examples: [{ reason: '涉及市政管网，街道无权处理' }] }),
  triage: Type.Object({
    list: Type.String({ enum: [...LISTS] }),
    departmentIds: Type.Array(OrgId, { minItems: 1, maxItems: 20, uniqueItems: true }),
    leadDepartmentId: Type.Optional(OrgId),
    note: Type.Optional(Text(2000)),
  }, { additionalProperties: false, examples: [{ list: 'immediate', departmentIds: ['urban', 'water'], leadDepartmentId: 'urban', note: '即办：三日内疏通' }] }),
  return: Type.Object({ reason: Text(2000) }, { additionalProperties: false, examples: [{ reason: '不属于本部门职责' }] }),
  urge: Type.Object({ note: Text(2000) }, { additionalProperties: false, examples: [{ note: '请加快办理' }] }),
  evaluate: Type.Object({
    rating: Type.String({ enum: [...RATINGS] }), comment: Type.Optional(Type.String({ maxLength: 2000 })),
  }, { additionalProperties: false, examples: [{ rating: 'satisfied', comment: '处理及时' }] }),
  withdraw: Type.Object({ reason: Text(2000) }, { additionalProperties: false, examples: [{ reason: '社区已自行解决' }] }),
};
