/**
 * What the read model is written from: a whistle's or help request's state with the timeline
 * entries the projection has not written yet, each with the unit and the facts the assessment
 * and the notifications need.
 */
import type { HelpTimelineType, HelpView } from './help';
import type { WhistleEvent, WhistleRuleExtras, WhistleView } from './whistle';

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
  /** What the rules read beyond the view (absent for whistles started before the center's tools existed). */
  rules?: WhistleRuleExtras;
  timelineLength?: number;
}

/** One timeline entry of a neighbour-help request, with the account and unit it concerns. */
export interface HelpEvent {
  seq: number;
  at: string;
  type: HelpTimelineType;
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
  view: HelpView;
  /** The organisation of the requester's account (told of verification, claim, completion). */
  requesterOrgId: string;
  /** The organisation of the current claimer's account, if any. */
  claimerOrgId: string | null;
  events: HelpEvent[];
}
