/**
 * What the console shows for times: Asia/Shanghai whatever the browser's zone, time left to a
 * deadline in days/hours/minutes, the wall clock typed into a picker as an instant with +08:00.
 */
import { quarterOf, shanghai, shanghaiInstant, shanghaiToday, timeLeft } from '../console/src/format';

test('instants are shown in Asia/Shanghai (UTC 16:00 is 00:00 of the next day in Changle)', () => {
  expect(shanghai('2026-12-03T16:00:00.000Z')).toBe('2026-12-04 00:00');
  expect(shanghai('2026-06-30T23:59:00Z')).toBe('2026-07-01 07:59');
  expect(shanghai(null)).toBe('—');
});

test('time left reads in days and hours, hours and minutes, or minutes; past deadlines as 已超期', () => {
  const now = Date.parse('2026-12-01T00:00:00Z');
  expect(timeLeft('2026-12-03T03:00:00Z', now)).toBe('剩余 2天3小时');
  expect(timeLeft('2026-12-01T05:30:00Z', now)).toBe('剩余 5小时30分');
  expect(timeLeft('2026-12-01T00:12:30Z', now)).toBe('剩余 12分钟');
  expect(timeLeft('2026-11-30T19:00:00Z', now)).toBe('已超期 5小时0分');
  expect(timeLeft('2026-11-28T00:00:00Z', now)).toBe('已超期 3天0小时');
});

test('a wall-clock time of Changle becomes an ISO 8601 instant with its offset', () => {
  const instant = shanghaiInstant('2026-12-08 18:00:00');
  expect(instant).toBe('2026-12-08T18:00:00+08:00');
  expect(new Date(instant).toISOString()).toBe('2026-12-08T10:00:00.000Z');
});

test('the quarter and the day are those of Asia/Shanghai', () => {
  expect(quarterOf(new Date('2026-12-31T16:30:00Z'))).toBe('2027-Q1');
  expect(quarterOf(new Date('2026-09-30T15:59:00Z'))).toBe('2026-Q3');
  expect(shanghaiToday(new Date('2026-03-31T17:00:00Z'))).toBe('2026-04-01');
});
