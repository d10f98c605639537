/**
 * An action of the contract as a Temporal update: its validator refuses before any state changes
 * (who may act in which status — workflows/rules.ts —, then the body, then the action's own
 * check); its handler makes the change and answers with the state now and what the read model
 * may lack (the API writes it before it answers its caller).
 */
import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import {
  type ActionAnswer, type ActionPlan, type ActionResult, type Actor, attachmentIdsOf, type Filing, NOTE_FIELD, type WhistleAction,
} from '../../domain';
import { bodyRefusal, refusal, type Refusal } from '../rules';
import type { Publisher } from './publishing';
import { actionResultOf, ruleStateOf, type WhistleState } from './state';

/** A check of an action beyond the rules and the body's shape (the stage's facts, the API's plan). */
export type ActionCheck = (actor: Actor, body: Record<string, unknown>, plan?: ActionPlan) => Refusal | null;

/** A refusal as the failure an update's caller receives (the API maps its type to HTTP). */
function refuse(refused: Refusal | null): void {
  if (refused) {
    throw ApplicationFailure.create({
      type: refused.type, message: refused.message, nonRetryable: true, details: [{ messageZh: refused.messageZh }],
    });
  }
}

/** The function that sets one action's update handler on this whistle. */
export function actionHandlers(w: WhistleState, filing: Filing, publisher: Publisher) {
  function validate(action: WhistleAction, check?: ActionCheck) {
    return (actor: Actor, body?: unknown, plan?: ActionPlan): void => {
      const b = (body ?? {}) as Record<string, unknown>;
      refuse(refusal(ruleStateOf(w), actor, action, Date.now()) ?? bodyRefusal(action, b) ?? check?.(actor, b, plan) ?? null);
    };
  }

  return function onAction<B>(def: UpdateDefinition<ActionAnswer, [Actor, B, ActionPlan?]>, action: WhistleAction,
    change: (actor: Actor, body: B, plan?: ActionPlan) => void, check?: ActionCheck): void {
    setHandler(def, (actor: Actor, body: B, plan?: ActionPlan): ActionResult => {
      const before = w.events.length;
      publisher.inAction(() => change(actor, body, plan));
      // The call's photos (附件) on the entry it made: facts of the entry, no command of its own.
      const photos = attachmentIdsOf(body as Record<string, unknown> | undefined);
      if (photos.attachmentIds && w.events.length > before) Object.assign(w.events[before].data, photos);
      // The read model gets the change through the API now and the projection a moment later;
      // operators' search attributes follow at once. The answer carries this action's entries
      // only: it is kept in the history, so it must not grow with the timeline.
      publisher.showInTemporal();
      const field = NOTE_FIELD[action];
      const note = field ? (body as Record<string, unknown> | undefined)?.[field] : undefined;
      return actionResultOf(w, filing, before + 1, typeof note === 'string' ? note : null);
    }, { validator: validate(action, check) });
  };
}
