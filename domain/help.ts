/**
 * 邻里搭把手 (neighbour help): the request's vocabulary.
 *
 *   居民点单 (post) → 社区下单 (verify) → 党员接单 (claim, with time and place) → 报到 (check-in)
 *   → 服务 (complete) → 评价 (confirm with 1–5 stars)
 */
import type { Actor, Role } from './roles';
import type { TimelineEntry } from './whistle';
import type { ShownPhoto } from './attachments';

export type HelpStatus =
  | 'pending_verification' | 'open' | 'claimed' | 'in_service' | 'completed' | 'closed' | 'rejected' | 'cancelled';

export const HELP_STATUSES: readonly HelpStatus[] = [
  'pending_verification', 'open', 'claimed', 'in_service', 'completed', 'closed', 'rejected', 'cancelled',
];

/** Statuses in which the request is over; its workflow ends. */
export const HELP_FINAL_STATUSES: readonly HelpStatus[] = ['closed', 'rejected', 'cancelled'];

/** A rating is whole stars, 1 (poor) to 5 (excellent). */
export const MIN_RATING = 1;
export const MAX_RATING = 5;

/** How far ahead an appointment (or a "needed by" instant) may lie. */
export const APPOINTMENT_HORIZON_DAYS = 90;

/** What the API hands the workflow when someone posts a need (点单). */
export interface HelpPosting {
  id: string;
  title: string;
  description: string;
  communityId: string;
  streetId: string;
  neededBy: string | null;
  place: string | null;
  requester: Actor;
  /** Photos (附件) posted with it: the posted entry of the timeline names them. */
  attachmentIds?: string[];
}

export interface HelpClaimer { accountId: string; role: Role; orgId: string }

export interface HelpView {
  id: string;
  title: string;
  description: string;
  communityId: string;
  streetId: string;
  status: HelpStatus;
  requester: { accountId: string };
  neededBy: string | null;
  /** Where the service happens: the agreed place once claimed, else the place the requester gave. */
  place: string | null;
  /** The place the requester gave when posting. */
  requestedPlace: string | null;
  claimer: { accountId: string; role: Role } | null;
  appointmentAt: string | null;
  appointmentPlace: string | null;
  postedAt: string;
  verifiedAt: string | null;
  checkedInAt: string | null;
  completedAt: string | null;
  closedAt: string | null;
  /** Why the community rejected it, or why the requester cancelled it. */
  reason: string | null;
  /** The claimer's note on completion. */
  serviceNote: string | null;
  rating: number | null;
  comment: string | null;
  /** Accounts that claimed it and did not turn up (未报到). */
  noShows: string[];
  timeline: TimelineEntry<HelpTimelineType>[];
  /** Photos (附件): composed by the API from the attachments table (the workflow has none). */
  attachments?: ShownPhoto[];
}

// Action bodies, as the contract gives them.
export interface VerifyBody { approve: boolean; reason?: string }
export interface ClaimBody { appointmentAt: string; place: string }
export interface CompleteBody { note: string; attachmentIds?: string[] }
export interface ConfirmBody { rating: number; comment?: string }
export interface CancelBody { reason: string }

export const HELP_ACTIONS = ['verify', 'claim', 'check-in', 'complete', 'confirm', 'cancel'] as const;
export type HelpAction = (typeof HELP_ACTIONS)[number];

/** The kinds of timeline entries a help request records. */
export const HELP_TIMELINE_TYPES = [
  'posted', 'verification_reminder', 'verified', 'rejected', 'unclaimed_notice', 'claimed', 'no_show', 'checked_in',
  'completed', 'confirmed', 'confirmation_expired', 'cancelled', 'deadline_recomputed',
] as const;
export type HelpTimelineType = (typeof HELP_TIMELINE_TYPES)[number];
