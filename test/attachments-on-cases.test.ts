/**
 * Photos on cases (附件), through the API with a real worker: `attachmentIds` on filing, the
 * actions and neighbour help attach the caller's own uploads with the call — listed on the view,
 * named by the call's timeline entry, seen by whoever sees the whistle (not_found for anyone
 * else) — and nothing is attached when the call is refused. The hourly sweep deletes what nothing
 * references and keeps (attaches) what a timeline entry names.
 */
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from './support/processes';
import { photoForm, plainImage } from './support/photos';
import { createTestSchedules, deleteTestSchedules, triggerAndWait } from './support/schedules';
import { startStack, type Stack } from './support/stack';
import { act, dispatchedWhistle, fileWhistle, must } from './support/whistles';
import type { ScheduleIds } from '../lib/schedules';

let stack: Stack;
let schedules: ScheduleIds;
const folder = tempDir('whistle-photos-on-cases');

beforeAll(async () => {
  stack = await startStack({
    env: { STORAGE_URL: `file:${folder}` },
    policy: { help: { verifyWithin: { seconds: 600 }, claimWithin: { seconds: 600 }, checkInGrace: { seconds: 600 }, confirmWithin: { seconds: 600 } } },
  });
  schedules = await createTestSchedules(stack.client, stack.config.taskQueue);
});
afterAll(async () => {
  await deleteTestSchedules(stack?.client, schedules);
  await stack?.stop();
  fs.rmSync(folder, { recursive: true, force: true });
});

async function upload(as: string, count = 1): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const form = photoForm(await plainImage('jpeg', 80 + i, 60));
    const res = await stack.app.inject({
      method: 'POST', url: '/v1/attachments', payload: form.payload, headers: { authorization: `Bearer dev-${as}`, 'content-type': form.contentType },
    });
    expect(res.statusCode).toBe(201);
    ids.push(res.json().id);
  }
  return ids;
}

const image = (as: string, id: string, variant = '') => stack.call(as, 'GET', `/v1/attachments/${id}${variant}`);

async function attachedTo(id: string) {
  const { rows: [row] } = await stack.pool.query('SELECT attached_to_kind AS kind, attached_to_id AS "subjectId", stage FROM attachments WHERE id = $1', [id]);
  return row ?? null;
}

const photoEntry = (view: { timeline: Array<{ type: string; attachmentIds?: string[] }> }) =>
  view.timeline.filter((e) => e.attachmentIds).map((e) => [e.type, e.attachmentIds]);

test('filing with photos: the view lists them, the filed entry names them; the center and the filer see them, a department not dispatched does not', async () => {
  const photos = await upload('xiguan', 2);
  const filed = await fileWhistle(stack, 'xiguan', { attachmentIds: photos });
  expect(filed.attachments).toEqual(photos.map((id) => ({
    id, contentType: 'image/jpeg', bytes: expect.any(Number), width: expect.any(Number), height: 60, stage: 'filing',
    uploadedBy: 'xiguan', uploadedAt: expect.any(String),
  })));
  const view = (await stack.call('center', 'GET', `/v1/whistles/${filed.id}`)).body;
  expect(view.attachments.map((a: { id: string }) => a.id)).toEqual(photos);
  expect(photoEntry(view)).toEqual([['filed', photos]]);

  expect((await image('center', photos[0])).status).toBe(200);
  expect((await image('wuhang', photos[1], '/thumbnail')).status).toBe(200);
  expect((await image('xiguan', photos[0])).status).toBe(200);
  // 城管 (urban) was never dispatched: the photo does not exist for it, as the whistle does not.
  expect((await stack.call('urban', 'GET', `/v1/whistles/${filed.id}`)).status).toBe(404);
  expect((await image('urban', photos[0])).status).toBe(404);
  expect((await image('dongguan', photos[0], '/thumbnail')).status).toBe(404);
});

test('a department attaches photos to progress and resolve; a dispatched department sees all of them', async () => {
  const id = await dispatchedWhistle(stack, ['urban']);
  await must(stack, 'urban', id, 'accept');
  const [p1] = await upload('urban');
  const progressed = await must(stack, 'urban', id, 'progress', { note: '已到现场', attachmentIds: [p1] });
  expect(progressed.attachments.map((a: { id: string; stage: string }) => [a.id, a.stage])).toEqual([[p1, 'progress']]);
  const [p2, p3] = await upload('urban', 2);
  const resolved = await must(stack, 'urban', id, 'resolve', { result: '已疏通', attachmentIds: [p2, p3] });
  expect(resolved.attachments.map((a: { id: string; stage: string }) => [a.id, a.stage])).toEqual([[p1, 'progress'], [p2, 'resolve'], [p3, 'resolve']]);
  expect(photoEntry(resolved)).toEqual([['progress', [p1]], ['resolved', [p2, p3]]]);
  // The read model's view says the same.
  expect(photoEntry((await stack.call('xiguan', 'GET', `/v1/whistles/${id}`)).body)).toEqual([['progress', [p1]], ['resolved', [p2, p3]]]);
  expect((await image('xiguan', p3)).status).toBe(200);
  expect((await image('water', p3)).status).toBe(404);
});

test('someone else\'s upload, one used before, and ten at once are refused with 400 in Chinese, and nothing is done', async () => {
  const [theirs] = await upload('dongguan');
  const res = await stack.call('xiguan', 'POST', '/v1/whistles', {
    title: '路灯不亮', description: '西关路路灯不亮', category: 'utilities', attachmentIds: [theirs],
  });
  expect(res).toMatchObject({ status: 400, body: { error: { code: 'validation_failed', messageZh: '所附照片不存在或不是您上传的' } } });
  expect(await attachedTo(theirs)).toEqual({ kind: null, subjectId: null, stage: null });

  const [mine] = await upload('wuhang');
  const w = await fileWhistle(stack);
  await must(stack, 'wuhang', w.id, 'accept');
  await must(stack, 'wuhang', w.id, 'progress', { note: '已派人', attachmentIds: [mine] });
  const again = await act(stack, 'wuhang', w.id, 'progress', { note: '再次到场', attachmentIds: [mine] });
  expect(again).toMatchObject({ status: 400, body: { error: { code: 'validation_failed', messageZh: '所附照片已经使用过，请重新上传' } } });
  const view = (await stack.call('wuhang', 'GET', `/v1/whistles/${w.id}`)).body;
  expect(view.timeline.filter((e: { type: string }) => e.type === 'progress')).toHaveLength(1);

  const ten = await upload('wuhang', 10);
  expect(await act(stack, 'wuhang', w.id, 'escalate', { reason: '需区里协调', attachmentIds: ten }))
    .toMatchObject({ status: 400, body: { error: { messageZh: '每次最多附 9 张照片' } } });
  expect((await stack.call('wuhang', 'GET', `/v1/whistles/${w.id}`)).body.status).toBe('street_handling');
});

test('an action the workflow refuses (409) leaves its photos unattached, to be used again', async () => {
  const w = await fileWhistle(stack);
  const [photo] = await upload('wuhang');
  // Not accepted yet: progress is refused in status filed.
  const refused = await act(stack, 'wuhang', w.id, 'progress', { note: '现场查看', attachmentIds: [photo] });
  expect(refused.status).toBe(409);
  expect(await attachedTo(photo)).toEqual({ kind: null, subjectId: null, stage: null });
  expect((await image('center', photo)).status).toBe(404);
  expect((await image('wuhang', photo)).status).toBe(200);

  await must(stack, 'wuhang', w.id, 'accept');
  const escalated = await must(stack, 'wuhang', w.id, 'escalate', { reason: '涉及市政管网', attachmentIds: [photo] });
  expect(escalated.attachments.map((a: { id: string; stage: string }) => [a.id, a.stage])).toEqual([[photo, 'escalate']]);
  expect(await attachedTo(photo)).toEqual({ kind: 'whistle', subjectId: w.id, stage: 'escalate' });
});

test('a retried filing (same Idempotency-Key) answers the first whistle, its photos attached once', async () => {
  const photos = await upload('xiguan', 1);
  const headers = { 'idempotency-key': `photos-${Date.now()}` };
  const first = await fileWhistle(stack, 'xiguan', { attachmentIds: photos }, headers);
  const second = await fileWhistle(stack, 'xiguan', { attachmentIds: photos }, headers);
  expect(second.id).toBe(first.id);
  expect(second.attachments).toEqual(first.attachments);
});

test('a merged whistle\'s photos show on the original\'s page, and those who see the original see them', async () => {
  const original = await fileWhistle(stack, 'xiguan');
  const [photo] = await upload('dongguan');
  const duplicate = await fileWhistle(stack, 'dongguan', { attachmentIds: [photo] });
  await must(stack, 'wuhang', duplicate.id, 'merge', { into: original.id });
  const view = (await stack.call('xiguan', 'GET', `/v1/whistles/${original.id}`)).body;
  expect(view.attachments.map((a: { id: string }) => a.id)).toEqual([photo]);
  expect((await image('xiguan', photo, '/thumbnail')).status).toBe(200);
});

test('help: posted and completed with photos; the view lists them and the entries name them', async () => {
  const [posted] = await upload('xiguan-resident-1');
  const shanghaiIn = (ms: number) => new Date(Date.now() + ms + 8 * 3_600_000).toISOString().replace('Z', '+08:00');
  const res = await stack.call('xiguan-resident-1', 'POST', '/v1/help-requests', {
    title: '独居老人需要陪同就医', description: '王奶奶周五上午需要有人陪同去区医院复查。', communityId: 'xiguan', attachmentIds: [posted],
  });
  expect(res.status).toBe(201);
  const id = res.body.id as string;
  expect(res.body.attachments.map((a: { id: string; stage: string }) => [a.id, a.stage])).toEqual([[posted, 'filing']]);
  // Pending verification: the requester's community sees the photo; another community's member does not.
  expect((await image('xiguan', posted)).status).toBe(200);
  expect((await image('dongguan', posted)).status).toBe(404);

  await stack.call('xiguan', 'POST', `/v1/help-requests/${id}/verify`, { approve: true });
  await stack.call('xiguan-member-1', 'POST', `/v1/help-requests/${id}/claim`, { appointmentAt: shanghaiIn(3_600_000), place: '3号楼门口' });
  await stack.call('xiguan-member-1', 'POST', `/v1/help-requests/${id}/check-in`);
  const [done] = await upload('xiguan-member-1');
  const completed = await stack.call('xiguan-member-1', 'POST', `/v1/help-requests/${id}/complete`, { note: '已陪同复查', attachmentIds: [done] });
  expect(completed.status).toBe(200);
  expect(completed.body.attachments.map((a: { id: string; stage: string }) => [a.id, a.stage])).toEqual([[posted, 'filing'], [done, 'complete']]);
  const view = (await stack.call('xiguan-resident-1', 'GET', `/v1/help-requests/${id}`)).body;
  expect(photoEntry(view)).toEqual([['posted', [posted]], ['completed', [done]]]);
  // Open now: every account may see the request, and so its photos.
  expect((await image('dongguan', posted)).status).toBe(200);
});

test('the hourly sweep deletes an old upload nothing references and attaches one a timeline entry names', async () => {
  const [old, named, recent] = await upload('zhenghe', 3);
  // A filing whose commit never happened (the API died after the start): the entry names the upload, the row says unattached.
  const w = await fileWhistle(stack, 'zhenghe', { attachmentIds: [named] });
  await stack.pool.query('UPDATE attachments SET attached_to_kind = NULL, attached_to_id = NULL, stage = NULL, attached_at = NULL WHERE id = $1', [named]);
  await stack.pool.query("UPDATE attachments SET created_at = now() - interval '25 hours' WHERE id = ANY($1)", [[old, named]]);

  const sweep = await triggerAndWait<{ deleted: number; repaired: number }>(stack.client, schedules.photos);
  expect(sweep).toMatchObject({ deleted: expect.any(Number), repaired: 1 });
  expect(sweep.deleted).toBeGreaterThanOrEqual(1);
  expect(await attachedTo(old)).toBeNull();
  expect(fs.existsSync(path.join(folder, 'images', old))).toBe(false);
  expect(fs.existsSync(path.join(folder, 'thumbnails', old))).toBe(false);
  expect(await attachedTo(named)).toEqual({ kind: 'whistle', subjectId: w.id, stage: 'filing' });
  expect(await attachedTo(recent)).toEqual({ kind: null, subjectId: null, stage: null });
  expect((await image('wuhang', named)).status).toBe(200);
});
