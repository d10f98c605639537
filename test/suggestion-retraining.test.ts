/**
 * 智能分派 retrained by a Temporal Schedule: `suggestion-retraining` runs the workflow
 * `suggestionRetraining` every night at 02:00 Asia/Shanghai, as bulk work; a run makes a new model
 * version that the API answers from, audited as `system`. The Schedule has its own id on this
 * file's task queue and is triggered by hand.
 */
import type { ScheduleIds } from '../lib/schedules';
import type { SuggestionRetraining } from '../activities/types';
import { createTestSchedules, deleteTestSchedules, triggerAndWait } from './support/schedules';
import { quietPolicy, startStack, type Stack } from './support/stack';

let stack: Stack;
let ids: ScheduleIds;

beforeAll(async () => {
  stack = await startStack({ policy: quietPolicy(900) });
  ids = await createTestSchedules(stack.client, stack.config.taskQueue);
}, 90_000);

afterAll(async () => {
  await deleteTestSchedules(stack?.client, ids);
  await stack?.stop();
});

const activeVersion = async (): Promise<number | null> =>
  (await stack.pool.query<{ v: number | null }>('SELECT max(version)::int AS v FROM suggestion_models WHERE active')).rows[0].v;

test('the Schedule runs suggestionRetraining nightly at 02:00 Asia/Shanghai, last on the task queue', async () => {
  const described = await stack.client.schedule.getHandle(ids.suggestions).describe();
  expect(described.action).toMatchObject({ workflowType: 'suggestionRetraining', priority: { priorityKey: 5, fairnessKey: 'bulk:suggestion-retraining' } });
  expect(described.spec.timezone).toBe('Asia/Shanghai');
  expect(described.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 2, end: 2, step: 1 }], minute: [{ start: 0, end: 0, step: 1 }] });
});

test('a run makes a new model version, which the API answers from, audited as system', async () => {
  const before = await activeVersion();
  const run = await triggerAndWait<SuggestionRetraining>(stack.client, ids.suggestions);
  expect(run.version).toBeGreaterThan(before ?? 0);
  expect(await activeVersion()).toBe(run.version);
  const { rows } = await stack.pool.query("SELECT actor FROM audit_log WHERE type = 'suggestions_retrained' ORDER BY seq DESC LIMIT 1");
  expect(rows[0]).toEqual({ actor: 'system' });
  const answer = await stack.call('center', 'POST', '/v1/suggest', { title: '小区路灯不亮', description: '晚上一片漆黑' });
  expect(answer.status).toBe(200);
  expect(answer.body.categories.length).toBeGreaterThan(0);
});
