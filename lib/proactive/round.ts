/**
 * 未诉先办 (proactive rounds): what a round is, and its times as a Temporal Schedule's spec.
 * A round files, at each of its times, one whistle per community it names — filed by the center
 * and dispatched at once to its departments (`source: "proactive"`). Its times are either every
 * `everyDays` days at 00:00 Asia/Shanghai (from the first midnight after it was created) or the
 * calendar times it lists (`{ month?, dayOfMonth, hour? }`, Asia/Shanghai; every month when the
 * month is left out, at `hour` o'clock, 0 when left out).
 */
import type { ScheduleSpec } from '@temporalio/client';
import { SHANGHAI_OFFSET_MS, SHANGHAI_TIME_ZONE } from '../../domain/shanghai-time';

export type List = 'immediate' | 'phased' | 'understanding';

export interface CalendarTime { month?: number; dayOfMonth: number; hour?: number }

/** The round's times as stored: `anchor` is the first run of an `everyDays` round (ISO). */
export type RoundSchedule = { everyDays: number; anchor: string } | { calendar: CalendarTime[] };

export interface ProactiveRound {
  id: string;
  title: string;
  description: string;
  category: string;
  communityIds: string[];
  list: List;
  departmentIds: string[];
  leadDepartmentId: string;
  schedule: RoundSchedule;
  paused: boolean;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

const DAY_MS = 86_400_000;
const MONTHS = ['JANUARY', 'FEBRUARY', 'MARCH', 'APRIL', 'MAY', 'JUNE', 'JULY', 'AUGUST', 'SEPTEMBER', 'OCTOBER', 'NOVEMBER', 'DECEMBER'] as const;
/** The most days each month can have (February in a leap year). */
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The Schedule of round `id`. */
export function proactiveScheduleId(roundId: string): string {
  return `proactive-${roundId}`;
}

/** The first 00:00 Asia/Shanghai after `now` (Asia/Shanghai is UTC+8 all year). */
export function nextShanghaiMidnight(now: Date): Date {
  const shifted = now.getTime() + SHANGHAI_OFFSET_MS;
  return new Date((Math.floor(shifted / DAY_MS) + 1) * DAY_MS - SHANGHAI_OFFSET_MS);
}

/** A calendar time that no month has (30 February, 31 April …): its Chinese refusal, or null. */
export function impossibleDate(t: CalendarTime): string | null {
  if (t.month !== undefined && t.dayOfMonth > MONTH_DAYS[t.month - 1]) return `${t.month} 月没有 ${t.dayOfMonth} 日`;
  return null;
}

/** The Schedule's spec for the round's times. */
export function scheduleSpecOf(schedule: RoundSchedule): ScheduleSpec {
  if ('everyDays' in schedule) {
    const every = schedule.everyDays * DAY_MS;
    // Temporal counts intervals from the Unix epoch; the offset puts a run on the anchor.
    const offset = ((Date.parse(schedule.anchor) % every) + every) % every;
    return { intervals: [{ every, offset }] };
  }
  return {
    calendars: schedule.calendar.map((t) => ({
      ...(t.month !== undefined ? { month: MONTHS[t.month - 1] } : {}),
      dayOfMonth: t.dayOfMonth, hour: t.hour ?? 0, minute: 0, second: 0,
    })),
    timezone: SHANGHAI_TIME_ZONE,
  };
}
