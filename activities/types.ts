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
  /** Notifications refused in this round that will be tried again (backoff). */
  retrying?: number;
  /** Notifications refused for the last time in this round: marked failed. */
  failed?: number;
  /** As many notifications were due as one batch holds: more may be waiting. */
  more: boolean;
  /** False when no webhook is configured: nothing is sent, rows stay in the outbox. */
  webhook: boolean;
  /**
   * In how many ms the next pending notification that may be sent falls due (0: now); null when
   * none is pending. Absent in rounds recorded before per-notification backoff.
   */
  nextAttemptInMs?: number | null;
}

export interface OutboxActivities {
  /**
   * Claims up to `batchSize` due notifications (the oldest pending one of each whistle), POSTs
   * them to the webhook (signed) at once and records each answer: delivered, retried later with
   * backoff, or failed after the last attempt. Refusals never fail the activity.
   */
  deliverPending(batchSize: number): Promise<DeliveryRound>;
}

/** What one sweep of personal-data retention did. */
export interface RetentionSweep {
  /** Whistles whose reporter's name and phone were erased in this sweep. */
  erased: number;
  /** Phone rows of filings that never became a whistle (older than the retention period), deleted. */
  orphans: number;
  /** `retention.reporterDays` of the policy the sweep used. */
  reporterDays: number;
}

export interface RetentionActivities {
  /**
   * Erases the reporter's name and phone of every whistle closed, withdrawn or merged (its
   * original closed or withdrawn) at least `retention.reporterDays` calendar days ago. Idempotent.
   */
  eraseExpiredReporters(): Promise<RetentionSweep>;
}

export interface PublicationRun {
  /** Quarters published in this run (oldest first). */
  published: string[];
  /** `assessment.publishAfterDays` of the policy the run used. */
  publishAfterDays: number;
}

export interface PublicationActivities {
  /**
   * 定期验单: publishes, as `system`, every ended quarter whose publication time has come and that
   * is not published yet (00:00 Asia/Shanghai at the end of the `assessment.publishAfterDays`-th
   * day after its last day). Idempotent.
   */
  publishDueAssessments(): Promise<PublicationRun>;
}
