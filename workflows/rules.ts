/**
 * Who may see a whistle and who may act on it, in which status. Pure functions over the
 * whistle's state: the workflow's update validators use them, and so does the API for reads.
 * Order of checks: not visible → not_found; wrong role or organisation → forbidden;
 * status does not allow it → invalid_state.
 */
import { FAILURE, LISTS, RATINGS, type Actor, type DepartmentStatus, type WhistleAction, type WhistleStatus } from './messages';

/** The part of the state the rules read. */
export interface RuleState {
  status: WhistleStatus;
  filerOrgId: string;
  communityId: string;
  compoundId?: string;
  streetId: string;
  departments: Array<{ id: string; lead: boolean; status: DepartmentStatus }>;
  /** Every department the whistle was ever dispatched to. */
  seenByDepartments: string[];
}

export interface Refusal { type: (typeof FAILURE)[keyof typeof FAILURE]; message: string }

export const OPEN_STATUSES: readonly WhistleStatus[] = ['filed', 'street_handling', 'escalated', 'dispatched', 'department_handling'];
export const FINAL_STATUSES: readonly WhistleStatus[] = ['closed', 'withdrawn'];

export function canSee(w: RuleState, actor: Actor): boolean {
  switch (actor.role) {
    case 'center':
    case 'supervisor':
      return true;
    case 'street':
      return actor.orgId === w.streetId;
    case 'community':
      return isFilingCommunity(w, actor);
    case 'department':
      return w.seenByDepartments.includes(actor.orgId);
    default:
      return false;
  }
}

function isFilingCommunity(w: RuleState, actor: Actor): boolean {
  return actor.role === 'community' && (actor.orgId === w.filerOrgId || actor.orgId === w.communityId);
}

function isStreet(w: RuleState, actor: Actor): boolean {
  return actor.role === 'street' && actor.orgId === w.streetId;
}

function currentDepartment(w: RuleState, actor: Actor) {
  if (actor.role !== 'department') return undefined;
  return w.departments.find((d) => d.id === actor.orgId && d.status !== 'returned');
}

const forbidden = (message: string): Refusal => ({ type: FAILURE.forbidden, message });
const invalidState = (action: string, status: WhistleStatus): Refusal =>
  ({ type: FAILURE.invalidState, message: `cannot ${action} a whistle that is ${status}` });

/** Whether `actor` may perform `action` now; null when allowed, else the refusal. */
export function refusal(w: RuleState, actor: Actor, action: WhistleAction): Refusal | null {
  if (!canSee(w, actor)) return { type: FAILURE.notFound, message: 'whistle not found' };
  const s = w.status;
  switch (action) {
    case 'accept': {
      if (isStreet(w, actor)) return s === 'filed' ? null : invalidState('accept', s);
      const dept = currentDepartment(w, actor);
      if (dept) {
        if ((s === 'dispatched' || s === 'department_handling') && dept.status === 'dispatched') return null;
        return invalidState('accept', s);
      }
      return forbidden('only the street office or a dispatched department may accept (报到)');
    }
    case 'progress': {
      if (isStreet(w, actor)) return s === 'street_handling' ? null : invalidState('report progress on', s);
      const dept = currentDepartment(w, actor);
      if (dept) return s === 'department_handling' && dept.status === 'handling' ? null : invalidState('report progress on', s);
      return forbidden('only the current holder may report progress');
    }
    case 'resolve': {
      if (isStreet(w, actor)) return s === 'street_handling' ? null : invalidState('resolve', s);
      const dept = currentDepartment(w, actor);
      if (dept?.lead) return s === 'department_handling' ? null : invalidState('resolve', s);
      return forbidden('only the street office or the lead department (牵头单位) may resolve');
    }
    case 'escalate':
      if (isStreet(w, actor) || actor.role === 'supervisor') {
        return s === 'filed' || s === 'street_handling' ? null : invalidState('escalate', s);
      }
      return forbidden('only the street office or a supervisor may escalate');
    case 'triage':
      if (actor.role !== 'center') return forbidden('only the district service center may triage');
      return s === 'escalated' ? null : invalidState('triage', s);
    case 'return': {
      const dept = currentDepartment(w, actor);
      if (!dept) return forbidden('only a dispatched department may return a whistle');
      return s === 'dispatched' || s === 'department_handling' ? null : invalidState('return', s);
    }
    case 'urge':
      if (actor.role !== 'supervisor') return forbidden('only a supervisor may urge (督办)');
      return OPEN_STATUSES.includes(s) ? null : invalidState('urge', s);
    case 'evaluate':
      if (!isFilingCommunity(w, actor)) return forbidden('only the filing community may evaluate');
      return s === 'resolved' ? null : invalidState('evaluate', s);
    case 'withdraw':
      if (!isFilingCommunity(w, actor)) return forbidden('only the filing community may withdraw');
      return s === 'filed' || s === 'street_handling' ? null : invalidState('withdraw', s);
  }
}

/** Checks of an action's body that need no database (the API checks that departments exist). */
export function bodyRefusal(action: WhistleAction, body: Record<string, unknown>): Refusal | null {
  const bad = (message: string): Refusal => ({ type: FAILURE.validation, message });
  if (action === 'triage') {
    const ids = body.departmentIds as string[];
    if (!LISTS.includes(body.list as never)) return bad('list must be immediate, phased or understanding');
    if (!Array.isArray(ids) || ids.length === 0) return bad('departmentIds must name at least one department');
    if (new Set(ids).size !== ids.length) return bad('departmentIds must not repeat a department');
    const lead = body.leadDepartmentId as string | undefined;
    if (ids.length > 1 && !lead) return bad('leadDepartmentId is required when several departments are dispatched');
    if (lead !== undefined && !ids.includes(lead)) return bad('leadDepartmentId must be one of departmentIds');
  }
  if (action === 'evaluate' && !RATINGS.includes(body.rating as never)) {
    return bad('rating must be satisfied, basically_satisfied or unsatisfied');
  }
  if (action === 'resolve' && body.outcome !== undefined && body.outcome !== 'solved' && body.outcome !== 'explained') {
    return bad('outcome must be solved or explained');
  }
  return null;
}
