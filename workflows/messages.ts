/**
 * The whistle's vocabulary and its messages, defined once: the workflow sets the handlers,
 * the API and operators' tools call them by the same definitions and names.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { WhistleProjection } from '../activities/types';

export type Role = 'community' | 'street' | 'center' | 'department' | 'supervisor' | 'member' | 'resident';

/** Who acts: an authenticated account, passed by the API with every action. */
export interface Actor { accountId: string; role: Role; orgId: string }

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
export interface PlannedDeadline { key: string; from: string; at: string }

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

/** What the API hands the workflow when a community blows the whistle. */
export interface Filing {
  id: string;
  title: string;
  description: string;
  category: string;
  urgent: boolean;
  location: Location;
  reporter?: Reporter;
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
   * Second round: the street stage's deadlines (street.accept…, street.handleWithin from the
   * filing, and center.triageWithin from the handling deadline, for a deadline escalation), worked
   * out by the API with the same policy and calendar as the worker; and the policy's numbers.
   * Absent, the workflow asks the deadline activity.
   */
  plan?: PlannedDeadline[];
  limits?: WhistleLimits;
}

export interface TimelineEntry { at: string; type: string; actor: string; note: string | null }

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

export interface WhistleView {
  id: string;
  title: string;
  description: string;
  category: string;
  urgent: boolean;
  location: Location;
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
  // ---- second round ----
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
  /** Per caller (empty in the Temporal `view` query, which has no caller). */
  allowedActions: AllowedAction[];
  possibleDuplicates: string[];
  suggestion: { list: List; departmentIds: string[]; leadDepartmentId: string | null } | null;
}

/**
 * What the rules read beyond the view, kept in the read model beside it (`whistles.rules`): who
 * may see the whistle because a whistle of theirs was merged into it, and how many extension
 * approvals the current stage has left. Absent for whistles of the first round.
 */
export interface WhistleRuleExtras {
  secondRound: true;
  /** Extension approvals the current stage has left. */
  extensionsLeft: number;
  /** The whistles merged into this one, with their filing organisations and communities. */
  merged: MergedIn[];
}

// Action bodies, as the contract gives them.
export interface NoteBody { note: string }
export interface ReasonBody { reason: string }
export interface ResolveBody { result: string; outcome?: Outcome }
export type ReturnKind = 'not_our_area' | 'not_our_function' | 'other';
export const RETURN_KINDS: readonly ReturnKind[] = ['not_our_area', 'not_our_function', 'other'];
export interface ReturnBody { reason: string; kind?: ReturnKind }
export interface ExtensionRequestBody { until: string; reason: string }
export interface ExtensionDecisionBody { approve: boolean; note?: string }
export interface MergeBody { into: string; note?: string }
/**
 * What the API works out before it sends an action, with the same policy and calendar as the
 * worker: the deadlines of the stage the action starts, and for an extension request the latest
 * instant it may ask for (24:00 of the extension.maxWorkingDays-th working day after the day on
 * which `dueAt` ends). Absent (an operator's update), the workflow asks the deadline activity.
 */
export interface ActionPlan {
  deadlines?: PlannedDeadline[];
  extensionLimit?: { dueAt: string; limit: string };
  /** triage: whether the dispatch is the dispatch catalogue's suggestion (派单目录), for the statistics. */
  followedSuggestion?: boolean;
}
export interface TriageBody { list: List; departmentIds: string[]; leadDepartmentId?: string; note?: string }
export interface EvaluateBody { rating: Rating; comment?: string }

/** Failure types that validators throw; the API maps them to HTTP. */
export const FAILURE = {
  notFound: 'not_found',
  forbidden: 'forbidden',
  invalidState: 'invalid_state',
  validation: 'validation_failed',
} as const;

/**
 * What an action's update answers (second round): the state right after the change — the view
 * without its timeline, the rules' extras, and the timeline entries the read model may not have
 * yet — small, so a whistle's history grows with its changes, not with their square. The API
 * writes it to the read model at once (version-guarded) and answers the caller from there.
 * Whistles of the first round answer the whole view instead.
 */
export interface ActionResult {
  version: number;
  /** The view without its timeline and the filing's own fields, which never change (the read model has them). */
  view: Omit<WhistleView, 'timeline' | StaticField>;
  rules: WhistleRuleExtras;
  seenByDepartments: string[];
  reporterName: string | null;
  /**
   * The timeline entries this action added, with their units and facts. An entry whose note is
   * the text the action's body carried (its NOTE_FIELD) leaves it out (`noteFromBody`): the API
   * has it already, and the history keeps it once, in the update's input.
   */
  events: Array<WhistleProjection['events'][number] & { noteFromBody?: true }>;
  /** How many timeline entries the whistle has in all. */
  timelineLength: number;
}
/** The fields of the view that come from the filing and never change. */
export type StaticField = 'title' | 'description' | 'location' | 'category' | 'urgent';
export const STATIC_FIELDS: readonly StaticField[] = ['title', 'description', 'location', 'category', 'urgent'];
export type ActionAnswer = WhistleView | ActionResult;

// Updates: one per action of the contract. Arguments: the actor, the body, and what the API planned.
export const acceptUpdate = defineUpdate<ActionAnswer, [Actor, Record<string, never>, ActionPlan?]>('accept');
export const progressUpdate = defineUpdate<ActionAnswer, [Actor, NoteBody, ActionPlan?]>('progress');
export const resolveUpdate = defineUpdate<ActionAnswer, [Actor, ResolveBody, ActionPlan?]>('resolve');
export const escalateUpdate = defineUpdate<ActionAnswer, [Actor, ReasonBody, ActionPlan?]>('escalate');
export const triageUpdate = defineUpdate<ActionAnswer, [Actor, TriageBody, ActionPlan?]>('triage');
export const returnUpdate = defineUpdate<ActionAnswer, [Actor, ReturnBody, ActionPlan?]>('return');
export const urgeUpdate = defineUpdate<ActionAnswer, [Actor, NoteBody, ActionPlan?]>('urge');
export const evaluateUpdate = defineUpdate<ActionAnswer, [Actor, EvaluateBody, ActionPlan?]>('evaluate');
export const withdrawUpdate = defineUpdate<ActionAnswer, [Actor, ReasonBody, ActionPlan?]>('withdraw');
export const requestExtensionUpdate = defineUpdate<ActionAnswer, [Actor, ExtensionRequestBody, ActionPlan?]>('request-extension');
export const decideExtensionUpdate = defineUpdate<ActionAnswer, [Actor, ExtensionDecisionBody, ActionPlan?]>('decide-extension');
export const mergeUpdate = defineUpdate<ActionAnswer, [Actor, MergeBody, ActionPlan?]>('merge');
/** Sent together with the start (update-with-start) by APIs of the first round. */
export const filedUpdate = defineUpdate<ActionAnswer, [Actor]>('filed');

/** The supervisor's escalation from the Temporal CLI or UI: `{ "by": "<account id>", "reason": "..." }`. */
export const escalateSignal = defineSignal<[{ by: string; reason: string }]>('escalate');

/**
 * 重复件合并, on the original: a whistle was merged into this one (sent by the merged whistle's
 * workflow). Its filing organisation and community may view the original and receive its feedback.
 */
export interface MergedIn { id: string; filerOrgId: string; communityId: string; by: string; note: string | null }
export const mergedInSignal = defineSignal<[MergedIn]>('mergedIn');

export const viewQuery = defineQuery<WhistleView>('view');

/**
 * The working-day calendar changed (`npm run holidays -- import`): every open whistle and help
 * request recomputes its pending working-day deadlines. `changeId` names the import; a case that
 * has already applied that change ignores it when it comes again.
 */
export interface CalendarChange { changeId: string }
export const calendarChangedSignal = defineSignal<[CalendarChange]>('calendarChanged');

/** What the projection writes to the read model for the current state (`npm run reconcile -- --repair`). */
export const projectionQuery = defineQuery<WhistleProjection>('projection');

/** The field of each action's body whose text becomes the timeline entry's note. */
export const NOTE_FIELD = {
  accept: null, progress: 'note', resolve: 'result', escalate: 'reason', triage: 'note', return: 'reason', urge: 'note',
  evaluate: 'comment', withdraw: 'reason', 'request-extension': 'reason', 'decide-extension': 'note', merge: 'note',
} as const;

export const WHISTLE_ACTIONS = [
  'accept', 'progress', 'resolve', 'escalate', 'triage', 'return', 'urge', 'evaluate', 'withdraw',
  'request-extension', 'decide-extension', 'merge',
] as const;
export type WhistleAction = (typeof WHISTLE_ACTIONS)[number];

export function whistleWorkflowId(id: string): string {
  return `whistle-${id}`;
}
