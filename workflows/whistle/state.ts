/**
 * A whistle's state, and what is shown of it: the workflow keeps one and changes it step by
 * step; the API builds the same first state when it files, so the whistle is in the read model
 * (and the street's queue) before any worker has run. Pure: no Temporal, no clock — every
 * instant is passed in.
 */
import type {
  ActionResult, CallbackView, DepartmentStatus, ExtensionView, Filing, List, MergedIn, Outcome, PlannedDeadline, Rating, StoredRuleExtras, WhistleEvent,
  WhistleLimits, WhistleProjection, WhistleRuleExtras, WhistleView, WhistleTimelineType,
} from '../../domain';
import { attachmentIdsOf, timelineEntryOf } from '../../domain';
import type { RuleState, WhistleParties } from '../rules';

/** The policy numbers of a whistle started without them (an operator's start): the contract's defaults. */
const DEFAULT_LIMITS: WhistleLimits = { maxReopens: 1, maxReturns: 2, maxExtensions: 1, warnBeforeMs: 24 * 3_600_000 };

export interface WhistleState extends WhistleParties {
  list: List | null;
  holder: string | null;
  /** The current deadline (ms), or null. */
  dueAt: number | null;
  overdue: boolean;
  dueSoon: boolean;
  reopenCount: number;
  returns: number;
  filedAt: number;
  resolvedAt: number | null;
  closedAt: number | null;
  result: string | null;
  outcome: Outcome | null;
  evaluation: { rating: Rating; comment: string | null; at: string } | null;
  /** The latest extension request of the current stage, and its requester's organisation. */
  extension: (ExtensionView & { unit: string }) | null;
  extensionsApproved: number;
  duplicateOf: string | null;
  merged: MergedIn[];
  /** 回访 of the current resolution, and until when it may be made (ms; null: no window now). */
  callback: CallbackView | null;
  callbackUntil: number | null;
  events: WhistleEvent[];
  /** Grows with every change; the read model never goes back to a lower one. */
  version: number;
  limits: WhistleLimits;
}

/** An instant (ms) as the contract writes it (ISO 8601, UTC). */
export const iso = (ms: number) => new Date(ms).toISOString();

/** The filing's instant as the API recorded it, never later than `now`. */
function filingInstant(filing: Filing, now: number): number {
  const at = typeof filing.filedAt === 'string' ? Date.parse(filing.filedAt) : NaN;
  return Number.isFinite(at) ? Math.min(at, now) : now;
}

/** The planned deadline for `key`, if the plan has one. */
export function plannedAt(plan: readonly PlannedDeadline[] | undefined, key: string): PlannedDeadline | undefined {
  return plan?.find((d) => d.key === key);
}

/**
 * A whistle as filed: with the street (镇街优先报到), its timeline starting with `filed`; or, filed
 * by the center in a proactive round (未诉先办), dispatched at once (`filed`, then `triaged`).
 */
export function newWhistle(filing: Filing, now: number): WhistleState {
  const filedAt = filingInstant(filing, now);
  const handle = plannedAt(filing.plan, 'street.handleWithin');
  const w: WhistleState = {
    status: 'filed', filerOrgId: filing.filerOrgId, communityId: filing.communityId, compoundId: filing.location.compoundId,
    grid: filing.location.grid,
    streetId: filing.streetId, departments: [], seenByDepartments: [], list: null, holder: filing.streetId,
    dueAt: handle ? Date.parse(handle.at) : null, overdue: false, dueSoon: false, reopenCount: 0, returns: 0,
    filedAt, resolvedAt: null, closedAt: null, result: null, outcome: null, evaluation: null,
    extension: null, extensionsApproved: 0, duplicateOf: null, merged: [], callback: null, callbackUntil: null, events: [], version: 0,
    limits: filing.limits ?? DEFAULT_LIMITS,
  };
  const proactive = filing.proactive;
  // A proactive whistle is no receipt of the street's: its `filed` entry names no unit.
  record(w, { type: 'filed', actor: filing.filedBy, note: null, unit: proactive ? null : filing.streetId,
    data: proactive ? { urgent: filing.urgent, proactive: true, ...attachmentIdsOf(filing) } : { urgent: filing.urgent, ...attachmentIdsOf(filing) }, at: filedAt });
  if (proactive) {
    const lead = proactive.leadDepartmentId ?? proactive.departmentIds[0];
    const due = plannedAt(filing.plan, `lists.${proactive.list}`);
    Object.assign(w, {
      status: 'dispatched', list: proactive.list, holder: lead, dueAt: due ? Date.parse(due.at) : null,
      departments: proactive.departmentIds.map((id) => ({ id, lead: id === lead, status: 'dispatched' as DepartmentStatus })),
      seenByDepartments: [...proactive.departmentIds],
    });
    record(w, { type: 'triaged', actor: filing.filedBy, note: null, unit: 'center', at: filedAt,
      data: { list: proactive.list, departmentIds: proactive.departmentIds, lead, final: false, proactive: true } });
  }
  return w;
}

/** Adds a timeline entry (and so a new version). */
export function record(w: WhistleState, e: { type: WhistleTimelineType; actor: string; note: string | null; unit: string | null;
  data?: Record<string, unknown>; at: number }): void {
  w.events.push({ seq: w.events.length + 1, at: iso(e.at), type: e.type, actor: e.actor, note: e.note, unit: e.unit, data: e.data ?? {} });
  w.version++;
}

function extensionView(w: WhistleState): ExtensionView | null {
  if (!w.extension) return null;
  const { unit: _unit, ...shown } = w.extension;
  return { ...shown };
}

/** The contract's view (per-caller fields empty: the workflow has no caller). */
export function viewOf(w: WhistleState, filing: Filing): WhistleView {
  return {
    id: filing.id, title: filing.title, description: filing.description, category: filing.category,
    urgent: filing.urgent, location: filing.location, status: w.status, list: w.list,
    communityId: w.communityId, streetId: w.streetId, filerOrgId: w.filerOrgId, holder: w.holder,
    departments: w.departments.map((d) => ({ ...d })),
    dueAt: w.dueAt === null ? null : iso(w.dueAt), overdue: w.overdue, reopenCount: w.reopenCount,
    filedAt: iso(w.filedAt), resolvedAt: w.resolvedAt === null ? null : iso(w.resolvedAt),
    closedAt: w.closedAt === null ? null : iso(w.closedAt), result: w.result, outcome: w.outcome,
    evaluation: w.evaluation,
    timeline: w.events.map(timelineEntryOf),
    dueSoon: w.dueSoon, extension: extensionView(w), returns: w.returns, finalDispatch: w.returns >= w.limits.maxReturns,
    duplicateOf: w.duplicateOf, duplicates: w.merged.map((m) => m.id), reports: 1 + w.merged.length,
    allowedActions: [], possibleDuplicates: [], suggestion: null,
    source: filing.source ?? (filing.proactive ? 'proactive' : 'community'), callback: w.callback && { ...w.callback }, knowledge: [],
  };
}

export function ruleExtrasOf(w: WhistleState): WhistleRuleExtras {
  return {
    centerTools: true, extensionsLeft: Math.max(0, w.limits.maxExtensions - w.extensionsApproved), merged: w.merged.map((m) => ({ ...m })),
    ...(w.callbackUntil === null ? {} : { callbackUntil: iso(w.callbackUntil) }),
  };
}

/**
 * What the read model holds for the current state (the `projection` query), or, from `fromSeq`
 * on, what the projection writes of it: the row, and the timeline entries it has not written
 * before (earlier entries never change once their task is recorded).
 */
export function projectionOf(w: WhistleState, filing: Filing, fromSeq = 1): WhistleProjection {
  return {
    version: w.version, view: viewOf(w, filing), seenByDepartments: [...w.seenByDepartments],
    reporterName: filing.reporter?.name ?? null, events: w.events.filter((e) => e.seq >= fromSeq), rules: ruleExtrasOf(w),
    timelineLength: w.events.length,
  };
}

/** An action's answer: the state without its timeline, and the entries from `fromSeq` on. */
export function actionResultOf(w: WhistleState, filing: Filing, fromSeq: number, bodyNote: string | null = null): ActionResult {
  const { timeline: _timeline, title: _t, description: _d, location: _l, category: _c, urgent: _u, ...view } = viewOf(w, filing);
  return {
    version: w.version, view, rules: ruleExtrasOf(w), seenByDepartments: [...w.seenByDepartments],
    reporterName: filing.reporter?.name ?? null,
    events: w.events.filter((e) => e.seq >= fromSeq)
      .map((e) => (bodyNote !== null && e.note === bodyNote ? { ...e, note: null, noteFromBody: true as const } : e)),
    timelineLength: w.events.length,
  };
}

/**
 * Whether the whistle's workflow has the center's tools (extensions, merging). `secondRound` is the
 * field's name in read-model rows and workflow histories written before it was renamed: stored
 * data, read as it was written, never written again.
 */
function hasCenterTools(extras: StoredRuleExtras | null | undefined): extras is StoredRuleExtras {
  return !!extras && ('centerTools' in extras ? extras.centerTools === true : extras.secondRound === true);
}

/** The rules' input, from a view (read model or answer) and the extras kept beside it. */
export function ruleStateFrom(view: Omit<WhistleView, 'timeline'>, seenByDepartments: string[],
  extras: StoredRuleExtras | null | undefined): RuleState {
  const base: RuleState = {
    status: view.status, filerOrgId: view.filerOrgId, communityId: view.communityId, compoundId: view.location?.compoundId,
    grid: view.location?.grid,
    streetId: view.streetId, departments: view.departments, seenByDepartments,
  };
  if (!hasCenterTools(extras)) return base;
  return {
    ...base, centerTools: true, dueAt: view.dueAt === null ? null : Date.parse(view.dueAt), returns: view.returns,
    // finalDispatch says whether returns reached the limit (the limit itself is the workflow's).
    maxReturns: view.finalDispatch ? view.returns : Infinity,
    extension: view.extension, extensionsLeft: extras.extensionsLeft,
    duplicates: view.duplicates, duplicateViewers: extras.merged.flatMap((m) => [m.filerOrgId, m.communityId]),
    callbackUntil: extras.callbackUntil ? Date.parse(extras.callbackUntil) : null, callbackDone: !!view.callback,
  };
}

/** The rules' input from the workflow's own state. */
export function ruleStateOf(w: WhistleState): RuleState {
  return {
    status: w.status, filerOrgId: w.filerOrgId, communityId: w.communityId, compoundId: w.compoundId, grid: w.grid, streetId: w.streetId,
    departments: w.departments, seenByDepartments: w.seenByDepartments, centerTools: true, dueAt: w.dueAt,
    returns: w.returns, maxReturns: w.limits.maxReturns, extension: w.extension,
    extensionsLeft: Math.max(0, w.limits.maxExtensions - w.extensionsApproved),
    duplicates: w.merged.map((m) => m.id), duplicateViewers: w.merged.flatMap((m) => [m.filerOrgId, m.communityId]),
    callbackUntil: w.callbackUntil, callbackDone: w.callback !== null,
  };
}
