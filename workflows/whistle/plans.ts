/**
 * Planned deadlines. The API works out the deadlines of the stage an action starts, with the same
 * policy and working-day calendar as the worker, and sends them with the action (`ActionPlan`);
 * the workflow takes them, counted from the instant the action reached it, and asks the deadline
 * activity only for what no plan holds (an operator's update, a plan that no longer fits).
 */
import { proxyLocalActivities } from '@temporalio/workflow';
import type { DeadlineActivities } from '../../activities/types';
import type { PlannedDeadline, PolicyKeyName } from '../../domain';
import { shanghaiDayNumber } from '../../domain/shanghai-time';
import { iso, plannedAt } from './state';

export const { planDeadlines, whistleLimits } = proxyLocalActivities<DeadlineActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumInterval: '30 seconds' },
  summary: 'deadlines from the policy and the working-day calendar',
});

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
  return shanghaiDayNumber(planned) === shanghaiDayNumber(from) ? { ...plan, from: iso(from) } : undefined;
}

/** The deadlines planned for the next stage, and the center's triage deadline planned with the street's. */
export class Plans {
  /** Deadlines of the next stage that the API (or an earlier plan) worked out already. */
  private next: readonly PlannedDeadline[];
  /** The center's triage deadline should the street's handling deadline escalate (planned with the street stage). */
  triageAfterHandling: PlannedDeadline | undefined;

  constructor(filed: readonly PlannedDeadline[] | undefined) {
    this.next = filed ?? [];
    this.triageAfterHandling = plannedAt(filed, 'center.triageWithin');
  }

  /**
   * The deadlines of a stage that starts at `from` (each `{ key, from }`): from the plan, else from
   * one call of the deadline activity for all of them. The plan is used up.
   */
  async deadlinesFor(wanted: Array<{ key: PolicyKeyName; from: number }>): Promise<PlannedDeadline[]> {
    const found = wanted.map(({ key, from }) => {
      const planned = plannedAt(this.next, key);
      return planned && rebased(planned, from);
    });
    const missing = wanted.filter((_, i) => !found[i]);
    if (missing.length > 0) {
      const ats = await planDeadlines(missing.map(({ key, from }) => ({ key, from: iso(from) })));
      missing.forEach(({ key, from }, i) => { found[wanted.findIndex((x) => x.key === key)] = { key, from: iso(from), at: ats[i] }; });
    }
    this.next = [];
    return found as PlannedDeadline[];
  }

  /**
   * The deadlines of the stage a transition starts now, planned already; answers the main one's
   * instant (`mainKey`, counted from this instant, the transition's), for `dueAt` to show at once.
   */
  takePlan(deadlines: readonly PlannedDeadline[] | undefined, mainKey: string): number | undefined {
    this.next = (deadlines ?? []).map((d) => rebased(d, Date.now())).filter((d): d is PlannedDeadline => d !== undefined);
    const main = plannedAt(this.next, mainKey);
    return main ? Date.parse(main.at) : undefined;
  }

  /** The instant (ms) of the deadline `key` the next stage has planned already, if any. */
  plannedAt(key: string): number | undefined {
    const planned = plannedAt(this.next, key);
    return planned ? Date.parse(planned.at) : undefined;
  }

  /** Nothing planned for the next stage (an operator's escalation): the activity counts it. */
  forget(): void {
    this.next = [];
  }
}
