/**
 * Replay: a history of the outbox delivery loop recorded with its code from before
 * per-notification backoff (test/histories/outbox-delivery-before-backoff.json: rounds that
 * delivered, one that failed and was retried by Temporal, one with more waiting, then continue
 * as new) replays against today's code without a nondeterminism error, so loops running when
 * the new worker is deployed carry on.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';

const history = JSON.parse(fs.readFileSync(path.join(__dirname, 'histories', 'outbox-delivery-before-backoff.json'), 'utf8'));

test('the recorded loop ran rounds, a retried round, and continued as new', () => {
  const events = history.events as Array<Record<string, unknown>>;
  const started = events[0].workflowExecutionStartedEventAttributes as { workflowType: { name: string } };
  expect(started.workflowType.name).toBe('outboxDelivery');
  expect(events.filter((e) => 'activityTaskCompletedEventAttributes' in e).length).toBeGreaterThanOrEqual(5);
  expect(events.filter((e) => 'timerFiredEventAttributes' in e).length).toBeGreaterThanOrEqual(3);
  expect(events[events.length - 1]).toHaveProperty('workflowExecutionContinuedAsNewEventAttributes');
});

test('an outbox delivery loop started before per-notification backoff replays against today\'s code', async () => {
  await expect(Worker.runReplayHistory(
    { workflowBundle: { codePath: process.env.WHISTLE_TEST_BUNDLE! } }, history, 'outbox-delivery-replay',
  )).resolves.toBeUndefined();
});
