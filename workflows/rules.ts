/**
 * Who may act on a whistle, in which status (who may see it: ./visibility.ts). Pure functions over
 * the whistle's state: the workflow's update validators use them, the API uses them for reads and
 * for each caller's `allowedActions` — one definition, so a button the console shows never meets
 * a refusal it could have known about.
 * Order of checks: not visible → not_found; wrong role or organisation → forbidden;
 * status (or the stage's facts) does not allow it → invalid_state; bad body → validation_failed.
 */
import {
  ACTION_LABELS, FAILURE, FINAL_STATUSES, LISTS, OPEN_STATUSES, RATINGS, RETURN_KINDS, RETURN_RULINGS, STATUS_LABELS, WHISTLE_ACTIONS,
  type Actor, type DepartmentStatus, type ExtensionView, type WhistleAction, type WhistleStatus,
} from '../domain';
import { canSee } from './visibility';

/** Who a whistle belongs to and where it stands: in the workflow's state and in what the rules read. */
export interface WhistleParties {
  status: WhistleStatus;
  filerOrgId: string;
  communityId: string;
  compoundId?: string;
  /** `location.grid`: a grid's id when a grid (网格) filed it, or the grid's id its community named. */
  grid?: string;
  streetId: string;
  departments: Array<{ id: string; lead: boolean; status: DepartmentStatus }>;
  /** Every department the whistle was ever dispatched to. */
  seenByDepartments: string[];
}

/** The part of the state the rules read. */
export interface RuleState extends WhistleParties {
  // ---- the center's tools (absent for whistles whose workflow has no handlers for extensions and merging: refused) ----
  centerTools?: boolean;
  /** The current deadline (ms), or null. */
  dueAt?: number | null;
  returns?: number;
  maxReturns?: number;
  extension?: Pick<ExtensionView, 'status'> | null;
  /** Extension approvals the current stage has left. */
  extensionsLeft?: number;
  /** Whistles merged into this one. */
  duplicates?: string[];
  /** Filing organisations and communities of the whistles merged into this one (they may view it). */
  duplicateViewers?: string[];
  /** 回访: until when the current resolution may be called back (ms; null or absent: it may not), and whether it was. */
  callbackUntil?: number | null;
  callbackDone?: boolean;
}

export interface Refusal {
  type: (typeof FAILURE)[keyof typeof FAILURE];
  message: string;
  /** The same refusal as a Chinese sentence for people (the console shows it). */
  messageZh: string;
}

/** Chinese names of the statuses and actions, for the sentences people read. */
const STATUS_ZH = STATUS_LABELS;
const ACTION_ZH = ACTION_LABELS;

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

const forbidden = (message: string, messageZh: string): Refusal => ({ type: FAILURE.forbidden, message, messageZh });
const refusedNow = (message: string, messageZh: string): Refusal => ({ type: FAILURE.invalidState, message, messageZh });
const invalidState = (action: WhistleAction, status: WhistleStatus): Refusal => refusedNow(
  `cannot ${action} a whistle that is ${status}`, `该事项${STATUS_ZH[status]}，不能${ACTION_ZH[action]}`);
const bad = (message: string, messageZh: string): Refusal => ({ type: FAILURE.validation, message, messageZh });
const withoutCenterTools = (action: WhistleAction): Refusal => refusedNow(
  `cannot ${action} a whistle filed before this action existed`, `该事项在此功能上线前立项，不能${ACTION_ZH[action]}`);

/** Whether `actor` may perform `action` now (`now` in ms); null when allowed, else the refusal. Bodies aside. */
export function refusal(w: RuleState, actor: Actor, action: WhistleAction, now = Date.now()): Refusal | null {
  if (!canSee(w, actor)) return { type: FAILURE.notFound, message: 'whistle not found', messageZh: '没有找到该事项' };
  const s = w.status;
  switch (action) {
    case 'accept': {
      if (isStreet(w, actor)) return s === 'filed' ? null : invalidState(action, s);
      const dept = currentDepartment(w, actor);
      if (dept) {
        if ((s === 'dispatched' || s === 'department_handling') && dept.status === 'dispatched') return null;
        return invalidState(action, s);
      }
      return forbidden('only the street office or a dispatched department may accept (报到)', '只有所属镇街或被派单的部门可以受理（报到）');
    }
    case 'progress': {
      if (isStreet(w, actor)) return s === 'street_handling' ? null : invalidState(action, s);
      const dept = currentDepartment(w, actor);
      if (dept) return s === 'department_handling' && dept.status === 'handling' ? null : invalidState(action, s);
      return forbidden('only the current holder may report progress', '只有当前承办单位可以反馈进展');
    }
    case 'resolve': {
      if (isStreet(w, actor)) return s === 'street_handling' ? null : invalidState(action, s);
      const dept = currentDepartment(w, actor);
      if (dept?.lead) return s === 'department_handling' ? null : invalidState(action, s);
      return forbidden('only the street office or the lead department (牵头单位) may resolve', '只有所属镇街或牵头单位可以办结');
    }
    case 'escalate':
      if (isStreet(w, actor) || actor.role === 'supervisor') {
        return s === 'filed' || s === 'street_handling' ? null : invalidState(action, s);
      }
      return forbidden('only the street office or a supervisor may escalate', '只有所属镇街或督查室可以上报区中心');
    case 'triage':
      if (actor.role !== 'center') return forbidden('only the district service center may triage', '只有区中心可以分拨派单');
      return s === 'escalated' ? null : invalidState(action, s);
    case 'return': {
      const dept = currentDepartment(w, actor);
      if (!dept) return forbidden('only a dispatched department may return a whistle', '只有被派单的部门可以退单');
      if (s !== 'dispatched' && s !== 'department_handling') return invalidState(action, s);
      if (w.centerTools && (w.returns ?? 0) >= (w.maxReturns ?? Infinity)) {
        return refusedNow(`the center's dispatch is final (终审) after ${w.returns} returns: it can no longer be returned`,
          `该事项已退单${w.returns}次，区中心的派单为终审派单，不能再退单`);
      }
      return null;
    }
    case 'urge':
      if (actor.role !== 'supervisor') return forbidden('only a supervisor may urge (督办)', '只有督查室可以督办');
      return OPEN_STATUSES.includes(s) ? null : invalidState(action, s);
    case 'evaluate':
      if (!isFilingCommunity(w, actor)) return forbidden('only the filing community may evaluate', '只有吹哨的社区可以评价');
      return s === 'resolved' ? null : invalidState(action, s);
    case 'withdraw':
      if (!isFilingCommunity(w, actor)) return forbidden('only the filing community may withdraw', '只有吹哨的社区可以撤回');
      if (s !== 'filed' && s !== 'street_handling') return invalidState(action, s);
      if ((w.duplicates ?? []).length > 0) {
        return refusedNow('a whistle that other whistles were merged into cannot be withdrawn', '已有重复件合并到该事项，不能撤回');
      }
      return null;
    case 'request-extension': {
      const holderMayAsk = (isStreet(w, actor) && s === 'street_handling')
        || (currentDepartment(w, actor)?.lead === true && s === 'department_handling');
      if (!isStreet(w, actor) && !currentDepartment(w, actor)?.lead) {
        return forbidden('only the street office or the lead department may request an extension', '只有所属镇街或牵头单位可以申请延期');
      }
      if (!holderMayAsk) return invalidState(action, s);
      if (!w.centerTools) return withoutCenterTools(action);
      if (w.extension?.status === 'requested') {
        return refusedNow('an extension request is already waiting for the center', '已有延期申请在等待区中心审批');
      }
      if ((w.extensionsLeft ?? 0) <= 0) {
        return refusedNow('this stage has had as many approved extensions as the policy allows', '本阶段的延期次数已用完');
      }
      if (w.dueAt === null || w.dueAt === undefined || now >= w.dueAt) {
        return refusedNow('an extension must be requested before the deadline', '延期须在办理时限届满前申请');
      }
      return null;
    }
    case 'decide-extension':
      if (actor.role !== 'center') return forbidden('only the district service center decides extension requests', '只有区中心可以审批延期');
      if (!w.centerTools) return withoutCenterTools(action);
      return w.extension?.status === 'requested' ? null
        : refusedNow('no extension request is waiting for a decision', '没有待审批的延期申请');
    case 'callback':
      if (actor.role !== 'center') return forbidden('only the district service center calls the reporter back (回访)', '只有区中心可以回访');
      if (s !== 'resolved' && s !== 'closed') return invalidState(action, s);
      if (!w.callbackUntil || now > w.callbackUntil) {
        return refusedNow('the callback window of this resolution has passed (callback.within)', '本次办结的回访期限已过，不能再回访');
      }
      return w.callbackDone ? refusedNow('this resolution was called back already', '本次办结已回访过') : null;
    case 'merge': {
      const streetMay = isStreet(w, actor);
      if (!streetMay && actor.role !== 'center') {
        return forbidden('only the street office (its own whistles) or the center may merge', '只有所属镇街或区中心可以合并重复件');
      }
      const allowed = streetMay ? s === 'filed' || s === 'street_handling' : s === 'escalated';
      if (!allowed) return invalidState(action, s);
      if (!w.centerTools) return withoutCenterTools(action);
      if ((w.duplicates ?? []).length > 0) {
        return bad('a whistle that other whistles were merged into cannot itself be merged', '已有重复件合并到该事项，它本身不能再被合并');
      }
      return null;
    }
  }
}

/** The actions `actor` may perform now: the buttons of the console (the contract's `allowedActions`). */
export function allowedActions(w: RuleState, actor: Actor, now = Date.now()): WhistleAction[] {
  if (!canSee(w, actor)) return [];
  return WHISTLE_ACTIONS.filter((action) => refusal(w, actor, action, now) === null);
}

/** An ISO 8601 instant with an explicit offset (`Z` or `±hh:mm`). */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Checks of an action's body that need no database (the API checks that departments and whistles exist). */
export function bodyRefusal(action: WhistleAction, body: Record<string, unknown>): Refusal | null {
  if (action === 'triage') {
    const ids = body.departmentIds as string[];
    if (!LISTS.includes(body.list as never)) return bad('list must be immediate, phased or understanding', '请选择即办、阶段性或谅解清单');
    if (!Array.isArray(ids) || ids.length === 0) return bad('departmentIds must name at least one department', '请至少选择一个承办部门');
    if (new Set(ids).size !== ids.length) return bad('departmentIds must not repeat a department', '承办部门不能重复');
    const lead = body.leadDepartmentId as string | undefined;
    if (ids.length > 1 && !lead) {
      return bad('leadDepartmentId is required when several departments are dispatched', '派给多个部门时须指定牵头单位');
    }
    if (lead !== undefined && !ids.includes(lead)) return bad('leadDepartmentId must be one of departmentIds', '牵头单位须是承办部门之一');
    if (body.returnRuling !== undefined && !RETURN_RULINGS.includes(body.returnRuling as never)) {
      return bad('returnRuling must be upheld or rejected', '退单审核结果须为维持退回或驳回退回');
    }
  }
  if (action === 'callback') {
    if (typeof body.reached !== 'boolean') return bad('reached must be true or false', '请选择是否联系上反映人');
    if (body.rating !== undefined && !RATINGS.includes(body.rating as never)) {
      return bad('rating must be satisfied, basically_satisfied or unsatisfied', '回访评价须为满意、基本满意或不满意');
    }
    if (body.reached && body.rating === undefined) return bad('rating is required when the reporter was reached', '联系上反映人时须填写回访评价');
  }
  if (action === 'evaluate' && !RATINGS.includes(body.rating as never)) {
    return bad('rating must be satisfied, basically_satisfied or unsatisfied', '评价须为满意、基本满意或不满意');
  }
  if (action === 'resolve' && body.outcome !== undefined && body.outcome !== 'solved' && body.outcome !== 'explained') {
    return bad('outcome must be solved or explained', '办理结果须为已解决或已解释');
  }
  if (action === 'return' && body.kind !== undefined && !RETURN_KINDS.includes(body.kind as never)) {
    return bad('kind must be not_our_area, not_our_function or other', '退单类型须为非本单位职责范围、非本单位职能或其他');
  }
  if (action === 'request-extension') {
    if (typeof body.until !== 'string' || !INSTANT.test(body.until) || !Number.isFinite(Date.parse(body.until))) {
      return bad('until must be an ISO 8601 instant with an offset, e.g. 2026-12-20T18:00:00+08:00',
        '延期至须为带时区的时间，例如 2026-12-20T18:00:00+08:00');
    }
  }
  if (action === 'decide-extension' && typeof body.approve !== 'boolean') {
    return bad('approve must be true or false', '请选择同意或不同意');
  }
  return null;
}

/**
 * 派单异议审核: a triage of a whistle that came back by a `return` (`returned`: its last arrival at
 * the center was a return) needs the center's ruling on it; any other triage must not carry one.
 */
export function returnRulingRefusal(returned: boolean, ruling: unknown): Refusal | null {
  if (returned && ruling === undefined) {
    return bad('returnRuling (upheld or rejected) is required: the whistle came back by a return', '该事项由部门退回，请先审核退单（维持退回或驳回退回）');
  }
  if (!returned && ruling !== undefined) {
    return bad('returnRuling is only for a whistle that came back by a return', '该事项不是由部门退回的，不能审核退单');
  }
  return null;
}

/**
 * The extension request's `until` against the stage: after `dueAt`, at most `limit` (both ms).
 * The limit is 24:00 of the extension.maxWorkingDays-th working day after the day on which
 * `dueAt` ends; the API works it out with the calendar and the workflow checks it here.
 */
export function extensionUntilRefusal(until: number, dueAt: number, limit: number): Refusal | null {
  if (until <= dueAt) {
    return bad(`until must be after the current deadline ${new Date(dueAt).toISOString()}`, '延期至须晚于当前办理时限');
  }
  if (until > limit) {
    return bad(`until may be at most ${new Date(limit).toISOString()} (extension.maxWorkingDays working days after the deadline)`,
      `延期至最晚为 ${new Date(limit).toISOString()}（办理时限后的最多工作日数）`);
  }
  return null;
}

/**
 * The organisations a whistle waits for now — its queue (工作台, `holder=me`): the holder, every
 * dispatched department that has not accepted yet, and the center while an extension request
 * waits for its decision.
 */
export function waitingFor(view: { status: WhistleStatus; holder: string | null;
  departments: Array<{ id: string; status: DepartmentStatus }>; extension?: Pick<ExtensionView, 'status'> | null }): string[] {
  if (FINAL_STATUSES.includes(view.status)) return [];
  const orgs = new Set<string>();
  if (view.holder) orgs.add(view.holder);
  if (view.status === 'dispatched' || view.status === 'department_handling') {
    for (const d of view.departments) if (d.status === 'dispatched') orgs.add(d.id);
  }
  if (view.extension?.status === 'requested') orgs.add('center');
  return [...orgs];
}
