/**
 * Replay: a history of the outbox delivery loop recorded with its code from before
 * per-notification backoff (test/histories/outbox-delivery-before-backoff.json: rounds that
 * delivered, one that failed and was retried by Temporal, one with more waiting, then continue
 * as new) replays against today's code without a nondeterminism error, so loops running when
 * the new worker is deployed carry on.
 */
import { eventsOf, readHistory, replay, workflowTypeOf } from './support/replay';

const FILE = 'outbox-delivery-before-backoff.json';
const history = readHistory(FILE);

test('the recorded loop ran rounds, a retried round, and continued as new', () => {
  const events = eventsOf(history);
  expect(workflowTypeOf(history)).toBe('outboxDelivery');
  expect(events.filter((e) => 'activityTaskCompletedEventAttributes' in e).length).toBeGreaterThanOrEqual(5);
  expect(events.filter((e) => 'timerFiredEventAttributes' in e).length).toBeGreaterThanOrEqual(3);
  expect(events[events.length - 1]).toHaveProperty('workflowExecutionContinuedAsNewEventAttributes');
});

test('an outbox delivery loop started before per-notification backoff replays against today\'s code', async () => {
  await expect(replay(history, { name: FILE })).resolves.toBeUndefined();
});
