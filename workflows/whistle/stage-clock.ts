/**
 * The deadlines of a case's current stage, as one clock. A stage (the street's, the center's,
 * the departments', the evaluation window; for help requests each step of the board) has a few
 * deadlines, each with a consequence when it passes first. Like samples-typescript's
 * updatable-timer.ts, the clock keeps deadlines that move while the workflow waits:
 *
 * - one durable timer at a time, the next deadline's (the following one's is armed when it has
 *   passed or left the stage); it stays armed across actions, replaced only when it moves;
 * - the early warning before the main deadline (临期预警), given once per deadline;
 * - the main deadline moved by an approved extension (延期) or a calendar change, and the
 *   warning worked out again;
 * - `hold`: stays in the stage while it lasts, doing first what cannot wait (a calendar change:
 *   every pending working-day deadline counted again; an errand such as telling another workflow;
 *   a change nobody else will write), and projects what actions changed a moment later.
 *
 * What a case shows and records stays the case's: the clock calls back (`ClockHooks`).
 */
import { CancellationScope, condition, sleep } from '@temporalio/workflow';
import type { PlannedDeadline, PolicyKeyName } from '../../domain';
import { iso } from './state';

/** A deadline of the current stage: a durable timer, and what happens when it passes first. */
export interface Deadline {
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

/** A planned deadline (the API's or the deadline activity's) as a deadline of the stage. */
export function deadlineOf(plan: PlannedDeadline, what: string, summary: string, onMiss: Deadline['onMiss']): Deadline {
  return { what, key: plan.key as PolicyKeyName, from: Date.parse(plan.from), at: Date.parse(plan.at), summary, onMiss };
}

export interface ClockHooks {
  /** Grows with every change of the case: a change ends a wait, and the clock looks again. */
  version(): number;
  /** Work that cannot wait for a deadline (telling another workflow), or null. */
  errand(): (() => Promise<void>) | null;
  /** The case's own projection (read model, timeline, notifications). */
  projection: {
    /** Changes the read model may still lack. */
    behind(): boolean;
    /** Changes nobody else writes (a deadline's, a signal's): projected before the next wait. */
    dueNow(): boolean;
    /** Projects; resolves to the milliseconds it took inside this workflow task (a local activity), if any. */
    publish(): Promise<unknown>;
    /** The delay after the actions' answers has passed: project now. */
    urge(): void;
  };
  /** The deadline the case shows (`dueAt`): the stage's main one. */
  showDue(at: number | null): void;
  /** The holder's early warning (临期预警) before the main deadline; absent: no warnings. */
  warning?: {
    beforeMs(): number;
    given(): boolean;
    give(main: Deadline): void;
    withdraw(): void;
  };
  /** Counts deadlines again with the freshly loaded calendar, in one call. */
  count(items: Array<{ key: PolicyKeyName; from: string }>): Promise<string[]>;
  /** A calendar change moved a deadline. */
  recounted(d: Deadline, from: number, to: number, changeId: string): void;
  /** A deadline of the next stage planned from the main deadline's instant: counted again with it. */
  followUp?: { get(main: Deadline): PlannedDeadline | undefined; set(plan: PlannedDeadline | undefined): void };
}

/** After an action the API has written its change already; the case's projection follows this much later. */
const PROJECTION_DELAY_MS = 2_000;
const CALENDAR_CHANGES_KEPT = 20; // remembered, so that each is applied once

/** A deadline's timer: its instant when armed, its scope (to cancel it), and when it fired (the order timers fired in). */
interface Timer { at: number; scope: CancellationScope; firedAs: number | null }

interface Stage { startedAt: number; deadlines: Deadline[]; accept: Deadline | null; main: Deadline | null; warning: Deadline | null }

export class StageClock {
  private stage: Stage = { startedAt: 0, deadlines: [], accept: null, main: null, warning: null };
  /** After an action, the case's own projection waits until this (a moment), then writes. */
  private projectionDue: Deadline | null = null;
  private readonly armed = new Map<Deadline, Timer>();
  private timersFired = 0;
  private taskAt = 0;
  private spentInTask = 0;
  private pendingChange: string | null = null;
  private readonly appliedChanges: string[] = [];

  constructor(private readonly hooks: ClockHooks) {}

  /** The stage's acceptance deadline (报到) and the main one (`dueAt`). */
  get accept(): Deadline | null { return this.stage.accept; }
  get main(): Deadline | null { return this.stage.main; }

  /**
   * Workflow time stands still during a workflow task, and a timer starts when the task ends:
   * after a projection (a local activity, in the same task) a timer counted from workflow time
   * would fire late by the projection's duration. `now()` adds the time this task's projections
   * took, as they measured it (never a clock of their own, so no clock skew can make a deadline
   * fire early).
   */
  now(): number {
    return Date.now() === this.taskAt ? Date.now() + this.spentInTask : Date.now();
  }

  private spent(ms: unknown): void {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms <= 0) return;
    if (Date.now() !== this.taskAt) { this.taskAt = Date.now(); this.spentInTask = 0; }
    this.spentInTask += ms;
  }

  /** Starts a stage: its deadlines, the acceptance one, the main one (shown as `dueAt`), and whether the holder is warned before it. */
  enter(startedAt: number, deadlines: Deadline[], { accept = null, main = null, warn = false }:
    { accept?: Deadline | null; main?: Deadline | null; warn?: boolean } = {}): void {
    this.stage = { startedAt, deadlines, accept, main, warning: null };
    this.hooks.showDue(main ? main.at : null);
    if (warn && main) this.armWarning();
  }

  /** A deadline joins the stage (the next progress reminder). */
  add(d: Deadline): void { this.stage.deadlines.push(d); }

  /** A deadline that can no longer matter leaves the stage (its timer goes; a calendar change leaves it alone). */
  drop(d: Deadline): void {
    const i = this.stage.deadlines.indexOf(d);
    if (i >= 0) this.stage.deadlines.splice(i, 1);
  }

  /** The main deadline has passed: a warning given for it is over. */
  mainPassed(): void {
    if (this.hooks.warning?.given()) this.hooks.warning.withdraw();
  }

  /**
   * Moves the main deadline to `at`: an approved extension (a fixed instant, `key` null; the warning
   * is worked out again and given again), or the calendar counted it again (`key` kept; a warning
   * already given stays given when its new time has passed too).
   */
  moveMain(at: number, key: PolicyKeyName | null, warnAgain: boolean): void {
    const main = this.stage.main!;
    main.at = at;
    main.key = key;
    this.hooks.showDue(at);
    const warnedBefore = this.hooks.warning?.given() ?? false;
    const warnAt = this.armWarning();
    if (!warnedBefore) return;
    if (!warnAgain && warnAt !== null && warnAt <= this.now()) {
      this.drop(this.stage.warning!);
      return;
    }
    this.hooks.warning!.withdraw();
  }

  /** The holiday calendar changed: the pending working-day deadlines are counted again at the next look. */
  calendarChanged(changeId: unknown): void {
    if (typeof changeId === 'string' && !this.appliedChanges.includes(changeId)) this.pendingChange = changeId;
  }

  /**
   * Stays in the current stage while `stillHere()` holds: does what cannot wait, projects every
   * change, and runs each deadline's consequence when it passes first. Deadlines can be added or
   * moved while waiting.
   */
  async hold(stillHere: () => boolean): Promise<void> {
    const { projection } = this.hooks;
    for (;;) {
      if (this.pendingChange !== null) { await this.recount(this.pendingChange); continue; }
      const errand = this.hooks.errand();
      if (errand) { await errand(); continue; }
      if (projection.dueNow()) { await this.publish(); continue; }
      if (!stillHere()) break;
      this.projectionDue = projection.behind() ? this.projectionDue ?? this.projectionDeadline() : null;
      const next = this.nextDeadline();
      this.syncTimers(this.projectionDue ? [...next, this.projectionDue] : next);
      const seen = this.hooks.version();
      // One condition: a change, or a timer that fired (the first one first).
      await condition(() => this.hooks.version() !== seen || !stillHere() || this.pendingChange !== null
        || this.hooks.errand() !== null || this.firstFired() !== null);
      const fired = this.firstFired();
      if (!fired || this.armed.get(fired)?.at !== fired.at) continue;
      this.armed.delete(fired);
      // A timer is counted from when its task ended, so it cannot fire before its instant, yet
      // once in a while under load one did (by some milliseconds, by workflow time): a deadline
      // passes at its instant, never before, so its timer is armed again for what is left.
      if (Date.now() < fired.at) continue;
      if (fired === this.projectionDue) { this.projectionDue = null; this.hooks.projection.urge(); continue; }
      const i = this.stage.deadlines.indexOf(fired);
      if (i < 0) continue;
      this.stage.deadlines.splice(i, 1);
      await fired.onMiss();
    }
    // The stage is over: its timers go; a projection still due stays due.
    this.syncTimers(this.projectionDue ? [this.projectionDue] : []);
  }

  /** The case has ended: what the API was told last is projected too (after the delay), then nothing is left to do. */
  async flush(): Promise<void> {
    await this.hold(() => false);
    if (!this.hooks.projection.behind()) return;
    // Anything urgent was projected by `hold`: what is left waits for the delay after the last action.
    if (this.projectionDue) await sleep(Math.max(this.projectionDue.at - this.now(), 1), { summary: 'project the answered actions' });
    this.projectionDue = null;
    this.syncTimers([]);
    await this.publish();
  }

  private async publish(): Promise<void> { this.spent(await this.hooks.projection.publish()); }

  private projectionDeadline(): Deadline {
    return {
      what: 'projection', key: null, from: this.now(), at: this.now() + PROJECTION_DELAY_MS,
      summary: 'project the answered actions', onMiss: () => this.hooks.projection.urge(),
    };
  }

  /** The deadline that passes first (the first of them when several pass together): only its timer is armed. */
  private nextDeadline(): Deadline[] {
    let next: Deadline | null = null;
    for (const d of this.stage.deadlines) if (next === null || d.at < next.at) next = d;
    return next ? [next] : [];
  }

  /** One durable timer per deadline given; a timer whose deadline moved or left is cancelled. */
  private syncTimers(deadlines: Deadline[]): void {
    for (const [d, timer] of this.armed) {
      if (!deadlines.includes(d) || timer.at !== d.at) { timer.scope.cancel(); this.armed.delete(d); }
    }
    for (const d of deadlines) {
      if (this.armed.has(d)) continue;
      const scope = new CancellationScope();
      const timer: Timer = { at: d.at, scope, firedAs: null };
      void scope.run(() => sleep(Math.max(d.at - this.now(), 1), { summary: d.summary }))
        .then(() => { timer.firedAs = ++this.timersFired; }, () => undefined);
      this.armed.set(d, timer);
    }
  }

  /** The deadline whose timer fired first and is still armed, if any. */
  private firstFired(): Deadline | null {
    let first: [Deadline, Timer] | null = null;
    for (const entry of this.armed) {
      if (entry[1].firedAs !== null && (first === null || entry[1].firedAs < first[1].firedAs!)) first = entry;
    }
    return first && first[0];
  }

  /**
   * 临期预警: at the later of `dueAt − warnBefore` and the stage's midpoint, the holder is warned —
   * once per deadline. Returns the warning's instant.
   */
  private armWarning(): number | null {
    const { main, startedAt } = this.stage;
    if (this.stage.warning) this.drop(this.stage.warning);
    this.stage.warning = null;
    const hooks = this.hooks.warning;
    if (!main || !hooks) return null;
    const at = Math.max(main.at - hooks.beforeMs(), startedAt + Math.floor((main.at - startedAt) / 2));
    this.stage.warning = {
      what: `${main.what}.warning`, key: null, from: startedAt, at, summary: `early warning before the ${main.summary}`,
      onMiss: () => {
        if (this.stage.main !== main || !this.stage.deadlines.includes(main) || hooks.given()) return;
        hooks.give(main);
      },
    };
    this.stage.deadlines.push(this.stage.warning);
    return at;
  }

  /** Every pending working-day deadline counted again with the new calendar (and the follow-up planned from the main one). */
  private async recount(changeId: string): Promise<void> {
    this.pendingChange = null;
    if (this.appliedChanges.includes(changeId)) return;
    this.appliedChanges.push(changeId);
    if (this.appliedChanges.length > CALENDAR_CHANGES_KEPT) this.appliedChanges.shift();
    const counted = this.stage.deadlines.filter((d): d is Deadline & { key: PolicyKeyName } => d.key !== null);
    const items = counted.map((d) => ({ key: d.key, from: iso(d.from) }));
    const main = this.stage.main;
    const followUp = main ? this.hooks.followUp?.get(main) : undefined;
    if (followUp) items.push({ key: followUp.key as PolicyKeyName, from: followUp.from });
    if (items.length === 0) return;
    const ats = (await this.hooks.count(items)).map((at) => Date.parse(at));
    counted.forEach((d, i) => {
      if (ats[i] === d.at || !this.stage.deadlines.includes(d)) return;
      this.hooks.recounted(d, d.at, ats[i], changeId);
      if (d === this.stage.main) this.moveMain(ats[i], d.key, false);
      else d.at = ats[i];
    });
    // The follow-up holds while the main deadline stays where it was planned from.
    const planned = main ? this.hooks.followUp?.get(main) : undefined;
    if (main && planned) {
      const moved = main.at !== Date.parse(planned.from);
      this.hooks.followUp!.set(moved ? undefined : { ...planned, at: iso(ats[ats.length - 1]) });
    }
  }
}
