/**
 * A help request's state, and what is shown of it. The workflow keeps one and changes it step by
 * step. Pure: no Temporal, no clock — every instant is passed in.
 */
import type { HelpClaimer, HelpEvent, HelpPosting, HelpStatus, HelpTimelineType, HelpView } from '../../domain';
import { timelineEntryOf } from '../../domain';

export interface HelpState {
  status: HelpStatus;
  claimer: HelpClaimer | null;
  appointmentAt: number | null;
  appointmentPlace: string | null;
  postedAt: number;
  verifiedAt: number | null;
  /** When it went on the board (verified, or released after a no-show): the claim deadline counts from then. */
  openedAt: number | null;
  checkedInAt: number | null;
  completedAt: number | null;
  closedAt: number | null;
  reason: string | null;
  serviceNote: string | null;
  rating: number | null;
  comment: string | null;
  noShows: string[];
  events: HelpEvent[];
  /** Grows with every change. */
  version: number;
}

/** An instant (ms) as the contract writes it (ISO 8601, UTC). */
export const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

/** A request as posted, waiting for its community (its timeline still empty). */
export function newHelp(postedAt: number): HelpState {
  return {
    status: 'pending_verification', claimer: null, appointmentAt: null, appointmentPlace: null, postedAt,
    verifiedAt: null, openedAt: null, checkedInAt: null, completedAt: null, closedAt: null, reason: null, serviceNote: null,
    rating: null, comment: null, noShows: [], events: [], version: 0,
  };
}

/** Adds a timeline entry (and so a new version). */
export function recordOn(h: HelpState, e: { type: HelpTimelineType; actor: string; note: string | null; subject: string | null;
  unit: string | null; data: Record<string, unknown>; at: number }): void {
  h.events.push({ seq: h.events.length + 1, at: iso(e.at), type: e.type, actor: e.actor, note: e.note, subject: e.subject, unit: e.unit, data: e.data });
  h.version++;
}

/** The contract's view of the request. */
export function helpViewOf(h: HelpState, posting: HelpPosting): HelpView {
  return {
    id: posting.id, title: posting.title, description: posting.description,
    communityId: posting.communityId, streetId: posting.streetId, status: h.status,
    requester: { accountId: posting.requester.accountId },
    neededBy: posting.neededBy,
    place: h.appointmentPlace ?? posting.place, requestedPlace: posting.place,
    claimer: h.claimer ? { accountId: h.claimer.accountId, role: h.claimer.role } : null,
    appointmentAt: isoOrNull(h.appointmentAt), appointmentPlace: h.appointmentPlace,
    postedAt: iso(h.postedAt), verifiedAt: isoOrNull(h.verifiedAt), checkedInAt: isoOrNull(h.checkedInAt),
    completedAt: isoOrNull(h.completedAt), closedAt: isoOrNull(h.closedAt),
    reason: h.reason, serviceNote: h.serviceNote, rating: h.rating, comment: h.comment,
    noShows: [...h.noShows],
    timeline: h.events.map(timelineEntryOf),
  };
}
