/**
 * 未诉先办: how a round's run files its whistles — the port the round's activity calls
 * (activities/proactive.ts), whatever files them behind it. One whistle per (round, occurrence,
 * community): its id is derived from the three, so a run retried (an activity attempt again, a
 * Schedule's run again) meets the whistle filed the first time and files nothing.
 */
import { createHash } from 'node:crypto';
import type { List } from './round';

export interface ProactiveFilingRequest {
  roundId: string;
  /** The Schedule's scheduled time of the run (ISO 8601, UTC). */
  occurrence: string;
  communityId: string;
  title: string;
  description: string;
  category: string;
  list: List;
  departmentIds: string[];
  leadDepartmentId: string;
}

export interface ProactiveFilingResult {
  whistleId: string;
  /** False when the whistle of this (round, occurrence, community) existed already. */
  created: boolean;
}

/** Files one round's whistle for one community; idempotent per (round, occurrence, community). */
export type ProactiveFilingPort = (request: ProactiveFilingRequest) => Promise<ProactiveFilingResult>;

/** The whistle id of (round, occurrence, community): 16 hex digits, as every whistle id. */
export function proactiveWhistleId(r: Pick<ProactiveFilingRequest, 'roundId' | 'occurrence' | 'communityId'>): string {
  return createHash('sha256').update(`proactive\u0000${r.roundId}\u0000${r.occurrence}\u0000${r.communityId}`).digest('hex').slice(0, 16);
}
