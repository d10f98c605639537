/**
 * 回访: after each resolution the center may call the reporter back, once, within
 * `callback.within` of the latest `resolved` (a reopened and again resolved whistle gets a new
 * window). The window is an instant fixed at the resolution (not counted again when the calendar
 * changes); once the whistle is closed its workflow stays until the window has passed or the
 * callback was made, so that the center's `callback` still reaches it.
 */
import type { Actor, CallbackBody, PlannedDeadline } from '../../domain';
import type { WhistleChanges } from './changes';
import type { Plans } from './plans';
import type { StageClock } from './stage-clock';
import { iso, type WhistleState } from './state';

export class Callbacks {
  constructor(private readonly w: WhistleState, private readonly changes: WhistleChanges) {}

  /** A resolution: its window ends at `until` (ms), when known already; the earlier resolution's callback is no longer current. */
  resolved(until: number | undefined): void {
    this.w.callback = null;
    this.w.callbackUntil = until ?? null;
  }

  /**
   * The resolved stage's deadlines from `resolvedAt`: the evaluation window (answered) and, when
   * the callback window is `kept`, that one too (the plan's, or the deadline activity's).
   */
  async resolvedStage(plans: Plans, resolvedAt: number, kept: boolean): Promise<PlannedDeadline> {
    const [window, callback] = await plans.deadlinesFor([{ key: 'evaluation.window', from: resolvedAt },
      ...(kept ? [{ key: 'callback.within' as const, from: resolvedAt }] : [])]);
    const until = callback ? Date.parse(callback.at) : null;
    if (callback && this.w.callbackUntil !== until) {
      this.w.callbackUntil = until;
      this.changes.quietly();
    }
    return window;
  }

  /** Reopened: no resolution to call back until the next one. */
  reopened(): void {
    this.w.callback = null;
    this.w.callbackUntil = null;
  }

  /** The center's callback of the current resolution: on the timeline, for the unit that resolved. */
  call(actor: Actor, body: CallbackBody): void {
    const resolver = [...this.w.events].reverse().find((e) => e.type === 'resolved')?.unit ?? null;
    const rating = body.rating ?? null;
    const note = body.note ?? null;
    this.w.callback = { reached: body.reached, rating, note, at: iso(Date.now()), by: actor.accountId };
    this.changes.record('callback', actor.accountId, note, resolver, { reached: body.reached, rating, note });
  }

  /** Closed: stays (projecting what changes) until the window has passed or the callback was made. */
  async stay(clock: StageClock): Promise<void> {
    const { w } = this;
    const until = w.callbackUntil;
    if (w.status !== 'closed' || until === null || w.callback !== null || until <= Date.now()) return;
    let passed = false;
    clock.enter(w.closedAt ?? Date.now(), [{
      what: 'callback.within', key: null, from: w.resolvedAt ?? Date.now(), at: until, summary: 'callback window (回访)',
      onMiss: () => { passed = true; },
    }]);
    await clock.hold(() => !passed && w.callback === null);
  }
}
