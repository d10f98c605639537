/**
 * 邻里搭把手 (neighbour help): the request's messages, defined once. The workflow sets the
 * handlers; the API and operators' tools call them by the same definitions. The vocabulary is in
 * domain/help.ts.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../domain/roles';
import type { CancelBody, ClaimBody, CompleteBody, ConfirmBody, HelpView, VerifyBody } from '../domain/help';

// Updates: one per action; each returns the updated view.
export const verifyUpdate = defineUpdate<HelpView, [Actor, VerifyBody]>('verify');
export const claimUpdate = defineUpdate<HelpView, [Actor, ClaimBody]>('claim');
export const checkInUpdate = defineUpdate<HelpView, [Actor]>('check-in');
export const completeUpdate = defineUpdate<HelpView, [Actor, CompleteBody]>('complete');
export const confirmUpdate = defineUpdate<HelpView, [Actor, ConfirmBody]>('confirm');
export const cancelUpdate = defineUpdate<HelpView, [Actor, CancelBody]>('cancel');
/** Sent together with the start (update-with-start): answers once the request is recorded. */
export const postedUpdate = defineUpdate<HelpView, [Actor]>('posted');

export const helpViewQuery = defineQuery<HelpView>('view');

export function helpWorkflowId(id: string): string {
  return `help-${id}`;
}
