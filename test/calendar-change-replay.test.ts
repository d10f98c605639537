/**
 * Replays recorded calendarChange histories (test/histories/calendar-change-*.json) against
 * today's workflow code: a change that would break a walk in progress fails here. Record one
 * with `RECORD_CALENDAR_HISTORY=test/histories/calendar-change-<name>.json npx jest --runInBand
 * test/calendar-change.test.ts -t recheck`; keep the old ones.
 */
import { eventsOf, historyFiles, readHistory, replay } from './support/replay';

const files = historyFiles('calendar-change-');

test('there is a recorded calendar change to replay: two rounds, each page an activity', () => {
  expect(files.length).toBeGreaterThanOrEqual(1);
  const types = eventsOf(readHistory(files[0])).map((e) => String(e.eventType));
  expect(types.filter((t) => /ACTIVITY_TASK_COMPLETED|ActivityTaskCompleted/.test(t)).length).toBeGreaterThanOrEqual(2);
  expect(types.some((t) => /TIMER_STARTED|TimerStarted/.test(t))).toBe(true);
});

test.each(files)('the recorded history %s replays without nondeterminism', async (file) => {
  await expect(replay(file)).resolves.toBeUndefined();
});
