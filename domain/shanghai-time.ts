/**
 * The district's clock: Asia/Shanghai, UTC+8 all year (China keeps no daylight saving time), so
 * every conversion is fixed +8 h arithmetic. Days, quarters and the times people read are
 * Asia/Shanghai's. Pure, importing nothing: the workflows' bundle uses it as well.
 */

/** The IANA name of the zone (Temporal Schedules' `timezone`). */
export const SHANGHAI_TIME_ZONE = 'Asia/Shanghai';
export const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

function msOf(instant: Date | string | number, what: string): number {
  const ms = instant instanceof Date ? instant.getTime() : typeof instant === 'number' ? instant : Date.parse(instant);
  if (Number.isNaN(ms)) throw new RangeError(`${what}: invalid Date`);
  return ms;
}

/** The calendar day ('YYYY-MM-DD') in Asia/Shanghai at that instant. */
export function shanghaiDay(instant: Date | string | number): string {
  return new Date(msOf(instant, 'shanghaiDay') + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** The calendar day in Asia/Shanghai at an instant (ms), as a count of days since 1970-01-01. */
export function shanghaiDayNumber(ms: number): number {
  return Math.floor((ms + SHANGHAI_OFFSET_MS) / DAY_MS);
}

/** 00:00 Asia/Shanghai at the start of `day` ('YYYY-MM-DD'); an invalid Date for anything else. */
export function shanghaiMidnight(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - SHANGHAI_OFFSET_MS);
}

/** The instant as a W3C date-time in Asia/Shanghai, to the second: `2026-11-27T09:20:00+08:00`. */
export function shanghaiDateTime(instant: Date | string | number): string {
  return `${new Date(msOf(instant, 'shanghaiDateTime') + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}

/**
 * The instant as people read it, to the minute: `2026-11-27 09:20` (Asia/Shanghai, 北京时间). Text
 * that is no instant (a note written by hand) is given back as written.
 */
export function shanghaiMinute(instant: Date | string | number): string {
  const ms = instant instanceof Date ? instant.getTime() : typeof instant === 'number' ? instant : Date.parse(instant);
  if (Number.isNaN(ms)) return String(instant);
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}
