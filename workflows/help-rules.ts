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
import {
  APPOINTMENT_HORIZON_DAYS, type Actor, FAILURE, HELP_ACTION_LABELS, HELP_ACTIONS, HELP_STATUS_LABELS, type HelpAction, type HelpStatus,
  type HelpView, MAX_RATING, MIN_RATING,
} from '../domain';

/** The part of the state the rules read. */
export interface HelpRuleState {
  status: HelpStatus;
  communityId: string;
  streetId: string;
  requesterId: string;
  claimer: { accountId: string } | null;
}

export interface Refusal {
  type: (typeof FAILURE)[keyof typeof FAILURE];
  message: string;
  /** The same refusal as a Chinese sentence for people (the console shows it). */
  messageZh: string;
}

/** A problem with a value, in English and in Chinese. */
export interface Problem { message: string; messageZh: string }

const forbidden = (message: string, messageZh: string): Refusal => ({ type: FAILURE.forbidden, message, messageZh });
const invalidState = (action: HelpAction, status: HelpStatus): Refusal => ({
  type: FAILURE.invalidState, message: `cannot ${action} a help request that is ${status}`,
  messageZh: `该点单${HELP_STATUS_LABELS[status]}，不能${HELP_ACTION_LABELS[action]}`,
});
const bad = (message: string, messageZh: string): Refusal => ({ type: FAILURE.validation, message, messageZh });

const isRequester = (h: HelpRuleState, actor: Actor) => actor.accountId === h.requesterId;
const isClaimer = (h: HelpRuleState, actor: Actor) => h.claimer !== null && actor.accountId === h.claimer.accountId;

/** Whether the actor may take (接单) a request of this community: any member, or its street. */
function mayClaim(h: Pick<HelpRuleState, 'streetId'>, actor: Actor): boolean {
  return actor.role === 'member' || (actor.role === 'street' && actor.orgId === h.streetId);
}

/** The claimer's own steps (报到, complete): only the claimer; before a claim, only a possible claimer. */
function claimerRefusal(h: HelpRuleState, actor: Actor, action: 'check-in' | 'complete', allowed: HelpStatus): Refusal | null {
  const words = action === 'check-in' ? 'check in' : action;
  if (h.claimer !== null && !isClaimer(h, actor)) {
    return forbidden(`only the account that took the request may ${words}`, `只有接单人可以${HELP_ACTION_LABELS[action]}`);
  }
  if (h.claimer === null && actor.role !== 'member' && actor.role !== 'street') {
    return forbidden(`only the party member or street office that took the request may ${words}`, `只有接单的党员或街道可以${HELP_ACTION_LABELS[action]}`);
  }
  return h.status === allowed ? null : invalidState(action, h.status);
}

/** Whether `actor` may perform `action` now; null when allowed, else the refusal. */
export function helpRefusal(h: HelpRuleState, actor: Actor, action: HelpAction): Refusal | null {
  const s = h.status;
  switch (action) {
    case 'verify':
      if (actor.role !== 'community' || actor.orgId !== h.communityId) {
        return forbidden('only the community the request belongs to may verify it (社区下单)', '只有点单所在的社区可以审核下单');
      }
      return s === 'pending_verification' ? null : invalidState('verify', s);
    case 'claim':
      if (!mayClaim(h, actor)) {
        return actor.role === 'street'
          ? forbidden('a street office may only take requests of its own communities', '街道只能接本辖区社区的点单')
          : forbidden('only a party member or the street office may take a request (接单)', '只有党员或所属街道可以接单');
      }
      if (isRequester(h, actor)) return forbidden('nobody takes their own request', '不能接自己的点单');
      return s === 'open' ? null : invalidState('claim', s);
    case 'check-in':
      return claimerRefusal(h, actor, 'check-in', 'claimed');
    case 'complete':
      return claimerRefusal(h, actor, 'complete', 'in_service');
    case 'confirm':
      if (!isRequester(h, actor)) return forbidden('only the requester may confirm and rate the service', '只有点单人可以确认评价');
      return s === 'completed' ? null : invalidState('confirm', s);
    case 'cancel':
      if (!isRequester(h, actor)) return forbidden('only the requester may cancel', '只有点单人可以取消点单');
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

const INSTANT_NAMES: Record<string, string> = { appointmentAt: '约定时间', neededBy: '需要时间' };

/** Why a future instant (appointment, needed-by) is unusable at `now`, or null when it is fine. */
export function futureInstantProblem(field: 'appointmentAt' | 'neededBy', value: unknown, now: number): Problem | null {
  const name = INSTANT_NAMES[field];
  const zoned = '应为带时区的日期时间，例如 2026-05-01T09:30:00+08:00';
  if (typeof value !== 'string') return { message: `${field} must be an ISO 8601 date-time with a zone`, messageZh: `${name}${zoned}` };
  const at = parseZonedInstant(value);
  if (at === null) return { message: `${field} must be an ISO 8601 date-time with a zone, e.g. 2026-05-01T09:30:00+08:00`, messageZh: `${name}${zoned}` };
  if (at <= now) return { message: `${field} must be in the future`, messageZh: `${name}必须晚于现在` };
  if (at > now + APPOINTMENT_HORIZON_DAYS * 86_400_000) {
    return { message: `${field} must be within ${APPOINTMENT_HORIZON_DAYS} days`, messageZh: `${name}不能晚于 ${APPOINTMENT_HORIZON_DAYS} 天以后` };
  }
  return null;
}

const nonEmpty = (v: unknown) => typeof v === 'string' && v.trim().length > 0;

/** Checks of an action's body that need no database; `now` is the instant to judge times by. */
export function helpBodyRefusal(action: HelpAction, body: Record<string, unknown>, now: number): Refusal | null {
  switch (action) {
    case 'verify':
      if (typeof body.approve !== 'boolean') return bad('approve must be true or false', '请选择通过或不通过');
      if (body.approve === false && !nonEmpty(body.reason)) return bad('reason is required when rejecting', '不通过时请填写理由');
      return null;
    case 'claim': {
      const problem = futureInstantProblem('appointmentAt', body.appointmentAt, now);
      if (problem) return bad(problem.message, problem.messageZh);
      if (!nonEmpty(body.place)) return bad('place is required: where the service happens', '请填写约定地点');
      return null;
    }
    case 'complete':
      return nonEmpty(body.note) ? null : bad('note is required: what was done', '请填写服务情况');
    case 'confirm':
      return Number.isInteger(body.rating) && (body.rating as number) >= MIN_RATING && (body.rating as number) <= MAX_RATING
        ? null : bad(`rating must be a whole number of stars from ${MIN_RATING} to ${MAX_RATING}`, `请评 ${MIN_RATING} 至 ${MAX_RATING} 星`);
    case 'cancel':
      return nonEmpty(body.reason) ? null : bad('reason is required', '请填写取消理由');
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
