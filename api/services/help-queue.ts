/**
 * What waits for a person on the help board (邻里搭把手待办, `GET /v1/help-requests?waitingFor=me`):
 * the requests on which the help rules give them a duty now — the community's verifications
 * (审核下单), the open requests a party member or the street may take (接单), the claimer's
 * check-ins (报到) and completions, the requester's confirmations (确认评价). Cancelling is the
 * requester's right, never a to-do.
 *
 * The rules (workflows/help-rules.ts) decide; the store's condition (waitingCondition,
 * lib/stores/help.ts) only finds the candidates in the read model and mirrors each rule, and every
 * row it finds is judged by the rules again (waitsFor) before it is listed, so the list can never
 * show what the rules would refuse.
 */
import type { Actor, HelpAction, HelpView } from '../../domain';
import { helpAllowedActions, helpRuleStateOf } from '../../workflows/help-rules';

/** The actions that wait for someone: a duty, not merely something one may do. */
const AWAITED_HELP_ACTIONS: readonly HelpAction[] = ['verify', 'claim', 'check-in', 'complete', 'confirm'];

/** Whether the request waits for this actor's action now, by the help rules. */
export function waitsFor(view: HelpView, actor: Actor): boolean {
  return helpAllowedActions(helpRuleStateOf(view), actor).some((a) => AWAITED_HELP_ACTIONS.includes(a));
}
