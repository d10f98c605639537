/**
 * The whistle's vocabulary (吹哨报到): statuses, lists, the view, the filing, the actions and
 * their bodies, the answers an action gives. Shared by the workflow, the API, the activities and
 * the console; nothing here imports anything of the project but the vocabulary itself.
 */
import type { ShownPhoto } from './attachments';

export type WhistleStatus =
  | 'filed' | 'street_handling' | 'escalated' | 'dispatched' | 'department_handling' | 'resolved' | 'closed' | 'withdrawn'
  | 'merged';

export const WHISTLE_STATUSES: readonly WhistleStatus[] = [
  'filed', 'street_handling', 'escalated', 'dispatched', 'department_handling', 'resolved', 'closed', 'withdrawn', 'merged',
];

/** 三单: 即办清单 immediate, 阶段性事项清单 phased, 谅解清单 understanding. */
export type List = 'immediate' | 'phased' | 'understanding';
export const LISTS: readonly List[] = ['immediate', 'phased', 'understanding'];

export type Rating = 'satisfied' | 'basically_satisfied' | 'unsatisfied';
export const RATINGS: readonly Rating[] = ['satisfied', 'basically_satisfied', 'unsatisfied'];

export type Outcome = 'solved' | 'explained';

/** Where a whistle came from: a community's filing, an Open311 client, or a proactive round (未诉先办). */
export type WhistleSource = 'community' | 'open311' | 'proactive';
export const WHISTLE_SOURCES: readonly WhistleSource[] = ['community', 'open311', 'proactive'];

/** 派单异议审核: the center's ruling on a department's return when it dispatches again. */
export type ReturnRuling = 'upheld' | 'rejected';
export const RETURN_RULINGS: readonly ReturnRuling[] = ['upheld', 'rejected'];

/** 回访: the center's phone call to the reporter after a resolution. */
export interface CallbackView { reached: boolean; rating: Rating | null; note: string | null; at: string; by: string }

/** 未诉先办: a whistle the center files itself, dispatched at once to these departments (no street stage). */
export interface ProactivePlan { list: List; departmentIds: string[]; leadDepartmentId?: string }

export type DepartmentStatus = 'dispatched' | 'handling' | 'returned' | 'resolved';

export interface Location {
  communityId: string;
  compoundId?: string;
  grid?: string;
  address?: string;
  lat?: number;
  lng?: number;
}

/**
 * The resident who raised the matter. Only the name travels with the workflow (masked on public
 * pages); the phone stays in PostgreSQL (`whistle_reporters`) and reaches only the feedback.
 */
export interface Reporter { name: string; phone?: string }

/**
 * One deadline of a stage as the API (or the deadline activity) worked it out: the policy key,
 * the instant it counts from, and the instant it ends. Kept by the workflow, so that a calendar
 * change can count it again from the same instant.
 */
export interface PlannedDeadline {
  key: string;
  from: string;
  at: string;
  /** The duration is clock time (hours, seconds): the deadline moves with its starting instant. Else working days. */
  clock?: boolean;
}

/** The policy's numbers a whistle lives by, fixed when it is filed. */
export interface WhistleLimits {
  maxReopens: number;
  /** 退单: after this many returns the center's dispatch is final (终审). */
  maxReturns: number;
  /** 延期申请: approvals per stage. */
  maxExtensions: number;
  /** 临期预警: how long before a handling deadline the holder is warned (ms of clock time). */
  warnBeforeMs: number;
}

/** What a whistle is about, as filed: the matter and where it is. */
export interface WhistleMatter {
  id: string;
  title: string;
  description: string;
  category: string;
  urgent: boolean;
  location: Location;
}

/** What the API hands the workflow when a community blows the whistle. */
export interface Filing extends WhistleMatter {
  reporter?: Reporter;
  /** Photos (附件) filed with it: the filed entry of the timeline names them. */
  attachmentIds?: string[];
  /** The community or compound organisation that filed it (the whistle-blower). */
  filerOrgId: string;
  filedBy: string;
  communityId: string;
  streetId: string;
  /**
   * When the API accepted the filing (ISO 8601). The street's deadlines count from it, also when
   * no worker ran for a while; histories from before it was passed use the first task's time.
   */
  filedAt?: string;
  /**
   * The street stage's deadlines (street.accept…, street.handleWithin from the
   * filing, and center.triageWithin from the handling deadline, for a deadline escalation), worked
   * out by the API with the same policy and calendar as the worker; and the policy's numbers.
   * Absent, the workflow asks the deadline activity.
   */
  plan?: PlannedDeadline[];
  limits?: WhistleLimits;
  /** Where it came from (absent: `community`). */
  source?: WhistleSource;
  /** 未诉先办: filed by the center and dispatched at once (the plan holds the departments' deadlines). */
  proactive?: ProactivePlan;
}

/** One entry of a timeline as people see it; `T` is the kinds of entries (whistle or help request). */
export interface TimelineEntry<T extends string = WhistleTimelineType> {
  at: string; type: T; actor: string; note: string | null;
  /** Photos (附件) the call that made this entry attached (its `attachmentIds`); absent when it attached none. */
  attachmentIds?: string[];
  /** A `returned` entry's kind of return (退单类型: not_our_area, not_our_function, other), when the department gave one. */
  kind?: string;
  /** Who made the entry, by name, as the API answers a person (the workflow's own view has none); null for the system. */
  actorName?: string | null;
}

/** The photos an entry's facts name (`data.attachmentIds`), as the timeline shows them: absent when none. */
export function attachmentIdsOf(data: { attachmentIds?: unknown } | null | undefined): { attachmentIds?: string[] } {
  const ids = data?.attachmentIds;
  return Array.isArray(ids) && ids.length > 0 ? { attachmentIds: ids.map(String) } : {};
}

/** An entry as people see it, from one with its facts. */
export function timelineEntryOf<T extends string>(e: { at: string; type: T; actor: string; note: string | null; data?: Record<string, unknown> }):
  TimelineEntry<T> {
  const kind = e.type === 'returned' && typeof e.data?.kind === 'string' ? { kind: e.data.kind } : {};
  return { at: e.at, type: e.type, actor: e.actor, note: e.note, ...kind, ...attachmentIdsOf(e.data) };
}

/** One timeline entry with what the assessment needs: the unit it concerns and its facts. */
export interface WhistleEvent {
  seq: number;
  at: string;
  type: WhistleTimelineType;
  actor: string;
  note: string | null;
  /** The organisation the entry concerns (the unit that received, acted, was late or was urged). */
  unit: string | null;
  data: Record<string, unknown>;
}

/** 延期申请: the latest extension request of the current stage. */
export interface ExtensionView {
  status: 'requested' | 'approved' | 'rejected' | 'lapsed';
  until: string;
  reason: string;
  requestedBy: string;
  requestedAt: string;
  decidedBy: string | null;
  note: string | null;
}

/** An action of the table that the caller may perform now (its `allowedActions`). */
export type AllowedAction = WhistleAction;

export interface WhistleView extends WhistleMatter {
  status: WhistleStatus;
  list: List | null;
  communityId: string;
  streetId: string;
  filerOrgId: string;
  holder: string | null;
  departments: Array<{ id: string; lead: boolean; status: DepartmentStatus }>;
  dueAt: string | null;
  overdue: boolean;
  reopenCount: number;
  filedAt: string;
  resolvedAt: string | null;
  closedAt: string | null;
  result: string | null;
  outcome: Outcome | null;
  evaluation: { rating: Rating; comment: string | null; at: string } | null;
  timeline: TimelineEntry[];
  // ---- the center's tools: warnings, extensions, returns, merging ----
  /** 临期预警: the warning time of the current deadline has come (until the holder changes or it passes). */
  dueSoon: boolean;
  extension: ExtensionView | null;
  /** 退单: how often the whistle was returned in its whole life. */
  returns: number;
  /** 终审: the center's dispatch is final (returns have reached maxReturns): a further return is refused. */
  finalDispatch: boolean;
  /** 重复件合并: the whistle this one was merged into. */
  duplicateOf: string | null;
  /** Whistles merged into this one. */
  duplicates: string[];
  /** 1 + the number of duplicates. */
  reports: number;
  /** Photos (附件): composed by the API from the attachments table (the workflow has none). */
  attachments?: ShownPhoto[];
  /** Per caller (empty in the Temporal `view` query, which has no caller). */
  allowedActions: AllowedAction[];
  possibleDuplicates: string[];
  suggestion: { list: List; departmentIds: string[]; leadDepartmentId: string | null } | null;
  // ---- the center's practice ----
  source: WhistleSource;
  /** 回访: the callback of the current resolution, or null. */
  callback: CallbackView | null;
  /** Per caller: for the holder and the center, related knowledge-base articles (at most 5); [] for others. */
  knowledge: Array<{ id: string; title: string }>;
}

/**
 * What the rules read beyond the view, kept in the read model beside it (`whistles.rules`): who
 * may see the whistle because a whistle of theirs was merged into it, and how many extension
 * approvals the current stage has left. Absent for whistles started before these tools existed
 * (their workflows have no handlers for extensions and merging).
 */
export interface WhistleRuleExtras {
  /** The whistle's workflow has the center's tools: handlers for extensions and merging. */
  centerTools: true;
  /** Extension approvals the current stage has left. */
  extensionsLeft: number;
  /** The whistles merged into this one, with their filing organisations and communities. */
  merged: MergedIn[];
  /** 回访: until when the current resolution may be called back (absent or null: no callback now). */
  callbackUntil?: string | null;
}

/**
 * The rule extras as the read model may hold them: rows written before the field had its name
 * say `secondRound: true` where newer rows say `centerTools: true` (the same fact).
 */
export type StoredRuleExtras = WhistleRuleExtras | (Omit<WhistleRuleExtras, 'centerTools'> & { secondRound: true });

// Action bodies, as the contract gives them.
/** The fields of the view that come from the filing and never change. */
export type StaticField = 'title' | 'description' | 'location' | 'category' | 'urgent';
export const STATIC_FIELDS: readonly StaticField[] = ['title', 'description', 'location', 'category', 'urgent'];

/**
 * 重复件合并, on the original: a whistle was merged into this one (sent by the merged whistle's
 * workflow). Its filing organisation and community may view the original and receive its feedback.
 */
export interface MergedIn { id: string; filerOrgId: string; communityId: string; by: string; note: string | null }

/**
 * The working-day calendar changed (`npm run holidays -- import`): every open whistle and help
 * request recomputes its pending working-day deadlines. `changeId` names the import; a case that
 * has already applied that change ignores it when it comes again.
 */
export interface CalendarChange { changeId: string }

/** The field of each action's body whose text becomes the timeline entry's note. */
export const NOTE_FIELD = {
  accept: null, progress: 'note', resolve: 'result', escalate: 'reason', triage: 'note', return: 'reason', urge: 'note',
  evaluate: 'comment', withdraw: 'reason', 'request-extension': 'reason', 'decide-extension': 'note', merge: 'note',
  callback: 'note',
} as const;

export const WHISTLE_ACTIONS = [
  'accept', 'progress', 'resolve', 'escalate', 'triage', 'return', 'urge', 'evaluate', 'withdraw',
  'request-extension', 'decide-extension', 'merge', 'callback',
] as const;
export type WhistleAction = (typeof WHISTLE_ACTIONS)[number];

/** Open: the whistle waits for someone's action. */
export const OPEN_STATUSES: readonly WhistleStatus[] = ['filed', 'street_handling', 'escalated', 'dispatched', 'department_handling'];
/** Final: the whistle's workflow has ended. */
export const FINAL_STATUSES: readonly WhistleStatus[] = ['closed', 'withdrawn', 'merged'];

/**
 * The kinds of timeline entries a whistle records (the `type` of `TimelineEntry`), in the order a
 * whistle meets them.
 */
export const WHISTLE_TIMELINE_TYPES = [
  'filed', 'accepted', 'progress', 'reminder', 'due_soon', 'overdue', 'resolved', 'escalated', 'deadline_escalation',
  'triaged', 'returned', 'urged', 'evaluated', 'reopened', 'closed', 'evaluation_expired', 'withdrawn',
  'extension_requested', 'extension_approved', 'extension_rejected', 'extension_lapsed', 'merged', 'merged_in',
  'merge_unconfirmed', 'deadline_recomputed', 'return_ruled', 'callback',
] as const;
export type WhistleTimelineType = (typeof WHISTLE_TIMELINE_TYPES)[number];
