/**
 * The deadlines an action starts, worked out by the API before it sends the action, with the same
 * policy and calendar as the worker's deadline activity — so that the workflow needs no activity
 * before it answers, and filing works while no worker runs. The workflow keeps each deadline's
 * key and starting instant, and counts it again when the calendar changes.
 */
import { shanghaiDay, shanghaiMidnight } from '../domain/shanghai-time';
import type { CalendarSource } from './calendar-source';
import { deadlineAfter, durationOf, type Policy, type PolicyKey } from './policy';
import type { PlannedDeadline } from '../domain';

const DAY_MS = 86_400_000;

export class DeadlinePlanner {
  constructor(private readonly policy: Policy, private readonly calendars: CalendarSource) {}

  async plan(items: Array<{ key: PolicyKey; from: Date }>): Promise<PlannedDeadline[]> {
    const calendar = await this.calendars.current();
    return items.map(({ key, from }) => {
      const duration = durationOf(this.policy, key);
      return { key, from: from.toISOString(), at: deadlineAfter(duration, from, calendar).toISOString(), clock: !('workingDays' in duration) };
    });
  }

  /**
   * The latest instant an extension of `dueAt` may ask for: 24:00 Asia/Shanghai of the
   * extension.maxWorkingDays-th working day after the day on which `dueAt` ends (24:00 of that
   * day itself for 0).
   */
  async extensionLimit(dueAt: Date): Promise<Date> {
    const n = this.policy.extension.maxWorkingDays;
    const lastMoment = new Date(dueAt.getTime() - 1);
    if (n === 0) return new Date(shanghaiMidnight(shanghaiDay(lastMoment)).getTime() + DAY_MS);
    return (await this.calendars.current()).addWorkingDays(lastMoment, n);
  }
}
