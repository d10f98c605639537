/** Dates and durations as people in Changle read them: Asia/Shanghai, Chinese. */

const ZONE = 'Asia/Shanghai';

const dateTime = new Intl.DateTimeFormat('zh-CN', {
  timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
});

/** 2026-11-27 09:20 (Asia/Shanghai), or — for none. */
export function shanghai(instant: string | null | undefined): string {
  if (!instant) return '—';
  const parts = Object.fromEntries(dateTime.formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour === '24' ? '00' : parts.hour}:${parts.minute}`;
}

/** Time left to (or past) an instant, in days, hours and minutes: 剩余 2天3小时 / 已超期 5小时. */
export function timeLeft(dueAt: string, now: number): string {
  const ms = Date.parse(dueAt) - now;
  const late = ms < 0;
  let minutes = Math.floor(Math.abs(ms) / 60_000);
  const days = Math.floor(minutes / 1440);
  minutes -= days * 1440;
  const hours = Math.floor(minutes / 60);
  minutes -= hours * 60;
  const text = days > 0 ? `${days}天${hours}小时` : hours > 0 ? `${hours}小时${minutes}分` : `${minutes}分钟`;
  return late ? `已超期 ${text}` : `剩余 ${text}`;
}

/**
 * A wall-clock time in Asia/Shanghai typed into a picker ("2026-12-01 18:00:00") as an ISO 8601
 * instant with its offset (China keeps +08:00 all year).
 */
export function shanghaiInstant(wallClock: string): string {
  return `${wallClock.replace(' ', 'T')}+08:00`;
}

/** The quarter (YYYY-Qn) an instant falls in, in Asia/Shanghai. */
export function quarterOf(date: Date): string {
  const [year, month] = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit' })
    .format(date).split('-').map(Number);
  return `${year}-Q${Math.floor((month - 1) / 3) + 1}`;
}

/** Today's date in Asia/Shanghai, YYYY-MM-DD. */
export function shanghaiToday(date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(date);
}

export const percent = (rate: number | null | undefined) => (rate == null ? '—' : `${(rate * 100).toFixed(1)}%`);
