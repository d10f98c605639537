/**
 * Replays recorded calendarChange histories (test/histories/calendar-change-*.json) against
 * today's workflow code: a change that would break a walk in progress fails here. Record one
 * with `RECORD_CALENDAR_HISTORY=test/histories/calendar-change-<name>.json npx jest --runInBand
 * test/calendar-change.test.ts -t recheck`; keep the old ones.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';

const dir = path.join(__dirname, 'histories');
const files = fs.readdirSync(dir).filter((f) => f.startsWith('calendar-change-') && f.endsWith('.json'));

test('there is a recorded calendar change to replay: two rounds, each page an activity', () => {
  expect(files.length).toBeGreaterThanOrEqual(1);
  const events = JSON.parse(fs.readFileSync(path.join(dir, files[0]), 'utf8')).events as Array<{ eventType: string }>;
  const types = events.map((e) => e.eventType);
  expect(types.filter((t) => /ACTIVITY_TASK_COMPLETED|ActivityTaskCompleted/.test(t)).length).toBeGreaterThanOrEqual(2);
  expect(types.some((t) => /TIMER_STARTED|TimerStarted/.test(t))).toBe(true);
});

test.each(files)('the recorded history %s replays without nondeterminism', async (file) => {
  const history = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  await expect(Worker.runReplayHistory(
    { workflowBundle: { codePath: process.env.WHISTLE_TEST_BUNDLE! }, replayName: file },
    history,
    `replay-${file}`,
  )).resolves.toBeUndefined();
});
