/**
 * A whistle's state, and what is shown of it: the workflow keeps one and changes it step by
 * step; the API builds the same first state when it files, so the whistle is in the read model
 * (and the street's queue) before any worker has run. Pure: no Temporal, no clock — every
 * instant is passed in.
 */
import type { WhistleEvent, WhistleProjection } from '../activities/types';
import type {
  ActionResult, ExtensionView, Filing, List, MergedIn, Outcome, PlannedDeadline, Rating, WhistleLimits,
  WhistleRuleExtras, WhistleView,
} from './messages';
import type { RuleState, WhistleParties } from './rules';

/** The policy numbers of a whistle started without them (an operator's start): the contract's defaults. */
export const DEFAULT_LIMITS: WhistleLimits = { maxReopens: 1, maxReturns: 2, maxExtensions: 1, warnBeforeMs: 24 * 3_600_000 };

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
  events: WhistleEvent[];
  /** Grows with every change; the read model never goes back to a lower one. */
  version: number;
  limits: WhistleLimits;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The filing's instant as the API recorded it, never later than `now`. */
export function filingInstant(filing: Filing, now: number): number {
  const at = typeof filing.filedAt === 'string' ? Date.parse(filing.filedAt) : NaN;
  return Number.isFinite(at) ? Math.min(at, now) : now;
}

/** The planned deadline for `key`, if the plan has one. */
export function plannedAt(plan: readonly PlannedDeadline[] | undefined, key: string): PlannedDeadline | undefined {
  return plan?.find((d) => d.key === key);
}

/** A whistle as filed: with the street (镇街优先报到), its timeline starting with `filed`. */
export function newWhistle(filing: Filing, now: number): WhistleState {
  const filedAt = filingInstant(filing, now);
  const handle = plannedAt(filing.plan, 'street.handleWithin');
  const w: WhistleState = {
    status: 'filed', filerOrgId: filing.filerOrgId, communityId: filing.communityId, compoundId: filing.location.compoundId,
    streetId: filing.streetId, departments: [], seenByDepartments: [], list: null, holder: filing.streetId,
    dueAt: handle ? Date.parse(handle.at) : null, overdue: false, dueSoon: false, reopenCount: 0, returns: 0,
    filedAt, resolvedAt: null, closedAt: null, result: null, outcome: null, evaluation: null,
    extension: null, extensionsApproved: 0, duplicateOf: null, merged: [], events: [], version: 0,
    limits: filing.limits ?? DEFAULT_LIMITS,
  };
  record(w, { type: 'filed', actor: filing.filedBy, note: null, unit: filing.streetId, data: { urgent: filing.urgent }, at: filedAt });
  return w;
}

/** Adds a timeline entry (and so a new version). */
export function record(w: WhistleState, e: { type: string; actor: string; note: string | null; unit: string | null;
  data?: Record<string, unknown>; at: number }): void {
  w.events.push({ seq: w.events.length + 1, at: iso(e.at), type: e.type, actor: e.actor, note: e.note, unit: e.unit, data: e.data ?? {} });
  w.version++;
}

export function extensionView(w: WhistleState): ExtensionView | null {
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
    timeline: w.events.map(({ at, type, actor, note }) => ({ at, type, actor, note })),
    dueSoon: w.dueSoon, extension: extensionView(w), returns: w.returns, finalDispatch: w.returns >= w.limits.maxReturns,
    duplicateOf: w.duplicateOf, duplicates: w.merged.map((m) => m.id), reports: 1 + w.merged.length,
    allowedActions: [], possibleDuplicates: [], suggestion: null,
  };
}

export function ruleExtrasOf(w: WhistleState): WhistleRuleExtras {
  return { secondRound: true, extensionsLeft: Math.max(0, w.limits.maxExtensions - w.extensionsApproved), merged: w.merged.map((m) => ({ ...m })) };
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

/** The rules' input, from a view (read model or answer) and the extras kept beside it. */
export function ruleStateFrom(view: Omit<WhistleView, 'timeline'>, seenByDepartments: string[],
  extras: WhistleRuleExtras | null | undefined): RuleState {
  const base: RuleState = {
    status: view.status, filerOrgId: view.filerOrgId, communityId: view.communityId, compoundId: view.location?.compoundId,
    streetId: view.streetId, departments: view.departments, seenByDepartments,
  };
  if (!extras?.secondRound) return base;
  return {
    ...base, secondRound: true, dueAt: view.dueAt === null ? null : Date.parse(view.dueAt), returns: view.returns,
    // finalDispatch says whether returns reached the limit (the limit itself is the workflow's).
    maxReturns: view.finalDispatch ? view.returns : Infinity,
    extension: view.extension, extensionsLeft: extras.extensionsLeft,
    duplicates: view.duplicates, duplicateViewers: extras.merged.flatMap((m) => [m.filerOrgId, m.communityId]),
  };
}

/** The rules' input from the workflow's own state. */
export function ruleStateOf(w: WhistleState): RuleState {
  return {
    status: w.status, filerOrgId: w.filerOrgId, communityId: w.communityId, compoundId: w.compoundId, streetId: w.streetId,
    departments: w.departments, seenByDepartments: w.seenByDepartments, secondRound: true, dueAt: w.dueAt,
    returns: w.returns, maxReturns: w.limits.maxReturns, extension: w.extension,
    extensionsLeft: Math.max(0, w.limits.maxExtensions - w.extensionsApproved),
    duplicates: w.merged.map((m) => m.id), duplicateViewers: w.merged.flatMap((m) => [m.filerOrgId, m.communityId]),
  };
}
