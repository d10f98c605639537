/**
 * The whistle's messages, defined once: the workflow sets the handlers, the API and operators'
 * tools call them by the same definitions and names. The vocabulary is in domain/whistle.ts.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../domain/roles';
import type { WhistleProjection } from '../domain/projection';
import type { CalendarChange, MergedIn, WhistleView } from '../domain/whistle';
import type {
  ActionAnswer, ActionPlan, ActionResult, CallbackBody, EvaluateBody, ExtensionDecisionBody, ExtensionRequestBody, MergeBody,
  NoteBody, ReasonBody, ResolveBody, ReturnBody, TriageBody,
} from '../domain/whistle-actions';

/** An update of an action of the contract: arguments the actor, the action's body, and what the API planned. */
function actionUpdate<Body>(name: string) {
  return defineUpdate<ActionAnswer, [Actor, Body, ActionPlan?]>(name);
}

// Updates: one per action of the contract.
export const acceptUpdate = actionUpdate<Record<string, never>>('accept');
export const progressUpdate = actionUpdate<NoteBody>('progress');
export const resolveUpdate = actionUpdate<ResolveBody>('resolve');
export const escalateUpdate = actionUpdate<ReasonBody>('escalate');
export const triageUpdate = actionUpdate<TriageBody>('triage');
export const returnUpdate = actionUpdate<ReturnBody>('return');
export const urgeUpdate = actionUpdate<NoteBody>('urge');
export const evaluateUpdate = actionUpdate<EvaluateBody>('evaluate');
export const withdrawUpdate = actionUpdate<ReasonBody>('withdraw');
export const requestExtensionUpdate = actionUpdate<ExtensionRequestBody>('request-extension');
export const decideExtensionUpdate = actionUpdate<ExtensionDecisionBody>('decide-extension');
export const mergeUpdate = actionUpdate<MergeBody>('merge');
/** 回访: the center called the reporter back (whistles whose workflow keeps the callback window). */
export const callbackUpdate = actionUpdate<CallbackBody>('callback');
/** Sent together with the start (update-with-start) by APIs before filing answered from the read model. */
export const filedUpdate = defineUpdate<ActionAnswer, [Actor]>('filed');

/** The supervisor's escalation from the Temporal CLI or UI: `{ "by": "<account id>", "reason": "..." }`. */
export const escalateSignal = defineSignal<[{ by: string; reason: string }]>('escalate');

/**
 * 重复件合并, on the original: a whistle was merged into this one (sent by the merged whistle's
 * workflow). Its filing organisation and community may view the original and receive its feedback.
 */
export const mergedInSignal = defineSignal<[MergedIn]>('mergedIn');
/**
 * The same news as an update, sent by the API right after the merge: its answer is written to the
 * original's read model before the merge's caller hears of it. The signal stays the durable path
 * (an API gone in between; originals whose workflows have no handler for the update).
 */
export const mergedInUpdate = defineUpdate<ActionResult, [MergedIn]>('mergedIn');

export const viewQuery = defineQuery<WhistleView>('view');

/**
 * The working-day calendar changed (`npm run holidays -- import`): every open whistle and help
 * request recomputes its pending working-day deadlines.
 */
export const calendarChangedSignal = defineSignal<[CalendarChange]>('calendarChanged');

/** What the projection writes to the read model for the current state (`npm run reconcile -- --repair`). */
export const projectionQuery = defineQuery<WhistleProjection>('projection');

export function whistleWorkflowId(id: string): string {
  return `whistle-${id}`;
}
