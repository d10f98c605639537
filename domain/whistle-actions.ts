/**
 * What the whistle's actions take and answer: each action's body, the refusals the validators
 * throw, the plan an action's deadlines follow, and what an update returns.
 */
import type { Outcome, List, ReturnRuling, Rating, WhistleView, PlannedDeadline, WhistleEvent, StaticField, WhistleRuleExtras } from './whistle';

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
export interface TriageBody { list: List; departmentIds: string[]; leadDepartmentId?: string; note?: string; returnRuling?: ReturnRuling }
export interface CallbackBody { reached: boolean; rating?: Rating; note?: string }
export interface EvaluateBody { rating: Rating; comment?: string }

/** Failure types that validators throw; the API maps them to HTTP. */
export const FAILURE = {
  notFound: 'not_found',
  forbidden: 'forbidden',
  invalidState: 'invalid_state',
  validation: 'validation_failed',
} as const;

/**
 * What an action's update answers: the state right after the change — the view
 * without its timeline, the rules' extras, and the timeline entries the read model may not have
 * yet — small, so a whistle's history grows with its changes, not with their square. The API
 * writes it to the read model at once (version-guarded) and answers the caller from there.
 * Whistles started before the API planned their deadlines answer the whole view instead.
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
  events: Array<WhistleEvent & { noteFromBody?: true }>;
  /** How many timeline entries the whistle has in all. */
  timelineLength: number;
}
export type ActionAnswer = WhistleView | ActionResult;
