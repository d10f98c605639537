/**
 * Personal data retention (个人信息保护): the reporter's name and phone are erased from PostgreSQL
 * `retention.reporterDays` calendar days after the whistle is closed, withdrawn or merged (a
 * merged whistle counts from its original's closing or withdrawal); the notice board then shows
 * `*`. The sweep is a workflow that the `reporter-retention` Schedule starts every day; here the
 * Schedule has its own id on this file's task queue and is triggered by hand, with
 * `retention.reporterDays: 0`. This file has its own database (the sweep erases every due reporter).
 */
import { eraseExpiredReporters } from '../activities/retention';
import { projectWhistle } from '../lib/read-model/whistles';
import { projectionQuery, whistleWorkflowId } from '../workflows/messages';
import { ensureSchedules, type ScheduleIds } from '../lib/schedules';
import type { RetentionSweep } from '../activities/types';
import { scheduledStack, triggerAndWait } from './support/schedules';
import { filing, quietPolicy, type Stack } from './support/stack';

let stack: Stack;
let ids: ScheduleIds;
scheduledStack('retention', { ...quietPolicy(900), retention: { reporterDays: 0 } }, (started) => ({ stack, ids } = started));

async function ok(as: string | null, method: 'GET' | 'POST', url: string, body?: unknown) {
  const res = await stack.call(as, method, url, body);
  if (res.status >= 300) throw new Error(`${as} ${method} ${url} → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function reporterOf(id: string): Promise<{ name: string | null; phone: string | null; erasedAt: Date | null }> {
  const { rows } = await stack.pool.query(
    `SELECT w.reporter_name AS name, r.phone, w.reporter_erased_at AS "erasedAt"
       FROM whistles w LEFT JOIN whistle_reporters r ON r.whistle_id = w.id WHERE w.id = $1`, [id]);
  return rows[0];
}

/** A read-model row of a merged whistle (the merge action is the whistle workflow's), with its reporter. */
async function mergedFixture(id: string, into: string, name: string, phone: string) {
  await stack.pool.query(
    `INSERT INTO whistles (id, version, status, category, filer_org_id, community_id, street_id, filed_at, closed_at, reporter_name, duplicate_of, view)
     VALUES ($1, 3, 'merged', 'utilities', 'zhenghe', 'zhenghe', 'wuhang', now() - interval '1 hour', now() - interval '50 minutes', $2, $3, '{}')`,
    [id, name, into]);
  await stack.pool.query('INSERT INTO whistle_reporters (whistle_id, name, phone) VALUES ($1, $2, $3)', [id, name, phone]);
}

const whistle: Record<string, string> = {};

describe('the reporter-retention Schedule', () => {
  test('runs the sweep daily at 03:00 Asia/Shanghai; creating it again changes nothing', async () => {
    const found = await stack.client.schedule.getHandle(ids.retention).describe();
    expect(found.spec.timezone).toBe('Asia/Shanghai');
    expect(found.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 3, end: 3, step: 1 }], minute: [{ start: 0, end: 0, step: 1 }] });
    expect(found.action).toMatchObject({ type: 'startWorkflow', workflowType: 'reporterRetention', taskQueue: stack.config.taskQueue });
    expect(found.policies.overlap).toBe('SKIP');
    expect(await ensureSchedules(stack.client, stack.config.taskQueue, ids)).toEqual({ [ids.retention]: 'unchanged', [ids.publication]: 'unchanged', [ids.photos]: 'unchanged', [ids.suggestions]: 'unchanged' });
  });

  test('erases the name and phone of closed, withdrawn and merged whistles; the board then shows *', async () => {
    // Closed: resolved by the street and evaluated.
    whistle.closed = (await ok('zhenghe', 'POST', '/v1/whistles', filing({ title: '郑和路积水', reporter: { name: '李大爷', phone: '13800000001' } }))).id;
    await ok('wuhang', 'POST', `/v1/whistles/${whistle.closed}/accept`);
    await ok('wuhang', 'POST', `/v1/whistles/${whistle.closed}/resolve`, { result: '已疏通排水口' });
    await ok('zhenghe', 'POST', `/v1/whistles/${whistle.closed}/evaluate`, { rating: 'satisfied' });
    // Withdrawn.
    whistle.withdrawn = (await ok('zhenghe', 'POST', '/v1/whistles', filing({ title: '楼道堆物', reporter: { name: '王阿姨', phone: '13800000002' } }))).id;
    await ok('zhenghe', 'POST', `/v1/whistles/${whistle.withdrawn}/withdraw`, { reason: '已自行解决' });
    // Resolved (still open to evaluation) and open: kept.
    whistle.resolved = (await ok('zhenghe', 'POST', '/v1/whistles', filing({ title: '路灯闪烁', reporter: { name: '陈先生', phone: '13800000003' } }))).id;
    await ok('wuhang', 'POST', `/v1/whistles/${whistle.resolved}/accept`);
    await ok('wuhang', 'POST', `/v1/whistles/${whistle.resolved}/resolve`, { result: '已更换灯管' });
    whistle.open = (await ok('zhenghe', 'POST', '/v1/whistles', filing({ title: '井盖松动', reporter: { name: '赵师傅', phone: '13800000004' } }))).id;
    // Merged into the closed whistle (erased), and into the open one (kept until it ends).
    await mergedFixture('retention-merged-closed', whistle.closed, '孙女士', '13800000005');
    await mergedFixture('retention-merged-open', whistle.open, '周先生', '13800000006');

    const board = await ok(null, 'GET', '/v1/communities/zhenghe/board');
    expect(board.items.find((i: { id: string }) => i.id === whistle.closed).reporter).toEqual({ name: '李*' });

    const sweep = await triggerAndWait<RetentionSweep>(stack.client, ids.retention);
    expect(sweep).toMatchObject({ erased: 3, reporterDays: 0 });
    for (const id of [whistle.closed, whistle.withdrawn, 'retention-merged-closed']) {
      expect(await reporterOf(id)).toEqual({ name: null, phone: null, erasedAt: expect.any(Date) });
    }
    expect(await reporterOf(whistle.resolved)).toMatchObject({ name: '陈先生', phone: '13800000003', erasedAt: null });
    expect(await reporterOf(whistle.open)).toMatchObject({ name: '赵师傅', phone: '13800000004', erasedAt: null });
    expect(await reporterOf('retention-merged-open')).toMatchObject({ name: '周先生', phone: '13800000006', erasedAt: null });

    const after = await ok(null, 'GET', '/v1/communities/zhenghe/board');
    expect(after.items.find((i: { id: string }) => i.id === whistle.closed).reporter).toEqual({ name: '*' });
    expect(after.items.find((i: { id: string }) => i.id === whistle.resolved).reporter).toEqual({ name: '陈*' });
    const page = await stack.call(null, 'GET', '/board/zhenghe');
    expect(page.body).not.toContain('李');
    expect(page.body).not.toContain('13800000001');
  });

  test('is idempotent: a second sweep erases nothing more', async () => {
    const again = await triggerAndWait<RetentionSweep>(stack.client, ids.retention);
    expect(again).toMatchObject({ erased: 0, orphans: 0 });
  });

  test('an erasure sticks: the projection written again (as reconcile --repair does) never brings the name back', async () => {
    const projection = await stack.client.workflow.getHandle(whistleWorkflowId(whistle.closed)).query(projectionQuery);
    expect(projection.reporterName).toBe('李大爷'); // Temporal's history keeps the name (never the phone) until namespace retention.
    await projectWhistle(stack.pool, projection);
    expect(await reporterOf(whistle.closed)).toEqual({ name: null, phone: null, erasedAt: expect.any(Date) });
  });
});

describe('the retention period', () => {
  test('counts calendar days from the end: a whistle closed 2 days ago is erased with 1 day and kept with 3', async () => {
    await mergedFixture('retention-old-duplicate', whistle.open, '吴先生', '13800000007');
    await stack.pool.query(
      `INSERT INTO whistles (id, version, status, category, filer_org_id, community_id, street_id, filed_at, closed_at, reporter_name, view)
       VALUES ('retention-old', 5, 'closed', 'roads', 'zhenghe', 'zhenghe', 'wuhang', now() - interval '9 days', now() - interval '2 days', '郑阿姨', '{}')`);
    await stack.pool.query("INSERT INTO whistle_reporters (whistle_id, name, phone) VALUES ('retention-old', '郑阿姨', '13800000008')");
    // A merged whistle whose original closed 2 days ago.
    await stack.pool.query("UPDATE whistles SET duplicate_of = 'retention-old' WHERE id = 'retention-old-duplicate'");
    expect(await eraseExpiredReporters(stack.pool, 3)).toMatchObject({ erased: 0 });
    expect(await reporterOf('retention-old')).toMatchObject({ name: '郑阿姨', phone: '13800000008' });
    expect(await eraseExpiredReporters(stack.pool, 1)).toMatchObject({ erased: 2 });
    expect(await reporterOf('retention-old')).toEqual({ name: null, phone: null, erasedAt: expect.any(Date) });
    expect(await reporterOf('retention-old-duplicate')).toEqual({ name: null, phone: null, erasedAt: expect.any(Date) });
  });

  test('a phone row whose filing never became a whistle is deleted once older than the period (and a day)', async () => {
    await stack.pool.query(
      "INSERT INTO whistle_reporters (whistle_id, name, phone, created_at) VALUES ('never-started', '钱先生', '13800000009', now() - interval '3 days'), ('in-flight', '冯女士', '13800000010', now())");
    expect(await eraseExpiredReporters(stack.pool, 0)).toMatchObject({ orphans: 1 });
    const { rows } = await stack.pool.query("SELECT whistle_id FROM whistle_reporters WHERE whistle_id IN ('never-started', 'in-flight')");
    expect(rows).toEqual([{ whistle_id: 'in-flight' }]);
  });
});
