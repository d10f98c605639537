/**
 * 优先级与公平: every workflow the project starts carries its place on the task queue
 * (lib/task-priority.ts) — a whistle by urgency and the catalogue's list for its category, fair
 * among streets; a help request fair among streets; the Schedules' runs and the calendar's
 * recounts last — as Temporal records it for the workflow (and its tasks).
 */
import type { Client } from '@temporalio/client';
import { ensureSchedules } from '../lib/schedules';
import { bulkPriority, helpPriority, whistlePriority } from '../lib/task-priority';
import { whistleWorkflowId } from '../workflows/messages';
import { createTestSchedules, deleteTestSchedules } from './support/schedules';
import { filing, quietPolicy, startStack, type Stack } from './support/stack';
import type { ScheduleIds } from '../lib/schedules';

let stack: Stack;
let ids: ScheduleIds | undefined;

beforeAll(async () => {
  stack = await startStack({ policy: quietPolicy(900) });
}, 90_000);

afterAll(async () => {
  await deleteTestSchedules(stack?.client, ids);
  await stack?.stop();
});

/** The priority Temporal keeps for a running workflow. */
async function priorityOf(client: Client, workflowId: string) {
  const described = await client.workflow.getHandle(workflowId).describe();
  return described.raw.workflowExecutionInfo?.priority;
}

describe('the order of the work', () => {
  test('urgent and immediate first, then phased, help requests, understanding, bulk work last; streets are the fairness keys', () => {
    expect(whistlePriority({ streetId: 'wuhang', urgent: true, list: 'understanding' })).toEqual({ priorityKey: 1, fairnessKey: 'wuhang' });
    expect(whistlePriority({ streetId: 'wuhang', urgent: false, list: 'immediate' })).toEqual({ priorityKey: 1, fairnessKey: 'wuhang' });
    expect(whistlePriority({ streetId: 'yingqian', urgent: false, list: 'phased' })).toEqual({ priorityKey: 2, fairnessKey: 'yingqian' });
    expect(whistlePriority({ streetId: 'yingqian', urgent: false, list: null })).toEqual({ priorityKey: 2, fairnessKey: 'yingqian' });
    expect(helpPriority({ streetId: 'wuhang' })).toEqual({ priorityKey: 3, fairnessKey: 'wuhang' });
    expect(whistlePriority({ streetId: 'wuhang', urgent: false, list: 'understanding' })).toEqual({ priorityKey: 4, fairnessKey: 'wuhang' });
    expect(bulkPriority('retention')).toEqual({ priorityKey: 5, fairnessKey: 'bulk:retention' });
  });
});

describe('workflows started with their priority', () => {
  test.each([
    ['utilities', false, 1],
    ['property', false, 2],
    ['social_security', false, 4],
    ['social_security', true, 1],
  ])('a whistle of %s (urgent: %s) filed through the API runs at priority %i, fair by its street', async (category, urgent, priorityKey) => {
    const filed = await stack.call('xiguan', 'POST', '/v1/whistles', filing({ category, urgent }));
    expect(filed.status).toBe(201);
    expect(await priorityOf(stack.client, whistleWorkflowId(filed.body.id as string))).toMatchObject({ priorityKey, fairnessKey: 'wuhang' });
  });

  test('a help request runs at priority 3, fair by the street of its community', async () => {
    const posted = await stack.call('xiguan-resident-1', 'POST', '/v1/help-requests', {
      title: '需要帮忙搬运家具', description: '周六上午搬家，需要两位志愿者', communityId: 'xiguan',
    });
    expect(posted.status).toBe(201);
    expect(await priorityOf(stack.client, `help-${posted.body.id as string}`)).toMatchObject({ priorityKey: 3, fairnessKey: 'wuhang' });
  });

  test('the Schedules start their runs last, and a Schedule made without a priority is brought up to date', async () => {
    ids = await createTestSchedules(stack.client, stack.config.taskQueue);
    const retention = await stack.client.schedule.getHandle(ids.retention).describe();
    expect(retention.action).toMatchObject({ priority: { priorityKey: 5, fairnessKey: 'bulk:retention' } });
    const publication = await stack.client.schedule.getHandle(ids.publication).describe();
    expect(publication.action).toMatchObject({ priority: { priorityKey: 5, fairnessKey: 'bulk:assessment-publication' } });

    // As the Schedule was before priorities: the next worker start gives it its priority, and keeps the rest.
    await stack.client.schedule.getHandle(ids.retention).update((previous) => ({
      ...previous, action: { ...previous.action, priority: undefined } as typeof previous.action,
    }));
    expect((await stack.client.schedule.getHandle(ids.retention).describe()).action).not.toHaveProperty('priority.priorityKey', 5);
    expect(await ensureSchedules(stack.client, stack.config.taskQueue, ids)).toEqual({
      [ids.retention]: 'updated', [ids.publication]: 'unchanged', [ids.photos]: 'unchanged', [ids.suggestions]: 'unchanged',
    });
    expect((await stack.client.schedule.getHandle(ids.retention).describe()).action).toMatchObject({ priority: { priorityKey: 5, fairnessKey: 'bulk:retention' } });
  });
});
