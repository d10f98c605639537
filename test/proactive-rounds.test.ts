/**
 * 未诉先办 (proactive rounds): the center defines a round, its Temporal Schedule `proactive-<id>`
 * files one whistle per community at each time (Asia/Shanghai); each (round, occurrence, community)
 * files once whatever runs again; pausing, unpausing and deleting reach the Schedule; all audited;
 * refusals (with messageZh) change nothing.
 */
import { ScheduleNotFoundError } from '@temporalio/client';
import type { ProactiveRun } from '../activities/types';
import { proactiveWhistleId } from '../lib/proactive/filing-port';
import { nextShanghaiMidnight, proactiveScheduleId } from '../lib/proactive/round';
import { startingProactiveWhistles } from '../lib/proactive/whistle-start';
import { occurrenceOf } from '../workflows/proactive-round';
import { whistleWorkflowId } from '../workflows/messages';
import { triggerAndWait } from './support/schedules';
import { eventually, startStack, type Stack } from './support/stack';

let stack: Stack;
const rounds: string[] = [];
const whistles = new Set<string>();
const HOUR = 3_600_000;

const body = (over: Record<string, unknown> = {}) => ({
  title: '汛前排水设施巡查', description: '汛期前检查小区雨水井、排水沟是否堵塞，发现问题即时处置。', category: 'utilities',
  communityIds: ['xiguan', 'dongjiang'], list: 'immediate', departmentIds: ['water', 'urban'], leadDepartmentId: 'water',
  schedule: { calendar: [{ dayOfMonth: 1, hour: 9 }] }, ...over,
});

async function create(over: Record<string, unknown> = {}) {
  const res = await stack.call('center', 'POST', '/v1/proactive', body(over));
  expect(res.status).toBe(201);
  rounds.push(res.body.id);
  return res.body;
}

const auditOf = async (id: string) =>
  (await stack.pool.query('SELECT type, actor FROM audit_log WHERE subject = $1 ORDER BY id', [id])).rows;
const roundCount = async () => Number((await stack.pool.query('SELECT count(*) FROM proactive_rounds')).rows[0].count);

/** The next 1st of a month at 09:00 Asia/Shanghai after now. */
function nextFirstAtNine(now = Date.now()): string {
  const shanghai = new Date(now + 8 * HOUR);
  let at = Date.UTC(shanghai.getUTCFullYear(), shanghai.getUTCMonth(), 1, 9) - 8 * HOUR;
  if (at <= now) at = Date.UTC(shanghai.getUTCFullYear(), shanghai.getUTCMonth() + 1, 1, 9) - 8 * HOUR;
  return new Date(at).toISOString();
}

beforeAll(async () => { stack = await startStack(); });
afterAll(async () => {
  for (const id of rounds) await stack?.client.schedule.getHandle(proactiveScheduleId(id)).delete().catch(() => undefined);
  for (const id of whistles) await stack?.client.workflow.getHandle(whistleWorkflowId(id)).terminate('test over').catch(() => undefined);
  if (rounds.length) {
    await stack?.pool.query('DELETE FROM proactive_rounds WHERE id = ANY ($1)', [rounds]);
    await stack?.pool.query('DELETE FROM proactive_filings WHERE round_id = ANY ($1)', [rounds]);
  }
  await stack?.stop();
});

describe('defining a round', () => {
  test('refusals: 403 for other roles; 400 with messageZh for unknown categories, communities, departments, a lead as at triage, impossible dates', async () => {
    const before = await roundCount();
    for (const who of ['xiguan', 'wuhang', 'urban', 'supervision']) {
      expect((await stack.call(who, 'POST', '/v1/proactive', body())).status).toBe(403);
    }
    const refused: Array<[Record<string, unknown>, RegExp]> = [
      [{ category: 'weather' }, /未知的事项类别/],
      [{ communityIds: ['xiguan', 'wuhang'] }, /未知的社区“wuhang”/],
      [{ communityIds: ['nowhere'] }, /未知的社区/],
      [{ departmentIds: ['water', 'xiguan'] }, /未知的部门“xiguan”/],
      [{ leadDepartmentId: undefined }, /须指定牵头单位/],
      [{ leadDepartmentId: 'housing' }, /牵头单位须是承办部门之一/],
      [{ schedule: { calendar: [{ month: 2, dayOfMonth: 30 }] } }, /2 月没有 30 日/],
      [{ schedule: { everyDays: 0 } }, /./],
      [{ schedule: { everyDays: 7, calendar: [{ dayOfMonth: 1 }] } }, /./],
      [{ schedule: { calendar: [{ dayOfMonth: 1, hour: 24 }] } }, /./],
      [{ communityIds: [] }, /./],
      [{ list: 'someday' }, /./],
      [{ urgent: true }, /./],
    ];
    for (const [over, zh] of refused) {
      const res = await stack.call('center', 'POST', '/v1/proactive', body(over));
      expect({ over, status: res.status, code: res.body.error?.code }).toEqual({ over, status: 400, code: 'validation_failed' });
      expect(res.body.error.messageZh).toMatch(zh);
    }
    expect(await roundCount()).toBe(before);
  });

  test('created: 201 with id and nextRunAt; its Schedule proactive-<id> runs proactiveRound at the calendar times in Asia/Shanghai; audited', async () => {
    const round = await create();
    expect(round).toMatchObject({
      id: expect.any(String), title: '汛前排水设施巡查', communityIds: ['xiguan', 'dongjiang'], list: 'immediate',
      departmentIds: ['water', 'urban'], leadDepartmentId: 'water', paused: false, createdBy: 'center',
      schedule: { calendar: [{ dayOfMonth: 1, hour: 9 }] },
    });
    expect(round.nextRunAt).toBe(nextFirstAtNine());
    const found = await stack.client.schedule.getHandle(`proactive-${round.id}`).describe();
    expect(found.spec.timezone).toBe('Asia/Shanghai');
    expect(found.action).toMatchObject({ workflowType: 'proactiveRound', taskQueue: stack.config.taskQueue, args: [{ roundId: round.id }] });
    expect(found.state.paused).toBe(false);
    expect(await auditOf(round.id)).toEqual([{ type: 'proactive_created', actor: 'center' }]);

    const list = await stack.call('center', 'GET', '/v1/proactive');
    expect(list.status).toBe(200);
    expect(list.body.items.find((r: { id: string }) => r.id === round.id)).toEqual(round);
    expect((await stack.call('supervision', 'GET', '/v1/proactive')).status).toBe(403);
  });

  test('every n days: the first run is the next 00:00 Asia/Shanghai; created paused, it has no next run', async () => {
    const now = new Date();
    const every = await create({ schedule: { everyDays: 7 }, departmentIds: ['water'], leadDepartmentId: undefined });
    expect(every.leadDepartmentId).toBe('water');
    expect(every.nextRunAt).toBe(nextShanghaiMidnight(now).toISOString());
    const paused = await create({ paused: true });
    expect(paused).toMatchObject({ paused: true, nextRunAt: null });
    expect((await stack.client.schedule.getHandle(proactiveScheduleId(paused.id)).describe()).state.paused).toBe(true);
  });
});

describe('running a round', () => {
  test('a triggered run files one whistle per community, filed for the center with the round\'s title', async () => {
    const round = await create({ title: '燃气管道安全巡查', category: 'public_safety' });
    const run = await triggerAndWait<ProactiveRun>(stack.client, proactiveScheduleId(round.id));
    expect(run).toMatchObject({ roundId: round.id, found: true, existing: [], skipped: [] });
    expect(run.filed).toHaveLength(2);
    expect(run.filed.sort()).toEqual(['xiguan', 'dongjiang']
      .map((communityId) => proactiveWhistleId({ roundId: round.id, occurrence: run.occurrence, communityId })).sort());
    run.filed.forEach((id) => whistles.add(id));
    const rows = await eventually(async () => {
      const { rows: r } = await stack.pool.query(
        "SELECT id, view->>'title' AS title, community_id, view->>'status' AS status, view->>'source' AS source FROM whistles WHERE id = ANY ($1) ORDER BY community_id",
        [run.filed]);
      return r.length === 2 ? r : undefined;
    }, 20_000, 'the round\'s whistles in the read model');
    // Filed by the center and dispatched at once to the round's departments: no street stage.
    expect(rows.map((r) => [r.title, r.community_id, r.status, r.source])).toEqual([
      ['燃气管道安全巡查', 'dongjiang', 'dispatched', 'proactive'], ['燃气管道安全巡查', 'xiguan', 'dispatched', 'proactive']]);
    const { rows: filings } = await stack.pool.query('SELECT community_id, whistle_id FROM proactive_filings WHERE round_id = $1 ORDER BY community_id', [round.id]);
    expect(filings.map((f) => f.community_id)).toEqual(['dongjiang', 'xiguan']);
  });

  test('the same occurrence run twice files once: the second meets the workflows the first started', async () => {
    const round = await create({ communityIds: ['xiguan'] });
    const workflowId = `${proactiveScheduleId(round.id)}-2030-01-01T01:00:00Z`;
    const start = () => stack.client.workflow.execute('proactiveRound', { workflowId, taskQueue: stack.config.taskQueue, args: [{ roundId: round.id }] });
    const first = await start() as ProactiveRun;
    const second = await start() as ProactiveRun;
    expect(first).toMatchObject({ occurrence: '2030-01-01T01:00:00.000Z', existing: [] });
    expect(first.filed).toHaveLength(1);
    first.filed.forEach((id) => whistles.add(id));
    expect(second).toMatchObject({ occurrence: '2030-01-01T01:00:00.000Z', filed: [], existing: first.filed });
    const { rows } = await stack.pool.query('SELECT whistle_id FROM proactive_filings WHERE round_id = $1', [round.id]);
    expect(rows.map((r) => r.whistle_id)).toEqual(first.filed);

    // The filing itself, retried: the same whistle, not created again.
    const file = startingProactiveWhistles({ pool: stack.pool, policy: stack.policy, client: () => stack.client, taskQueue: () => stack.config.taskQueue });
    const request = {
      roundId: round.id, occurrence: '2030-01-01T01:00:00.000Z', communityId: 'xiguan', title: round.title, description: round.description,
      category: round.category, list: round.list, departmentIds: round.departmentIds, leadDepartmentId: round.leadDepartmentId,
    };
    expect(await file(request)).toEqual({ whistleId: first.filed[0], created: false });
  });

  test('a deleted round\'s run (started before the delete) files nothing', async () => {
    const run = await stack.client.workflow.execute('proactiveRound', {
      workflowId: 'proactive-gone-2030-01-01T00:00:00Z', taskQueue: stack.config.taskQueue, args: [{ roundId: 'gone' }],
    }) as ProactiveRun;
    expect(run).toEqual({ roundId: 'gone', occurrence: '2030-01-01T00:00:00.000Z', found: false, filed: [], existing: [], skipped: [] });
  });

  test('the occurrence is the Schedule\'s scheduled time: the search attribute, else the workflow id\'s suffix', () => {
    const startTime = new Date('2030-05-01T00:00:03Z');
    expect(occurrenceOf({ workflowId: 'proactive-a-2030-05-01T00:00:00Z', startTime, scheduled: new Date('2030-05-01T00:00:00Z') }))
      .toBe('2030-05-01T00:00:00.000Z');
    expect(occurrenceOf({ workflowId: 'proactive-a-2030-05-01T00:00:00Z', startTime })).toBe('2030-05-01T00:00:00.000Z');
    expect(occurrenceOf({ workflowId: 'proactive-a', startTime })).toBe('2030-05-01T00:00:03.000Z');
  });
});

describe('pausing, unpausing and deleting', () => {
  test('pause and unpause reach the Schedule, each audited once; delete removes round and Schedule (204, then 404)', async () => {
    const round = await create();
    const handle = stack.client.schedule.getHandle(proactiveScheduleId(round.id));

    const paused = await stack.call('center', 'POST', `/v1/proactive/${round.id}/pause`);
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ id: round.id, paused: true, nextRunAt: null, updatedBy: 'center' });
    expect((await handle.describe()).state.paused).toBe(true);
    expect((await stack.call('center', 'POST', `/v1/proactive/${round.id}/pause`)).body.paused).toBe(true); // again: no change

    const unpaused = await stack.call('center', 'POST', `/v1/proactive/${round.id}/unpause`);
    expect(unpaused.status).toBe(200);
    expect(unpaused.body).toMatchObject({ paused: false, nextRunAt: nextFirstAtNine() });
    expect((await handle.describe()).state.paused).toBe(false);

    expect((await stack.call('wuhang', 'POST', `/v1/proactive/${round.id}/pause`)).status).toBe(403);
    expect((await stack.call('wuhang', 'DELETE', `/v1/proactive/${round.id}`)).status).toBe(403);
    const gone = await stack.call('center', 'DELETE', `/v1/proactive/${round.id}`);
    expect(gone.status).toBe(204);
    await expect(handle.describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
    expect((await stack.call('center', 'GET', '/v1/proactive')).body.items.map((r: { id: string }) => r.id)).not.toContain(round.id);
    for (const url of [`/v1/proactive/${round.id}`, `/v1/proactive/${round.id}/pause`]) {
      const res = await stack.call('center', url.endsWith('pause') ? 'POST' : 'DELETE', url);
      expect(res.status).toBe(404);
      expect(res.body.error.messageZh).toBe('没有这项未诉先办任务');
    }
    expect(await auditOf(round.id)).toEqual([
      { type: 'proactive_created', actor: 'center' }, { type: 'proactive_paused', actor: 'center' },
      { type: 'proactive_unpaused', actor: 'center' }, { type: 'proactive_deleted', actor: 'center' },
    ]);
  });
});
