/**
 * FROZEN: the whistle workflow as it runs for whistles whose history carries the `second-round`
 * marker (PLANNED_DEADLINES in ../versions.ts) but not `lean-tasks` (NEXT_DEADLINE_ONLY): every
 * pending deadline of a stage keeps its own timer armed, and each wait races them. It is the
 * whole module as it was when NEXT_DEADLINE_ONLY came (its own version switch included: for the
 * whistles that reach it, it takes the same branch as ../index.ts). Change nothing here that
 * changes the commands it issues: the `*.planned-deadlines.json` histories in test/histories/
 * replay it. New whistles run ../process.ts.
 */
/**
 * The whistle (吹哨报到) as one durable workflow, in the order the process runs:
 *
 *   1. the community blows the whistle; its street office must answer first (镇街优先报到):
 *      accept, handle, resolve — or escalate; the street's handling deadline escalates by itself;
 *   2. the district service center sorts it into one of the three lists (三单) and dispatches
 *      departments with a lead unit (牵头单位) (精准派单);
 *   3. the departments report (报到), handle it, the lead resolves; a department may return it
 *      (退单), until the center's dispatch is final (终审);
 *   4. the filing community evaluates (群众评单); "unsatisfied" reopens it, silence closes it.
 *
 * Along the way, the 12345 centers' tools: a warning before each handling deadline (临期预警),
 * extension requests the center decides (延期申请), repeated reports merged into one (重复件合并),
 * and deadlines counted again when the holiday calendar changes.
 *
 * Actions arrive as updates whose validators refuse before any state changes; an update answers
 * at once with the new state, which the API writes to the read model. The workflow projects too
 * (read model, timeline, notifications: a local activity), a moment later, so that nothing an
 * API process fails to write is lost. Deadlines are timers; each stage's deadlines come from the
 * API's plan (worked out with the same policy and calendar) or from one call of the deadline
 * activity.
 *
 * Whistles filed before the second round carry no `second-round` marker and finish on the code
 * they started with (whistle-first-round.ts).
 */
import {
  ApplicationFailure, CancellationScope, condition, getExternalWorkflowHandle, log, patched, proxyLocalActivities,
  setCurrentDetails, setHandler, sleep, upsertSearchAttributes, workflowInfo, allHandlersFinished,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { UpdateDefinition } from '@temporalio/common';
import type { DeadlineActivities, WhistleActivities } from '../../../activities/types';
import {
  type ActionAnswer, type ActionPlan, type ActionResult, type Actor, type DepartmentStatus, FINAL_STATUSES,
  type Filing, type MergedIn, NOTE_FIELD, type PlannedDeadline, type PolicyKeyName, type WhistleAction,
  type WhistleView, type WhistleTimelineType,
} from '../../../domain';
import {
  acceptUpdate, calendarChangedSignal, decideExtensionUpdate, escalateSignal, escalateUpdate, evaluateUpdate, filedUpdate, mergedInSignal, mergeUpdate, progressUpdate, projectionQuery, requestExtensionUpdate, resolveUpdate, returnUpdate, triageUpdate, urgeUpdate, viewQuery, whistleWorkflowId, withdrawUpdate,
} from '../../messages';
import { bodyRefusal, extensionUntilRefusal, refusal, type Refusal } from '../../rules';
import * as attrs from '../../search-attributes';
import {
  actionResultOf, newWhistle, plannedAt, projectionOf, record as recordOn, ruleStateOf, viewOf, type WhistleState,
} from '../state';
import { firstRoundWhistle } from './before-planned-deadlines';

/** The marker of the second round's whistles: whistles with neither marker run the first round's code. */
const SECOND_ROUND = 'second-round';
/**
 * The marker of whistles filed since the third round's speed work. The same process and
 * deadlines with less work per workflow task: only the timer of the deadline that passes first is
 * armed (the next one's when it has passed or left the stage: one timer at filing, not three),
 * each wait in a stage is one condition instead of a race of promises (each promise costs the
 * SDK's stack-trace hook a stack capture), and an empty department list is never sent to Temporal
 * (it had none). Whistles without the marker keep the timers, waits and commands they were
 * recorded with.
 */
const LEAN_TASKS = 'lean-tasks';

const { planDeadlines, whistleLimits } = proxyLocalActivities<DeadlineActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumInterval: '30 seconds' },
  summary: 'deadlines from the policy and the working-day calendar',
});

/**
 * The projection (read model, timeline, notifications). A projection takes milliseconds; a short
 * timeout means a worker killed mid-projection delays this whistle by seconds, not half a minute.
 */
const { projectWhistle } = proxyLocalActivities<WhistleActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
  summary: 'project whistle to read model and notify',
});

const SYSTEM = 'system';
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;
/** The calendar day (a day number) of an instant in Asia/Shanghai (UTC+8, no daylight saving). */
const shanghaiDayOf = (ms: number) => Math.floor((ms + SHANGHAI_OFFSET_MS) / DAY_MS);
/**
 * After an action the API has written the change already; the workflow projects it this much
 * later (several actions in a row, once), so that the action's answer never waits for it.
 */
const PROJECTION_DELAY_MS = 2_000;

/** A deadline of the current stage: a durable timer, and what happens when it passes first. */
interface Deadline {
  /** What it is, for the timeline and the Temporal UI: `street.handle`, `lists.phased` … */
  what: string;
  /** The policy key it was counted with (counted again when the calendar changes); null for a fixed instant. */
  key: PolicyKeyName | null;
  /** The instant it counts from. */
  from: number;
  at: number;
  summary: string;
  onMiss: () => void | Promise<void>;
}

export async function whistle(filing: Filing): Promise<WhistleView> {
  // Newest generation first: a whistle carries the marker of the generation it was filed in.
  const lean = patched(LEAN_TASKS);
  if (!lean && !patched(SECOND_ROUND)) return firstRoundWhistle(filing);

  // ---- state -------------------------------------------------------------------------------
  const w: WhistleState = newWhistle(filing, Date.now());
  const iso = (ms: number) => new Date(ms).toISOString();
  /** The version, and how many timeline entries, the workflow's own projection has written. */
  let published = 0;
  let projectedEvents = 0;
  /** A change the API will not write (a deadline, a signal): project it now, not a moment later. */
  let urgent = true;
  /** Set while an update handler runs: its changes reach the read model through the API. */
  let inUpdate = false;

  /**
   * The current stage: when it began, its pending deadlines, the acceptance deadline, the one
   * `dueAt` shows (`main`), and its early warning.
   */
  let stage: { startedAt: number; deadlines: Deadline[]; accept: Deadline | null; main: Deadline | null; warning: Deadline | null } =
    { startedAt: w.filedAt, deadlines: [], accept: null, main: null, warning: null };
  /** After an action, the workflow's own projection waits until this (a moment), then writes. */
  let projectionDue: Deadline | null = null;
  /** Deadlines of the next stage that the API (or an earlier plan) worked out already. */
  let nextPlan: readonly PlannedDeadline[] = filing.plan ?? [];
  /** The center's triage deadline should the street's handling deadline escalate (planned with the street stage). */
  let triageAfterHandling: PlannedDeadline | undefined = plannedAt(filing.plan, 'center.triageWithin');
  let lastProgressAt = w.filedAt;
  let pendingCalendarChange: string | null = null;
  const appliedCalendarChanges: string[] = [];
  /** The original this whistle was merged into, until it has been told. */
  let mergeToTell: MergedIn & { into: string } | null = null;
  /** Whistles merged into this one after it was itself merged: passed on to its original. */
  const mergedToPassOn: MergedIn[] = [];

  // Workflow time stands still during a workflow task, and a timer starts when the task ends:
  // after a projection (a local activity, in the same task) a timer counted from workflow time
  // would fire late by the projection's duration. `now()` adds the time this task's projections
  // took, as they measured it (never a clock of their own, so no clock skew can make a
  // deadline fire early).
  let taskAt = 0;
  let spentInTask = 0;
  function now(): number {
    return Date.now() === taskAt ? Date.now() + spentInTask : Date.now();
  }
  function spent(ms: unknown): void {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms <= 0) return;
    if (Date.now() !== taskAt) { taskAt = Date.now(); spentInTask = 0; }
    spentInTask += ms;
  }

  function changed(): void {
    if (!inUpdate) urgent = true;
  }
  function record(type: WhistleTimelineType, actor: string, note: string | null, unit: string | null, data: Record<string, unknown> = {}) {
    recordOn(w, { type, actor, note, unit, data, at: Date.now() });
    changed();
  }
  function setDue(at: number | null) {
    if (w.dueAt === at) return;
    w.dueAt = at;
    w.version++;
    changed();
  }

  // ---- publishing: read model, notifications, search attributes, UI details ---------------
  async function publish(): Promise<void> {
    const target = projectionOf(w, filing, projectedEvents + 1);
    showInTemporal();
    urgent = false;
    spent(await projectWhistle(target));
    published = Math.max(published, target.version);
    projectedEvents = Math.max(projectedEvents, target.timelineLength ?? 0);
  }

  /** What operators see in the Temporal UI: the search attributes (only what changed is sent) and the current details. */
  function showInTemporal() {
    upsertChangedSearchAttributes([
      { key: attrs.WhistleStatus, value: w.status },
      { key: attrs.WhistleList, value: w.list },
      { key: attrs.DepartmentIds, value: w.departments.map((d) => d.id) },
      { key: attrs.DueAt, value: w.dueAt === null ? null : new Date(w.dueAt) },
      { key: attrs.Overdue, value: w.overdue },
      { key: attrs.WhistleDueSoon, value: w.dueSoon },
    ]);
    setCurrentDetails(
      `**Status:** ${w.status}${w.list ? ` · **List:** ${w.list}` : ''}${w.duplicateOf ? ` · **Merged into:** ${w.duplicateOf}` : ''}  \n` +
      `**Holder:** ${w.holder ?? '—'} · **Due:** ${w.dueAt === null ? '—' : iso(w.dueAt)}${w.dueSoon ? ' (due soon)' : ''} · ` +
      `**Overdue:** ${w.overdue ? 'yes' : 'no'}  \n` +
      `**Departments:** ${w.departments.map((d) => `${d.id}${d.lead ? ' (lead)' : ''}: ${d.status}`).join(', ') || '—'}` +
      ` · **Reopened:** ${w.reopenCount} · **Returns:** ${w.returns}` +
      `${w.extension ? ` · **Extension:** ${w.extension.status} until ${w.extension.until}` : ''}` +
      `${w.merged.length ? ` · **Reports:** ${1 + w.merged.length}` : ''}`,
    );
  }

  /** Search attributes are kept current, and only what differs from what Temporal has is sent. */
  function upsertChangedSearchAttributes(pairs: SearchAttributeUpdatePair[]) {
    const current = workflowInfo().typedSearchAttributes;
    const differs = pairs.filter((pair) => {
      const had = current.get(pair.key as never) as unknown;
      const want = pair.value as unknown;
      if (want === null || want === undefined) return had !== undefined;
      if (had === undefined) return !(lean && Array.isArray(want) && want.length === 0);
      if (want instanceof Date) return !(had instanceof Date) || had.getTime() !== want.getTime();
      if (Array.isArray(want)) return !Array.isArray(had) || had.length !== want.length || want.some((v, i) => had[i] !== v);
      return had !== want;
    });
    if (differs.length > 0) upsertSearchAttributes(differs);
  }

  // ---- deadlines: one durable timer each, moved when the deadline moves ------------------
  /** A deadline's timer: its instant when armed, its scope (to cancel it), and when it fired (the order timers fired in). */
  interface Timer { at: number; scope: CancellationScope; fired: Promise<Deadline | null>; firedAs: number | null }
  const armed = new Map<Deadline, Timer>();
  let timersFired = 0;

  function syncTimers(deadlines: Deadline[]) {
    for (const [d, timer] of armed) {
      if (!deadlines.includes(d) || timer.at !== d.at) { timer.scope.cancel(); armed.delete(d); }
    }
    for (const d of deadlines) {
      if (armed.has(d)) continue;
      const scope = new CancellationScope();
      const timer: Timer = { at: d.at, scope, fired: null as unknown as Promise<Deadline | null>, firedAs: null };
      timer.fired = scope.run(() => sleep(Math.max(d.at - now(), 1), { summary: d.summary }))
        .then(() => { timer.firedAs = ++timersFired; return d; }, () => null);
      armed.set(d, timer);
    }
  }

  /**
   * The deadline that passes first (the first of them when several pass together): since
   * lean-tasks only its timer is armed, and the next one's when it has passed or left the stage.
   */
  function nextDeadline(deadlines: Deadline[]): Deadline[] {
    let next: Deadline | null = null;
    for (const d of deadlines) if (next === null || d.at < next.at) next = d;
    return next ? [next] : [];
  }

  /** The deadline whose timer fired first and is still armed, if any. */
  function firstFired(): Deadline | null {
    let first: [Deadline, Timer] | null = null;
    for (const entry of armed) {
      if (entry[1].firedAs !== null && (first === null || entry[1].firedAs < first[1].firedAs!)) first = entry;
    }
    return first && first[0];
  }

  /**
   * The deadlines of a stage that starts at `from` (each `{ key, from }`): from the plan the API
   * (or the street stage) worked out, else from one call of the deadline activity for all of them.
   */
  async function deadlinesFor(wanted: Array<{ key: PolicyKeyName; from: number }>): Promise<PlannedDeadline[]> {
    const found = wanted.map(({ key, from }) => {
      const planned = plannedAt(nextPlan, key);
      return planned && rebased(planned, from);
    });
    const missing = wanted.filter((_, i) => !found[i]);
    if (missing.length > 0) {
      const ats = await planDeadlines(missing.map(({ key, from }) => ({ key, from: iso(from) })));
      missing.forEach(({ key, from }, i) => { found[wanted.findIndex((x) => x.key === key)] = { key, from: iso(from), at: ats[i] }; });
    }
    nextPlan = [];
    return found as PlannedDeadline[];
  }

  /**
   * A planned deadline counted from `from` instead of the instant it was planned from (the API's
   * clock before the update reached the workflow, a deadline that fired a little late): moved
   * along for clock time; the same for working days when `from` falls on the same day in
   * Asia/Shanghai (they count from the day after); else unknown (the activity counts it).
   */
  function rebased(plan: PlannedDeadline, from: number): PlannedDeadline | undefined {
    const planned = Date.parse(plan.from);
    if (planned === from) return plan;
    if (plan.clock) return { ...plan, from: iso(from), at: iso(Date.parse(plan.at) + (from - planned)) };
    return shanghaiDayOf(planned) === shanghaiDayOf(from) ? { ...plan, from: iso(from) } : undefined;
  }

  function deadline(plan: PlannedDeadline, what: string, summary: string, onMiss: Deadline['onMiss']): Deadline {
    return { what, key: plan.key as PolicyKeyName, from: Date.parse(plan.from), at: Date.parse(plan.at), summary, onMiss };
  }

  /**
   * Starts a stage: `accept` is its acceptance deadline, `main` the one the view's `dueAt` shows;
   * `warn`: the holder is warned before `main` (临期预警).
   */
  function enterStage(startedAt: number, deadlines: Deadline[], accept: Deadline | null, main: Deadline | null, warn: boolean) {
    stage = { startedAt, deadlines, accept, main, warning: null };
    setDue(main ? main.at : null);
    if (warn && main) armWarning();
  }

  /** A deadline that can no longer matter leaves the stage (its timer goes; a calendar change leaves it alone). */
  function dropDeadline(d: Deadline) {
    const i = stage.deadlines.indexOf(d);
    if (i >= 0) stage.deadlines.splice(i, 1);
  }

  /** The holder changes (a transition): the stage's extension and warning are over. */
  function leaveStage(keepLapsed = false) {
    if (w.extension?.status === 'requested') w.extension.status = 'lapsed';
    // A request that lapsed when its deadline passed stays to be seen where the deadline sent the whistle.
    if (!(keepLapsed && w.extension?.status === 'lapsed')) w.extension = null;
    w.extensionsApproved = 0;
    w.dueSoon = false;
  }

  /**
   * 临期预警: at the later of `dueAt − warnBefore` and the stage's midpoint, `dueSoon` and a
   * notification to the holder — once per deadline. Returns the warning's instant.
   */
  function armWarning(): number | null {
    const main = stage.main;
    if (stage.warning) {
      const i = stage.deadlines.indexOf(stage.warning);
      if (i >= 0) stage.deadlines.splice(i, 1);
    }
    stage.warning = null;
    if (!main) return null;
    const at = Math.max(main.at - w.limits.warnBeforeMs, stage.startedAt + Math.floor((main.at - stage.startedAt) / 2));
    const warning: Deadline = {
      what: `${main.what}.warning`, key: null, from: stage.startedAt, at, summary: `early warning before the ${main.summary}`,
      onMiss: () => {
        if (stage.main !== main || !stage.deadlines.includes(main) || w.dueSoon) return;
        w.dueSoon = true;
        record('due_soon', SYSTEM, `the ${main.summary} is near: ${iso(main.at)}`, w.holder, { deadline: main.what, dueAt: iso(main.at) });
      },
    };
    stage.warning = warning;
    stage.deadlines.push(warning);
    return at;
  }

  /** The current stage's main deadline passes: a request still pending lapses, and `dueSoon` ends. */
  function mainDeadlinePassed() {
    if (w.extension?.status === 'requested') {
      w.extension.status = 'lapsed';
      record('extension_lapsed', SYSTEM, 'the deadline passed before the center decided', w.extension.unit, { until: w.extension.until });
    }
    if (w.dueSoon) { w.dueSoon = false; w.version++; changed(); }
  }

  /**
   * Moves the main deadline to `at`: an approved extension (a fixed instant, `key` null; the warning
   * is worked out again and given again), or the calendar counted it again (`key` kept; a warning
   * already given stays given when its new time has passed too).
   */
  function moveMainDeadline(at: number, key: PolicyKeyName | null, warnAgain: boolean) {
    const main = stage.main!;
    main.at = at;
    main.key = key;
    setDue(at);
    const warnedBefore = w.dueSoon;
    const warnAt = armWarning();
    if (!warnedBefore) return;
    if (!warnAgain && warnAt !== null && warnAt <= now()) {
      stage.deadlines.splice(stage.deadlines.indexOf(stage.warning!), 1);
      return;
    }
    w.dueSoon = false;
    w.version++;
    changed();
  }

  /**
   * Stays in the current stage while `stillHere()` holds: publishes every change, and runs each
   * deadline's consequence when it passes first. Deadlines can be added or moved while waiting.
   */
  async function hold(stillHere: () => boolean): Promise<void> {
    for (;;) {
      if (pendingCalendarChange !== null) { await recountDeadlines(pendingCalendarChange); continue; }
      if (mergeToTell || mergedToPassOn.length > 0) { await tellOriginal(); continue; }
      if (w.version > published && urgent) { await publish(); continue; }
      if (!stillHere()) break;
      if (w.version > published) {
        projectionDue ??= {
          what: 'projection', key: null, from: now(), at: now() + PROJECTION_DELAY_MS,
          summary: 'project the answered actions', onMiss: () => { urgent = true; },
        };
      } else {
        projectionDue = null;
      }
      const waiting = lean ? nextDeadline(stage.deadlines) : stage.deadlines;
      syncTimers(projectionDue ? [...waiting, projectionDue] : waiting);
      const seen = w.version;
      const woken = () => w.version !== seen || !stillHere() || pendingCalendarChange !== null
        || mergeToTell !== null || mergedToPassOn.length > 0;
      let fired: Deadline | null;
      if (lean) {
        // One condition: a change, or a timer that fired (the first one first).
        await condition(() => woken() || firstFired() !== null);
        fired = firstFired();
      } else {
        fired = await Promise.race([condition(woken).then(() => null), ...[...armed.values()].map((t) => t.fired)]);
      }
      if (!fired || armed.get(fired)?.at !== fired.at) continue;
      armed.delete(fired);
      // A timer is counted from when its task ended, so it cannot fire before its instant, yet
      // once in a while under load one did (by some milliseconds, by workflow time): a deadline
      // passes at its instant, never before, so its timer is armed again for what is left.
      if (lean && Date.now() < fired.at) continue;
      if (fired === projectionDue) { projectionDue = null; void fired.onMiss(); continue; }
      const i = stage.deadlines.indexOf(fired);
      if (i < 0) continue;
      stage.deadlines.splice(i, 1);
      await fired.onMiss();
    }
    // The stage is over: its timers go; a projection still due stays due.
    syncTimers(projectionDue ? [projectionDue] : []);
  }

  /** The whistle has ended: what the API was told last is projected too, then nothing is left to do. */
  async function flush(): Promise<void> {
    await hold(() => false);
    if (w.version <= published) return;
    if (!urgent && projectionDue) await sleep(Math.max(projectionDue.at - now(), 1), { summary: 'project the answered actions' });
    projectionDue = null;
    syncTimers([]);
    await publish();
  }

  function markOverdue(unit: string, what: string, note: string) {
    w.overdue = true;
    record('overdue', SYSTEM, note, unit, { deadline: what });
  }

  // ---- calendar changes: every pending working-day deadline counted again -----------------
  async function recountDeadlines(changeId: string) {
    pendingCalendarChange = null;
    if (appliedCalendarChanges.includes(changeId)) return;
    appliedCalendarChanges.push(changeId);
    if (appliedCalendarChanges.length > 20) appliedCalendarChanges.shift();
    const counted = stage.deadlines.filter((d): d is Deadline & { key: PolicyKeyName } => d.key !== null);
    const items = counted.map((d) => ({ key: d.key, from: iso(d.from) }));
    const handling = stage.main?.what === 'street.handle' ? stage.main : null;
    if (handling && triageAfterHandling) items.push({ key: 'center.triageWithin', from: triageAfterHandling.from });
    if (items.length === 0) return;
    const ats = (await planDeadlines(items, true)).map((at) => Date.parse(at));
    counted.forEach((d, i) => {
      if (ats[i] === d.at || !stage.deadlines.includes(d)) return;
      const before = d.at;
      record('deadline_recomputed', SYSTEM, `${d.what}: ${iso(before)} → ${iso(ats[i])} (the holiday calendar changed)`,
        w.holder, { deadline: d.what, from: iso(before), to: iso(ats[i]), change: changeId });
      if (d === stage.main) moveMainDeadline(ats[i], d.key, false);
      else d.at = ats[i];
    });
    if (handling && triageAfterHandling) {
      const moved = handling.at !== Date.parse(triageAfterHandling.from);
      triageAfterHandling = moved ? undefined : { ...triageAfterHandling, at: iso(ats[ats.length - 1]) };
    }
  }

  // ---- 重复件合并: telling the original ----------------------------------------------------
  async function tellOriginal() {
    const target = w.duplicateOf;
    const news: MergedIn[] = mergeToTell ? [mergeToTell] : [];
    mergeToTell = null;
    news.push(...mergedToPassOn.splice(0));
    if (!target) return;
    for (const m of news) {
      try {
        await getExternalWorkflowHandle(whistleWorkflowId(target)).signal(mergedInSignal, m);
      } catch (err) {
        log.warn('the original whistle could not be told of a merge', { into: target, merged: m.id, error: String(err) });
        record('merge_unconfirmed', SYSTEM, `whistle ${target} could not be told (${String((err as Error)?.message ?? err)})`, null, { into: target, merged: m.id });
      }
    }
  }

  // ---- transitions ------------------------------------------------------------------------
  let escalatedAt = w.filedAt;
  /** To the center: escalated (by the street, a supervisor or the deadline), reopened, or returned by a department. */
  function toCenter(actor: string, type: 'escalated' | 'deadline_escalation' | 'reopened' | 'returned', reason: string,
    unit: string, data: Record<string, unknown>) {
    leaveStage(type === 'deadline_escalation');
    w.status = 'escalated';
    w.holder = 'center';
    w.overdue = false;
    escalatedAt = Date.now();
    record(type, actor, reason, unit, data);
  }
  function escalateToCenter(actor: string, type: 'escalated' | 'deadline_escalation' | 'reopened', reason: string) {
    const street = w.status === 'filed' || w.status === 'street_handling';
    toCenter(actor, type, reason, street ? w.streetId : 'center', { from: street ? 'street' : 'community' });
  }

  /** The whistle ends (closed, withdrawn, merged): nobody holds it any more. */
  function end(status: 'closed' | 'withdrawn' | 'merged') {
    leaveStage();
    w.status = status;
    w.holder = null;
    if (status !== 'merged') w.closedAt = Date.now();
    setDue(null);
  }

  function close(type: 'closed' | 'evaluation_expired', actor: string, note: string | null) {
    end('closed');
    record(type, actor, note, null);
  }

  /**
   * The deadlines of the stage a transition starts now, planned already: `dueAt` shows the main
   * one at once (counted from this instant, the transition's).
   */
  function takePlan(deadlines: readonly PlannedDeadline[] | undefined, mainKey: string) {
    nextPlan = (deadlines ?? []).map((d) => rebased(d, Date.now())).filter((d): d is PlannedDeadline => d !== undefined);
    const main = plannedAt(nextPlan, mainKey);
    if (main) setDue(Date.parse(main.at));
  }

  function refuse(refused: Refusal | null): void {
    if (refused) {
      throw ApplicationFailure.create({
        type: refused.type, message: refused.message, nonRetryable: true, details: [{ messageZh: refused.messageZh }],
      });
    }
  }

  function validate(action: WhistleAction, extra?: (actor: Actor, body: Record<string, unknown>, plan?: ActionPlan) => Refusal | null) {
    return (actor: Actor, body?: unknown, plan?: ActionPlan): void => {
      const b = (body ?? {}) as Record<string, unknown>;
      refuse(refusal(ruleStateOf(w), actor, action, Date.now()) ?? bodyRefusal(action, b) ?? extra?.(actor, b, plan) ?? null);
    };
  }

  /**
   * One action of the contract: its validator (the rules, then the body), and its handler — the
   * change, then the answer (the state now, and what the read model may lack).
   */
  function onAction<B>(def: UpdateDefinition<ActionAnswer, [Actor, B, ActionPlan?]>, action: WhistleAction,
    change: (actor: Actor, body: B, plan?: ActionPlan) => void,
    extra?: (actor: Actor, body: Record<string, unknown>, plan?: ActionPlan) => Refusal | null) {
    setHandler(def, (actor: Actor, body: B, plan?: ActionPlan): ActionResult => {
      const before = w.events.length;
      inUpdate = true;
      try {
        change(actor, body, plan);
      } finally {
        inUpdate = false;
      }
      // The read model gets the change through the API now and the projection a moment later;
      // operators' search attributes follow at once. The answer carries this action's entries
      // only: it is kept in the history, so it must not grow with the timeline.
      showInTemporal();
      const field = NOTE_FIELD[action];
      const note = field ? (body as Record<string, unknown> | undefined)?.[field] : undefined;
      return actionResultOf(w, filing, before + 1, typeof note === 'string' ? note : null);
    }, { validator: validate(action, extra) });
  }

  // ---- handlers ---------------------------------------------------------------------------
  setHandler(viewQuery, () => viewOf(w, filing), { description: 'The whistle view: status, holder, departments, deadlines, timeline' });
  setHandler(projectionQuery, () => projectionOf(w, filing), { description: 'What the read model holds for the current state (reconcile --repair)' });

  setHandler(filedUpdate, () => actionResultOf(w, filing, 1));

  onAction(acceptUpdate, 'accept', (actor) => {
    const onTime = Date.now() <= (stage.accept?.at ?? Infinity);
    if (actor.role === 'street') {
      w.status = 'street_handling';
      record('accepted', actor.accountId, null, w.streetId, { onTime });
    } else {
      const dept = w.departments.find((d) => d.id === actor.orgId)!;
      dept.status = 'handling';
      w.status = 'department_handling';
      record('accepted', actor.accountId, null, dept.id, { onTime });
    }
    lastProgressAt = Date.now();
    // Everyone has reported in (报到): the acceptance deadline is no longer pending.
    if (stage.accept && !w.departments.some((d) => d.status === 'dispatched')) dropDeadline(stage.accept);
  });

  onAction(progressUpdate, 'progress', (actor, body) => {
    record('progress', actor.accountId, body.note, actor.orgId);
    lastProgressAt = Date.now();
  });

  onAction(resolveUpdate, 'resolve', (actor, body, plan) => {
    const onTime = Date.now() <= (stage.main?.at ?? Infinity);
    leaveStage();
    w.status = 'resolved';
    w.holder = w.filerOrgId;
    w.resolvedAt = Date.now();
    w.result = body.result;
    w.outcome = body.outcome ?? (w.list === 'understanding' ? 'explained' : 'solved');
    for (const d of w.departments) if (d.status === 'handling' || d.status === 'dispatched') d.status = 'resolved';
    record('resolved', actor.accountId, body.result, actor.orgId, { outcome: w.outcome, onTime, list: w.list });
    takePlan(plan?.deadlines, 'evaluation.window');
  });

  onAction(escalateUpdate, 'escalate', (actor, body, plan) => {
    escalateToCenter(actor.accountId, 'escalated', body.reason);
    takePlan(plan?.deadlines, 'center.triageWithin');
  });

  setHandler(escalateSignal, (input) => {
    if (w.status !== 'filed' && w.status !== 'street_handling') {
      log.warn('escalate signal ignored: the whistle is no longer with the street', { status: w.status, by: input?.by });
      return;
    }
    const by = typeof input?.by === 'string' && input.by ? input.by : 'operator';
    const reason = typeof input?.reason === 'string' && input.reason ? input.reason : 'escalated by a supervisor';
    escalateToCenter(by, 'escalated', reason);
    nextPlan = [];
  }, { description: 'Supervisor escalation from the CLI or UI: {"by": "<account id>", "reason": "..."}' });

  onAction(triageUpdate, 'triage', (actor, body, plan) => {
    const lead = body.leadDepartmentId ?? body.departmentIds[0];
    leaveStage();
    w.status = 'dispatched';
    w.list = body.list;
    w.departments = body.departmentIds.map((id) => ({ id, lead: id === lead, status: 'dispatched' as DepartmentStatus }));
    for (const id of body.departmentIds) if (!w.seenByDepartments.includes(id)) w.seenByDepartments.push(id);
    w.holder = lead;
    w.overdue = false;
    record('triaged', actor.accountId, body.note ?? null, 'center', {
      list: body.list, departmentIds: body.departmentIds, lead, final: w.returns >= w.limits.maxReturns,
      ...(typeof plan?.followedSuggestion === 'boolean' ? { followedSuggestion: plan.followedSuggestion } : {}),
    });
    takePlan(plan?.deadlines, `lists.${body.list}`);
  });

  onAction(returnUpdate, 'return', (actor, body, plan) => {
    const dept = w.departments.find((d) => d.id === actor.orgId)!;
    dept.status = 'returned';
    w.returns++;
    toCenter(actor.accountId, 'returned', body.reason, dept.id, { kind: body.kind ?? 'other', returns: w.returns });
    takePlan(plan?.deadlines, 'center.triageWithin');
  });

  onAction(urgeUpdate, 'urge', (actor, body) => {
    record('urged', actor.accountId, body.note, w.holder);
  });

  onAction(evaluateUpdate, 'evaluate', (actor, body, plan) => {
    const at = iso(Date.now());
    const resolver = [...w.events].reverse().find((e) => e.type === 'resolved')?.unit ?? null;
    w.evaluation = { rating: body.rating, comment: body.comment ?? null, at };
    record('evaluated', actor.accountId, body.comment ?? null, resolver, { rating: body.rating });
    if (body.rating === 'unsatisfied' && w.reopenCount < w.limits.maxReopens) {
      w.reopenCount++;
      w.resolvedAt = null;
      w.evaluation = null;
      escalateToCenter(SYSTEM, 'reopened', 'the whistle-blower is unsatisfied; back to the center');
      takePlan(plan?.deadlines, 'center.triageWithin');
    } else {
      close('closed', actor.accountId, null);
    }
  });

  onAction(withdrawUpdate, 'withdraw', (actor, body) => {
    end('withdrawn');
    record('withdrawn', actor.accountId, body.reason, w.streetId);
  });

  // 延期申请: the holder asks before its deadline; the center decides.
  onAction(requestExtensionUpdate, 'request-extension', (actor, body) => {
    const until = iso(Date.parse(body.until));
    w.extension = {
      status: 'requested', until, reason: body.reason, requestedBy: actor.accountId, requestedAt: iso(Date.now()),
      decidedBy: null, note: null, unit: actor.orgId,
    };
    record('extension_requested', actor.accountId, body.reason, actor.orgId, { until, dueAt: w.dueAt === null ? null : iso(w.dueAt) });
  }, (_actor, body, plan) => {
    // The limit is the API's count of working days after the day `dueAt` ends on, for this very dueAt.
    const limit = plan?.extensionLimit;
    if (!limit || w.dueAt === null || Date.parse(limit.dueAt) !== w.dueAt) {
      return { type: 'invalid_state', message: 'the deadline changed while the request was on its way; ask again',
        messageZh: '办理时限刚刚发生变化，请重新申请' };
    }
    return extensionUntilRefusal(Date.parse(body.until as string), w.dueAt, Date.parse(limit.limit));
  });

  onAction(decideExtensionUpdate, 'decide-extension', (actor, body, plan) => {
    const ext = w.extension!;
    ext.decidedBy = actor.accountId;
    ext.note = body.note ?? null;
    if (body.approve) {
      ext.status = 'approved';
      w.extensionsApproved++;
      const from = w.dueAt;
      moveMainDeadline(Date.parse(ext.until), null, true);
      if (stage.main?.what === 'street.handle') triageAfterHandling = plannedAt(plan?.deadlines, 'center.triageWithin');
      record('extension_approved', actor.accountId, body.note ?? null, ext.unit,
        { until: ext.until, from: from === null ? null : iso(from), requestedBy: ext.requestedBy });
    } else {
      ext.status = 'rejected';
      record('extension_rejected', actor.accountId, body.note ?? null, ext.unit, { until: ext.until, requestedBy: ext.requestedBy });
    }
  });

  // 重复件合并: this whistle is a repeat of another open one; it lives on in the original.
  onAction(mergeUpdate, 'merge', (actor, body) => {
    end('merged');
    w.duplicateOf = body.into;
    record('merged', actor.accountId, body.note ?? null, actor.orgId, { into: body.into });
    mergeToTell = { id: filing.id, filerOrgId: w.filerOrgId, communityId: w.communityId, by: actor.accountId, note: body.note ?? null, into: body.into };
  }, (_actor, body) => (body.into === filing.id
    ? { type: 'validation_failed', message: 'a whistle cannot be merged into itself', messageZh: '不能合并到事项本身' } : null));

  setHandler(mergedInSignal, (m) => {
    if (!m || typeof m.id !== 'string' || w.merged.some((x) => x.id === m.id) || m.id === filing.id) return;
    if (w.status === 'merged') { mergedToPassOn.push(m); return; }
    w.merged.push({ id: m.id, filerOrgId: m.filerOrgId, communityId: m.communityId, by: m.by, note: m.note ?? null });
    record('merged_in', m.by, m.note ?? `whistle ${m.id} merged in as a repeated report`, null,
      { duplicate: m.id, filerOrgId: m.filerOrgId, communityId: m.communityId });
  }, { description: 'A repeated report was merged into this whistle (sent by the merged whistle)' });

  setHandler(calendarChangedSignal, (change) => {
    if (typeof change?.changeId === 'string' && !appliedCalendarChanges.includes(change.changeId)) pendingCalendarChange = change.changeId;
  }, { description: 'The holiday calendar changed: pending working-day deadlines are counted again ({"changeId": "…"})' });

  // ---- the process --------------------------------------------------------------------------
  if (!filing.limits) w.limits = await whistleLimits();

  // 1. The street answers first (镇街优先报到).
  const [streetAccept, streetHandle] = await deadlinesFor([
    { key: filing.urgent ? 'street.acceptWithinUrgent' : 'street.acceptWithin', from: w.filedAt },
    { key: 'street.handleWithin', from: w.filedAt },
  ]);
  const withStreet = () => w.status === 'filed' || w.status === 'street_handling';
  const handling = deadline(streetHandle, 'street.handle', 'street handling deadline', () => {
    if (!withStreet()) return;
    mainDeadlinePassed();
    escalateToCenter(SYSTEM, 'deadline_escalation', 'the street handling deadline passed');
    // The center's triage deadline was planned with the street stage, from this very deadline.
    const planned = triageAfterHandling && Date.parse(triageAfterHandling.from) === handling.at ? [triageAfterHandling] : [];
    takePlan(planned, 'center.triageWithin');
  });
  const streetAcceptance = deadline(streetAccept, 'street.accept', 'street acceptance deadline', () => {
    if (w.status === 'filed') markOverdue(w.streetId, 'street.accept', 'the street office has not accepted in time');
  });
  enterStage(w.filedAt, [streetAcceptance, handling], streetAcceptance, handling, true);
  await hold(withStreet);

  while (!FINAL_STATUSES.includes(w.status)) {
    if (w.status === 'escalated') {
      // 2. The center sorts it into a list and dispatches (三单管理, 精准派单).
      const startedAt = escalatedAt;
      const [triage] = await deadlinesFor([{ key: 'center.triageWithin', from: startedAt }]);
      const main = deadline(triage, 'center.triage', 'center triage deadline', () => {
        if (w.status !== 'escalated') return;
        mainDeadlinePassed();
        markOverdue('center', 'center.triage', 'the center has not triaged in time');
      });
      enterStage(startedAt, [main], null, main, true);
      await hold(() => w.status === 'escalated');
    } else if (w.status === 'dispatched' || w.status === 'department_handling') {
      await departmentsHandle();
    } else if (w.status === 'resolved') {
      // 4. The whistle-blower evaluates (群众评单) within the window.
      const [window] = await deadlinesFor([{ key: 'evaluation.window', from: w.resolvedAt ?? Date.now() }]);
      const main = deadline(window, 'evaluation.window', 'evaluation window', () => {
        if (w.status === 'resolved') close('evaluation_expired', SYSTEM, 'no evaluation within the window');
      });
      enterStage(w.resolvedAt ?? Date.now(), [main], null, main, false);
      await hold(() => w.status === 'resolved');
    }
  }

  // 3. Departments report, handle and the lead resolves, under the list's deadline.
  async function departmentsHandle(): Promise<void> {
    const triaged = [...w.events].reverse().find((e) => e.type === 'triaged');
    const triagedAt = triaged ? Date.parse(triaged.at) : Date.now();
    const list = w.list!;
    const phased = list === 'phased';
    const [accept, finish, progress] = await deadlinesFor([
      { key: 'department.acceptWithin', from: triagedAt },
      { key: `lists.${list}`, from: triagedAt },
      ...(phased ? [{ key: 'phased.progressEvery' as const, from: triagedAt }] : []),
    ]);
    const handlingNow = () => w.status === 'dispatched' || w.status === 'department_handling';
    const main = deadline(finish, `lists.${list}`, `${list} list deadline`, () => {
      if (!handlingNow()) return;
      mainDeadlinePassed();
      const lead = w.departments.find((d) => d.lead)!;
      markOverdue(lead.id, `lists.${list}`, `the ${list} list deadline passed`);
    });
    const acceptance = deadline(accept, 'department.accept', 'department acceptance deadline', () => {
      const late = w.departments.filter((d) => d.status === 'dispatched').map((d) => d.id);
      if (late.length > 0 && handlingNow()) {
        w.overdue = true;
        for (const id of late) record('overdue', SYSTEM, 'the department has not accepted in time', id, { deadline: 'department.accept' });
      }
    });
    const deadlines: Deadline[] = [acceptance, main];
    if (phased) {
      // 阶段性事项: the holder reports progress every period, or is reminded.
      const reminder = (plan: PlannedDeadline): Deadline => deadline(plan, 'phased.progress', 'phased progress reminder', async () => {
        if (!handlingNow()) return;
        if (lastProgressAt === Date.parse(plan.from)) {
          record('reminder', SYSTEM, 'no progress reported for the period', w.holder);
          lastProgressAt = Date.now();
        }
        const [next] = await deadlinesFor([{ key: 'phased.progressEvery', from: lastProgressAt }]);
        if (handlingNow()) stage.deadlines.push(reminder(next));
      });
      deadlines.push(reminder(progress));
    }
    enterStage(triagedAt, deadlines, acceptance, main, true);
    await hold(handlingNow);
  }

  await flush();
  await condition(allHandlersFinished);
  return viewOf(w, filing);
}
