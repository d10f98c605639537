/**
 * What workflows hand to activities. Kept apart from the activity implementations so the
 * workflow bundle imports types only.
 */
import type { WhistleView } from '../workflows/messages';

/** One timeline entry with what the assessment needs: the unit it concerns and its facts. */
export interface WhistleEvent {
  seq: number;
  at: string;
  type: string;
  actor: string;
  note: string | null;
  /** The organisation the entry concerns (the unit that received, acted, was late or was urged). */
  unit: string | null;
  data: Record<string, unknown>;
}

export interface WhistleProjection {
  version: number;
  view: WhistleView;
  seenByDepartments: string[];
  reporterName: string | null;
  /**
   * Timeline entries to write: all of them (the workflow's projection), or only the newest (the
   * API writing an action's answer), with `timelineLength` saying how many there are in all.
   */
  events: WhistleEvent[];
  /** What the rules read beyond the view (second round; absent for whistles of the first round). */
  rules?: import('../workflows/messages').WhistleRuleExtras;
  timelineLength?: number;
}

export type PolicyKeyName =
  | 'street.acceptWithin' | 'street.acceptWithinUrgent' | 'street.handleWithin' | 'center.triageWithin'
  | 'department.acceptWithin' | 'lists.immediate' | 'lists.phased' | 'lists.understanding'
  | 'phased.progressEvery' | 'evaluation.window'
  | 'help.verifyWithin' | 'help.claimWithin' | 'help.checkInGrace' | 'help.confirmWithin' | 'warnBefore';

export interface DeadlineActivities {
  /** The instant (ISO) at which the policy duration `key` counted from `from` ends. */
  deadlineAfter(key: PolicyKeyName, from: string): Promise<string>;
  /** Numbers of the policy the workflows need (read once per workflow). */
  policyNumbers(): Promise<{ maxReopens: number }>;
  /**
   * Every deadline of a stage in one call: for each `{ key, from }` the instant it ends (ISO).
   * `freshCalendar`: read the working-day calendar again first (a calendar change arrived).
   */
  planDeadlines(items: Array<{ key: PolicyKeyName; from: string }>, freshCalendar?: boolean): Promise<string[]>;
  /** The policy's numbers a whistle lives by (for a whistle started without them). */
  whistleLimits(): Promise<import('../workflows/messages').WhistleLimits>;
}

export interface WhistleActivities {
  /**
   * Writes the whistle's read model, its new events and the notifications they cause; answers
   * how long that took in ms (the workflow's clock stands still during a workflow task, and a
   * deadline's timer is counted from the end of the task that starts it).
   */
  projectWhistle(projection: WhistleProjection): Promise<number>;
}

/** One timeline entry of a neighbour-help request, with the account and unit it concerns. */
export interface HelpEvent {
  seq: number;
  at: string;
  type: string;
  actor: string;
  note: string | null;
  /** The account the entry is about (the claimer for claimed, checked_in, completed, no_show, confirmed). */
  subject: string | null;
  /** The organisation the entry concerns (told of it, or acting). */
  unit: string | null;
  data: Record<string, unknown>;
}

export interface HelpProjection {
  version: number;
  view: import('../workflows/help-messages').HelpView;
  /** The organisation of the requester's account (told of verification, claim, completion). */
  requesterOrgId: string;
  /** The organisation of the current claimer's account, if any. */
  claimerOrgId: string | null;
  events: HelpEvent[];
}

export interface HelpActivities {
  /** Writes the help request's read model, its new events and the notifications they cause. */
  projectHelp(projection: HelpProjection): Promise<void>;
}

/** What one round of outbox delivery did. */
export interface DeliveryRound {
  /** Notifications POSTed and acknowledged (2xx) in this round. */
  delivered: number;
  /** More undelivered notifications were waiting than one batch holds. */
  more: boolean;
  /** False when no webhook is configured: nothing is sent, rows stay in the outbox. */
  webhook: boolean;
}

export interface OutboxActivities {
  /**
   * Claims up to `batchSize` undelivered notifications, POSTs each to the webhook (signed) and
   * marks it delivered; throws after the first refusal so Temporal retries with backoff.
   */
  deliverPending(batchSize: number): Promise<DeliveryRound>;
}
