/**
 * Who may act on a neighbour-help request (邻里搭把手), in which status, and what a valid body
 * is. Pure functions over the request's state: the workflow's update validators use them, and
 * so does the API (before it asks the workflow, and for requests whose workflow has ended).
 * Order of checks: wrong role or organisation → forbidden; status does not allow it →
 * invalid_state; bad body → validation_failed. Every account may read every request.
 *
 * Who claims (接单): any party member (`member`) of the district — "anyone can take part", and
 * in-service members (在职党员) often serve outside the community where their account sits — or
 * the street office/town (`street`) of the request's own community. Nobody claims their own
 * request.
 */
import { FAILURE, type Actor } from './messages';
import {
  APPOINTMENT_HORIZON_DAYS, HELP_ACTIONS, MAX_RATING, MIN_RATING, type HelpAction, type HelpStatus, type HelpView,
} from './help-messages';

/** The part of the state the rules read. */
export interface HelpRuleState {
  status: HelpStatus;
  communityId: string;
  streetId: string;
  requesterId: string;
  claimer: { accountId: string } | null;
}

export interface Refusal { type: (typeof FAILURE)[keyof typeof FAILURE]; message: string }

const forbidden = (message: string): Refusal => ({ type: FAILURE.forbidden, message });
const invalidState = (action: string, status: HelpStatus): Refusal =>
  ({ type: FAILURE.invalidState, message: `cannot ${action} a help request that is ${status}` });
const bad = (message: string): Refusal => ({ type: FAILURE.validation, message });

const isRequester = (h: HelpRuleState, actor: Actor) => actor.accountId === h.requesterId;
const isClaimer = (h: HelpRuleState, actor: Actor) => h.claimer !== null && actor.accountId === h.claimer.accountId;

/** Whether the actor may take (接单) a request of this community: any member, or its street. */
export function mayClaim(h: Pick<HelpRuleState, 'streetId'>, actor: Actor): boolean {
  return actor.role === 'member' || (actor.role === 'street' && actor.orgId === h.streetId);
}

/** The claimer's own steps (报到, complete): only the claimer; before a claim, only a possible claimer. */
function claimerRefusal(h: HelpRuleState, actor: Actor, action: string, allowed: HelpStatus): Refusal | null {
  if (h.claimer !== null && !isClaimer(h, actor)) return forbidden(`only the account that took the request may ${action}`);
  if (h.claimer === null && actor.role !== 'member' && actor.role !== 'street') {
    return forbidden(`only the party member or street office that took the request may ${action}`);
  }
  return h.status === allowed ? null : invalidState(action, h.status);
}

/** Whether `actor` may perform `action` now; null when allowed, else the refusal. */
export function helpRefusal(h: HelpRuleState, actor: Actor, action: HelpAction): Refusal | null {
  const s = h.status;
  switch (action) {
    case 'verify':
      if (actor.role !== 'community' || actor.orgId !== h.communityId) {
        return forbidden('only the community the request belongs to may verify it (社区下单)');
      }
      return s === 'pending_verification' ? null : invalidState('verify', s);
    case 'claim':
      if (!mayClaim(h, actor)) {
        return forbidden(actor.role === 'street'
          ? 'a street office may only take requests of its own communities'
          : 'only a party member or the street office may take a request (接单)');
      }
      if (isRequester(h, actor)) return forbidden('nobody takes their own request');
      return s === 'open' ? null : invalidState('claim', s);
    case 'check-in':
      return claimerRefusal(h, actor, 'check in', 'claimed');
    case 'complete':
      return claimerRefusal(h, actor, 'complete', 'in_service');
    case 'confirm':
      if (!isRequester(h, actor)) return forbidden('only the requester may confirm and rate the service');
      return s === 'completed' ? null : invalidState('confirm', s);
    case 'cancel':
      if (!isRequester(h, actor)) return forbidden('only the requester may cancel');
      return s === 'pending_verification' || s === 'open' ? null : invalidState('cancel', s);
  }
}

const ISO_WITH_ZONE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * An ISO 8601 instant with its zone (`2026-05-01T09:30:00+08:00` or `…Z`) as epoch ms, or null
 * when it is not one (no zone, impossible date or time).
 */
export function parseZonedInstant(text: string): number | null {
  const m = ISO_WITH_ZONE.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return null;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) return null;
  let offsetMinutes = 0;
  if (m[8] !== 'Z') {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 14 || om > 59) return null;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000;
}

/** Why a future instant (appointment, needed-by) is unusable at `now`, or null when it is fine. */
export function futureInstantProblem(field: string, value: unknown, now: number): string | null {
  if (typeof value !== 'string') return `${field} must be an ISO 8601 date-time with a zone`;
  const at = parseZonedInstant(value);
  if (at === null) return `${field} must be an ISO 8601 date-time with a zone, e.g. 2026-05-01T09:30:00+08:00`;
  if (at <= now) return `${field} must be in the future`;
  if (at > now + APPOINTMENT_HORIZON_DAYS * 86_400_000) return `${field} must be within ${APPOINTMENT_HORIZON_DAYS} days`;
  return null;
}

const nonEmpty = (v: unknown) => typeof v === 'string' && v.trim().length > 0;

/** Checks of an action's body that need no database; `now` is the instant to judge times by. */
export function helpBodyRefusal(action: HelpAction, body: Record<string, unknown>, now: number): Refusal | null {
  switch (action) {
    case 'verify':
      if (typeof body.approve !== 'boolean') return bad('approve must be true or false');
      if (body.approve === false && !nonEmpty(body.reason)) return bad('reason is required when rejecting');
      return null;
    case 'claim': {
      const problem = futureInstantProblem('appointmentAt', body.appointmentAt, now);
      if (problem) return bad(problem);
      if (!nonEmpty(body.place)) return bad('place is required: where the service happens');
      return null;
    }
    case 'complete':
      return nonEmpty(body.note) ? null : bad('note is required: what was done');
    case 'confirm':
      return Number.isInteger(body.rating) && (body.rating as number) >= MIN_RATING && (body.rating as number) <= MAX_RATING
        ? null : bad(`rating must be a whole number of stars from ${MIN_RATING} to ${MAX_RATING}`);
    case 'cancel':
      return nonEmpty(body.reason) ? null : bad('reason is required');
    case 'check-in':
      return null;
  }
}

/** The rules' input from a request's view (read model or workflow). */
export function helpRuleStateOf(view: Pick<HelpView, 'status' | 'communityId' | 'streetId' | 'requester' | 'claimer'>): HelpRuleState {
  return {
    status: view.status, communityId: view.communityId, streetId: view.streetId,
    requesterId: view.requester.accountId, claimer: view.claimer,
  };
}

/** The actions `actor` may perform on the request now (its `allowedActions`: the console's buttons). */
export function helpAllowedActions(h: HelpRuleState, actor: Actor): HelpAction[] {
  return HELP_ACTIONS.filter((action) => helpRefusal(h, actor, action) === null);
}
