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
  events: WhistleEvent[];
}

export type PolicyKeyName =
  | 'street.acceptWithin' | 'street.acceptWithinUrgent' | 'street.handleWithin' | 'center.triageWithin'
  | 'department.acceptWithin' | 'lists.immediate' | 'lists.phased' | 'lists.understanding'
  | 'phased.progressEvery' | 'evaluation.window'
  | 'help.verifyWithin' | 'help.claimWithin' | 'help.checkInGrace' | 'help.confirmWithin';

export interface DeadlineActivities {
  /** The instant (ISO) at which the policy duration `key` counted from `from` ends. */
  deadlineAfter(key: PolicyKeyName, from: string): Promise<string>;
  /** Numbers of the policy the workflows need (read once per workflow). */
  policyNumbers(): Promise<{ maxReopens: number }>;
}

export interface WhistleActivities {
  /** Writes the whistle's read model, its new events and the notifications they cause. */
  projectWhistle(projection: WhistleProjection): Promise<void>;
}
