/** Schemas of the whistle routes: filing, the whistle view, actions and the list filters. */
import { Type, type Static } from '@sinclair/typebox';
import { CATEGORY_IDS } from '../../lib/categories';
import { LISTS, RATINGS, RETURN_KINDS, RETURN_RULINGS, WHISTLE_ACTIONS, WHISTLE_SOURCES, WHISTLE_STATUSES } from '../../domain';
import { NoBody } from './common';
import { AttachmentIds, Attachments } from './attachments';

/**
 * A phone as people write it: digits, spaces, `+ - ( ) .`, and an extension after `转` or `ext`
 * (`+86 (591) 2233-4455 转 12`); at most 30 characters, at least one digit.
 */
export const ReporterPhone = Type.String({
  minLength: 3, maxLength: 30, pattern: '^(?=[^0-9]*[0-9])[0-9 +().-]+( ?(转|[Ee][Xx][Tt]\\.?) ?[0-9]+)?$',
  description: 'Digits, spaces, + - ( ) . and an extension after 转 or ext; at most 30 characters',
});

const OrgId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const Instant = Type.String({ format: 'date-time' });
/** A response field that is one of `values` or null, as OpenAPI 3.0 wants it (`nullable` lists null among the values). */
const NullableEnum = <T extends string>(values: readonly T[]) =>
  Type.Unsafe<T | null>({ type: 'string', enum: [...values, null], nullable: true });

const Location = Type.Object({
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
  location: Type.Optional({ ...Location, description: 'Where; left out, it is the caller\'s community (a compound\'s account: its compound)' }),
  reporter: Type.Optional(Type.Object({
    name: Type.String({ minLength: 1, maxLength: 50 }),
    phone: ReporterPhone,
  }, { additionalProperties: false })),
  urgent: Type.Optional(Type.Boolean()),
  attachmentIds: AttachmentIds,
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
  type: Type.String({ description: 'filed, accepted, progress, resolved, escalated, deadline_escalation, triaged, returned, urged, overdue, ' +
    'reminder, evaluated, reopened, closed, evaluation_expired, withdrawn, due_soon, extension_requested, extension_approved, ' +
    'extension_rejected, extension_lapsed, deadline_recomputed, merged, merged_in, return_ruled (派单异议审核), callback (回访)' }),
  actor: Type.String({ description: 'account id, or "system" for deadlines' }),
  actorName: Type.Optional(Nullable(Type.String({ description: 'the account\'s name (an office\'s: 社区, 街道, 部门 …); null for the system' }))),
  note: Nullable(Type.String()),
  kind: Type.Optional(Type.String({ enum: ['not_our_area', 'not_our_function', 'other'], description: 'a `returned` entry: the kind of return (退单类型) the department gave' })),
  attachmentIds: Type.Optional(Type.Array(Type.String(), { description: 'The photos the call that made this entry attached' })),
});

/** An example of the view, as a supervisor would see it after triage (三单: 即办). */
const WHISTLE_EXAMPLE = {
  id: '3f9c2a71d04b8e65',
  title: '西关社区3号楼下水道堵塞',
  description: '3号楼一单元下水道堵塞一周，污水外溢，社区无力疏通，需要市政处理。',
  category: 'utilities',
  urgent: false,
  location: { communityId: 'xiguan', compoundId: 'xiguan-jiangjing', grid: '西关-03', address: '吴航街道西关社区江景花园3号楼' },
  status: 'department_handling',
  list: 'immediate',
  communityId: 'xiguan',
  streetId: 'wuhang',
  holder: 'urban',
  departments: [{ id: 'urban', lead: true, status: 'handling' }, { id: 'water', lead: false, status: 'dispatched' }],
  dueAt: '2026-12-03T16:00:00.000Z',
  overdue: false,
  reopenCount: 0,
  filedAt: '2026-11-27T01:20:00.000Z',
  resolvedAt: null,
  closedAt: null,
  result: null,
  outcome: null,
  evaluation: null,
  timeline: [
    { at: '2026-11-27T01:20:00.000Z', type: 'filed', actor: 'xiguan', note: null },
    { at: '2026-11-27T02:05:00.000Z', type: 'escalated', actor: 'wuhang', note: '涉及市政管网，街道无权处理' },
    { at: '2026-11-27T03:10:00.000Z', type: 'triaged', actor: 'center', note: '即办：三日内疏通' },
    { at: '2026-11-27T03:40:00.000Z', type: 'accepted', actor: 'urban', note: null },
  ],
  dueSoon: false,
  extension: null,
  returns: 0,
  finalDispatch: false,
  duplicateOf: null,
  duplicates: [],
  reports: 1,
  allowedActions: [],
  possibleDuplicates: [],
  suggestion: null,
  source: 'community',
  callback: null,
  knowledge: [{ id: 'k-drains', title: '下水道堵塞的处置流程' }],
  attachments: [],
};

const Extension = Type.Union([Type.Object({
  status: Type.String({ enum: ['requested', 'approved', 'rejected', 'lapsed'] }),
  until: Instant,
  reason: Type.String(),
  requestedBy: Type.String({ description: 'account id' }),
  requestedAt: Instant,
  decidedBy: Nullable(Type.String({ description: 'account id of the center' })),
  note: Nullable(Type.String()),
}), Type.Null()], { description: '延期申请: the latest extension request of the current stage, or null' });

const Suggestion = Type.Union([Type.Object({
  list: Type.String({ enum: [...LISTS] }),
  departmentIds: Type.Array(Type.String()),
  leadDepartmentId: Nullable(Type.String()),
}), Type.Null()], { description: '派单目录: the catalogue\'s entry for the category, for the center while the whistle is escalated; else null' });

const Callback = Type.Union([Type.Object({
  reached: Type.Boolean({ description: 'whether the reporter was reached by phone' }),
  rating: NullableEnum(RATINGS),
  note: Nullable(Type.String()),
  at: Instant,
  by: Type.String({ description: 'account id of the center' }),
}), Type.Null()], { description: '回访: the callback of the current resolution, or null' });

export const WhistleView = Type.Object({
  id: Type.String({ description: 'The whistle id; its Temporal workflow is `whistle-<id>`' }),
  title: Type.String(),
  description: Type.String(),
  category: Type.String(),
  urgent: Type.Boolean(),
  location: Type.Object({
    communityId: Type.String(), compoundId: Type.Optional(Type.String()), grid: Type.Optional(Type.String()),
    address: Type.Optional(Type.String()), lat: Type.Optional(Type.Number()), lng: Type.Optional(Type.Number()),
  }),
  status: Type.String({ enum: [...WHISTLE_STATUSES] }),
  list: NullableEnum(LISTS),
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
  outcome: NullableEnum(['solved', 'explained']),
  evaluation: Type.Union([Type.Object({
    rating: Type.String({ enum: [...RATINGS] }), comment: Nullable(Type.String()), at: Instant,
  }), Type.Null()]),
  timeline: Type.Array(TimelineEntry),
  dueSoon: Type.Boolean({ description: '临期预警: the warning time of the current deadline has come' }),
  extension: Extension,
  returns: Type.Integer({ description: '退单: how often it was returned in its whole life' }),
  finalDispatch: Type.Boolean({ description: '终审: the center\'s dispatch is final; a further return is refused' }),
  duplicateOf: Nullable(Type.String({ description: '重复件合并: the whistle this one was merged into' })),
  duplicates: Type.Array(Type.String(), { description: 'Whistles merged into this one' }),
  reports: Type.Integer({ description: '1 + the number of duplicates' }),
  allowedActions: Type.Array(Type.String({ enum: [...WHISTLE_ACTIONS] }), {
    description: 'The actions the caller may perform now (the console\'s buttons): each answers neither 403 nor 409 when sent with a valid body',
  }),
  possibleDuplicates: Type.Array(Type.String(), {
    description: 'Other open whistles of the same street and category, nearby or in the same compound, filed within duplicates.withinDays ' +
      '(for the street, the center and supervisors; [] for others)',
  }),
  suggestion: Suggestion,
  source: Type.String({ enum: [...WHISTLE_SOURCES], description: 'community (a community filed it), open311 (an Open311 client), proactive (未诉先办)' }),
  callback: Callback,
  knowledge: Type.Array(Type.Object({ id: Type.String(), title: Type.String() }), {
    maxItems: 5, description: '知识库: related articles, for the holder and the center; [] for everyone else',
  }),
  attachments: Attachments,
}, { $id: 'Whistle', description: 'A whistle (居事上报 / 吹哨报到) and its timeline', examples: [WHISTLE_EXAMPLE] });

const { timeline: _timeline, allowedActions: _a, possibleDuplicates: _p, suggestion: _s, knowledge: _k, attachments: _x, ...SUMMARY_EXAMPLE } = WHISTLE_EXAMPLE;
/** A whistle in a list: the view without its timeline and the per-caller fields. */
export const WhistleSummary = Type.Omit(WhistleView, ['timeline', 'allowedActions', 'possibleDuplicates', 'suggestion', 'knowledge', 'attachments'], {
  $id: 'WhistleSummary', description: 'A whistle as lists show it (GET /v1/whistles/:id has its timeline)', examples: [SUMMARY_EXAMPLE],
});

export const WhistlePage = Type.Object({
  items: Type.Array(Type.Ref('WhistleSummary')),
  nextCursor: Nullable(Type.String({ description: 'Pass as `cursor` for the next page; null on the last page' })),
}, { description: 'A page of whistles, newest first (or by deadline with `sort=due`)', examples: [{ items: [SUMMARY_EXAMPLE], nextCursor: null }] });

const BoolText = Type.String({ enum: ['true', 'false'] });
export const ListQuery = Type.Object({
  status: Type.Optional(Type.String({ enum: [...WHISTLE_STATUSES], description: 'Only whistles in this status' })),
  list: Type.Optional(Type.String({ enum: [...LISTS], description: '三单: immediate 即办, phased 阶段性, understanding 谅解' })),
  streetId: Type.Optional({ ...OrgId, description: 'Only whistles of this street or town (e.g. `wuhang`)' }),
  communityId: Type.Optional({ ...OrgId, description: 'Only whistles of this community (e.g. `xiguan`)' }),
  departmentId: Type.Optional({ ...OrgId, description: 'Only whistles ever dispatched to this department (e.g. `urban`)' }),
  overdue: Type.Optional({ ...BoolText, description: '`true`: only those past a deadline; `false`: only those not' }),
  dueSoon: Type.Optional({ ...BoolText, description: '`true`: only those whose deadline is near (临期预警); `false`: only those not' }),
  holder: Type.Optional({ ...OrgId, description: '`me`: what waits for the caller\'s organisation (a clerk\'s queue); or an organisation id' }),
  category: Type.Optional(Type.String({ enum: [...CATEGORY_IDS], description: 'Only whistles of this category' })),
  callbackDue: Type.Optional(Type.String({ enum: ['true'], description: '(center) `true`: resolved and closed whistles with a reporter phone ' +
    'on record, whose 回访 window is open and whose latest resolution has no callback yet' })),
  sort: Type.Optional(Type.String({ enum: ['filed', 'due'], description: '`filed` (default): newest first; `due`: by deadline, overdue first' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'Page size' })),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: '`nextCursor` of the previous page' })),
}, { additionalProperties: false });
export type ListQuery = Static<typeof ListQuery>;

const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });

/** The body of each action, as the contract gives it. */
export const ACTION_BODIES = {
  accept: NoBody,
  progress: Type.Object({ note: Text(2000), attachmentIds: AttachmentIds }, { additionalProperties: false, examples: [{ note: '已联系施工队，明日上午疏通' }] }),
  resolve: Type.Object({
    result: Text(5000), outcome: Type.Optional(Type.String({ enum: ['solved', 'explained'] })), attachmentIds: AttachmentIds,
  }, { additionalProperties: false, examples: [{ result: '已疏通下水道并更换破损管道', outcome: 'solved' }] }),
  escalate: Type.Object({ reason: Text(2000), attachmentIds: AttachmentIds }, { additionalProperties: false, examples: [{ reason: '涉及市政管网，街道无权处理' }] }),
  triage: Type.Object({
    list: Type.String({ enum: [...LISTS] }),
    departmentIds: Type.Array(OrgId, { minItems: 1, maxItems: 20, uniqueItems: true }),
    leadDepartmentId: Type.Optional(OrgId),
    note: Type.Optional(Text(2000)),
    returnRuling: Type.Optional(Type.String({ enum: [...RETURN_RULINGS], description: '派单异议审核 (required exactly when the whistle ' +
      'came back by a return): upheld 维持退回 (the department was right), rejected 驳回退回' })),
  }, { additionalProperties: false, examples: [{ list: 'immediate', departmentIds: ['urban', 'water'], leadDepartmentId: 'urban', note: '即办：三日内疏通' }] }),
  return: Type.Object({
    reason: Text(2000),
    kind: Type.Optional(Type.String({ enum: [...RETURN_KINDS], description: 'not_our_area 非本单位职责范围, not_our_function 非本单位职能, other 其他' })),
    attachmentIds: AttachmentIds,
  }, { additionalProperties: false, examples: [{ reason: '不属于本部门职责', kind: 'not_our_function' }] }),
  urge: Type.Object({ note: Text(2000) }, { additionalProperties: false, examples: [{ note: '请加快办理' }] }),
  evaluate: Type.Object({
    rating: Type.String({ enum: [...RATINGS] }), comment: Type.Optional(Type.String({ maxLength: 2000 })),
  }, { additionalProperties: false, examples: [{ rating: 'satisfied', comment: '处理及时' }] }),
  withdraw: Type.Object({ reason: Text(2000) }, { additionalProperties: false, examples: [{ reason: '社区已自行解决' }] }),
  'request-extension': Type.Object({
    until: Type.String({ format: 'date-time', description: 'The new deadline: an ISO 8601 instant with an offset, after dueAt' }),
    reason: Text(2000),
  }, { additionalProperties: false, examples: [{ until: '2026-12-10T18:00:00+08:00', reason: '需协调管网改造，等待材料到货' }] }),
  'decide-extension': Type.Object({
    approve: Type.Boolean(), note: Type.Optional(Text(2000)),
  }, { additionalProperties: false, examples: [{ approve: true, note: '同意延期' }] }),
  merge: Type.Object({
    into: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$', description: 'The open whistle this one repeats' }),
    note: Type.Optional(Text(2000)),
  }, { additionalProperties: false, examples: [{ into: '3f9c2a71d04b8e65', note: '同一楼栋同一问题' }] }),
  callback: Type.Object({
    reached: Type.Boolean({ description: 'whether the reporter was reached by phone' }),
    rating: Type.Optional(Type.String({ enum: [...RATINGS], description: 'required when reached' })),
    note: Type.Optional(Text(2000)),
  }, { additionalProperties: false, examples: [{ reached: true, rating: 'satisfied', note: '群众表示满意' }] }),
};
