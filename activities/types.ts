/**
 * The activities' interfaces, as the workflows call them. Kept apart from the implementations so
 * the workflow bundle imports types only.
 */
import type { PolicyKeyName } from '../domain/policy-keys';
import type { HelpProjection, WhistleProjection } from '../domain/projection';
import type { WhistleLimits } from '../domain/whistle';

import type { Retrained } from '../lib/suggest/retrain';
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
  whistleLimits(): Promise<WhistleLimits>;
}

export interface WhistleActivities {
  /**
   * Writes the whistle's read model, its new events and the notifications they cause; answers
   * how long that took in ms (the workflow's clock stands still during a workflow task, and a
   * deadline's timer is counted from the end of the task that starts it).
   */
  projectWhistle(projection: WhistleProjection): Promise<number>;
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

/** What one sweep of photos nothing references did (lib/attachments/sweep.ts). */
export interface PhotoSweep {
  /** Uploads deleted, each with its image and thumbnail. */
  deleted: number;
  /** Uploads a timeline entry names that were never marked attached: attached now. */
  repaired: number;
  /** Unattached uploads made before this instant were swept. */
  before: string;
}

/** What one retraining of the suggestion model made (lib/suggest/retrain.ts): its version, what it learned from. */
export type SuggestionRetraining = Retrained;

export interface SuggestionActivities {
  /** Learns the model again from the district's history and the catalogue; a new version each time. */
  retrainSuggestions(): Promise<SuggestionRetraining>;
}

export interface PhotoSweepActivities {
  /** Deletes the uploads unattached for 24 hours (rows and objects); attaches those a timeline entry names. Idempotent. */
  sweepUnreferencedPhotos(): Promise<PhotoSweep>;
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

/** 未诉先办: what a round's run needs to know of its round. */
export interface ProactiveRoundPlan {
  title: string;
  description: string;
  category: string;
  communityIds: string[];
  list: 'immediate' | 'phased' | 'understanding';
  departmentIds: string[];
  leadDepartmentId: string;
}

/** One community's whistle of one occurrence of a round (lib/proactive/filing-port.ts). */
export interface ProactiveWhistleRequest extends Omit<ProactiveRoundPlan, 'communityIds'> {
  roundId: string;
  occurrence: string;
  communityId: string;
}

/** A community's whistle filed now (`created`), filed before, or not filed because the community is gone. */
export type ProactiveWhistleOutcome = { whistleId: string; created: boolean } | { skipped: string };

export interface ProactiveRun {
  roundId: string;
  occurrence: string;
  /** False when the round no longer exists (deleted after the run was started): nothing filed. */
  found: boolean;
  /** Whistles filed by this run. */
  filed: string[];
  /** Whistles this occurrence had filed before (a run again). */
  existing: string[];
  /** Communities skipped (no longer active, or without a street). */
  skipped: string[];
}

export interface ProactiveActivities {
  /** The round, or null when it was deleted. */
  loadProactiveRound(roundId: string): Promise<ProactiveRoundPlan | null>;
  /** Files the community's whistle of this occurrence, once whatever the attempts. */
  fileProactiveRoundWhistle(request: ProactiveWhistleRequest): Promise<ProactiveWhistleOutcome>;
}
