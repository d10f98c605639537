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
  | 'filed' | 'street_handling' | 'escalated' | 'dispatched' | 'department_handling' | 'resolved' | 'closed' | 'withdrawn';

export const WHISTLE_STATUSES: readonly WhistleStatus[] = [
  'filed', 'street_handling', 'escalated', 'dispatched', 'department_handling', 'resolved', 'closed', 'withdrawn',
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
}

export interface TimelineEntry { at: string; type: string; actor: string; note: string | null }

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
}

// Action bodies, as the contract gives them.
export interface NoteBody { note: string }
export interface ReasonBody { reason: string }
export interface ResolveBody { result: string; outcome?: Outcome }
export interface TriageBody { list: List; departmentIds: string[]; leadDepartmentId?: string; note?: string }
export interface EvaluateBody { rating: Rating; comment?: string }

/** Failure types that validators throw; the API maps them to HTTP. */
export const FAILURE = {
  notFound: 'not_found',
  forbidden: 'forbidden',
  invalidState: 'invalid_state',
  validation: 'validation_failed',
} as const;

// Updates: one per action of the contract; each returns the updated view.
export const acceptUpdate = defineUpdate<WhistleView, [Actor]>('accept');
export const progressUpdate = defineUpdate<WhistleView, [Actor, NoteBody]>('progress');
export const resolveUpdate = defineUpdate<WhistleView, [Actor, ResolveBody]>('resolve');
export const escalateUpdate = defineUpdate<WhistleView, [Actor, ReasonBody]>('escalate');
export const triageUpdate = defineUpdate<WhistleView, [Actor, TriageBody]>('triage');
export const returnUpdate = defineUpdate<WhistleView, [Actor, ReasonBody]>('return');
export const urgeUpdate = defineUpdate<WhistleView, [Actor, NoteBody]>('urge');
export const evaluateUpdate = defineUpdate<WhistleView, [Actor, EvaluateBody]>('evaluate');
export const withdrawUpdate = defineUpdate<WhistleView, [Actor, ReasonBody]>('withdraw');
/** Sent together with the start (update-with-start): answers once the whistle is recorded. */
export const filedUpdate = defineUpdate<WhistleView, [Actor]>('filed');

/** The supervisor's escalation from the Temporal CLI or UI: `{ "by": "<account id>", "reason": "..." }`. */
export const escalateSignal = defineSignal<[{ by: string; reason: string }]>('escalate');

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

export const WHISTLE_ACTIONS = ['accept', 'progress', 'resolve', 'escalate', 'triage', 'return', 'urge', 'evaluate', 'withdraw'] as const;
export type WhistleAction = (typeof WHISTLE_ACTIONS)[number];

export function whistleWorkflowId(id: string): string {
  return `whistle-${id}`;
}
