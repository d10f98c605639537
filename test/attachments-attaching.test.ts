/**
 * Attaching uploads to a whistle or help request (what an action with `attachmentIds` does), who
 * sees them then, and the sweep of uploads nothing references after 24 hours.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { PoolClient } from 'pg';
import { MAX_ATTACHMENTS_PER_CALL } from '../domain/attachments';
import { createStorage } from '../lib/attachments/create-storage';
import { HttpError } from '../api/errors';
import { AttachmentVisibility } from '../api/services/attachment-visibility';
import { AttachmentService } from '../api/services/attachments';
import type { Account } from '../api/services/directory';
import { tempDir } from './support/processes';
import { photoForm, plainImage } from './support/photos';
import { eventually, startStack, type Stack } from './support/stack';

let stack: Stack;
let service: AttachmentService;
const folder = tempDir('whistle-attaching');
const xiguan: Account = { id: 'xiguan', role: 'community', orgId: 'xiguan', name: '西关社区' };
const dongguan: Account = { id: 'dongguan', role: 'community', orgId: 'dongguan', name: '东关社区' };
const wuhang: Account = { id: 'wuhang', role: 'street', orgId: 'wuhang', name: '吴航街道' };
const zhenghe: Account = { id: 'zhenghe', role: 'community', orgId: 'zhenghe', name: '郑和社区' };

beforeAll(async () => {
  stack = await startStack({ noWorker: true, env: { STORAGE_URL: `file:${folder}` } });
  service = stack.app.services.attachments;
});
afterAll(async () => {
  await stack?.stop();
  fs.rmSync(folder, { recursive: true, force: true });
});

async function uploads(as: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const form = photoForm(await plainImage('jpeg', 40 + i, 30));
    const res = await stack.app.inject({ method: 'POST', url: '/v1/attachments', payload: form.payload, headers: { authorization: `Bearer dev-${as}`, 'content-type': form.contentType } });
    expect(res.statusCode).toBe(201);
    ids.push(res.json().id);
  }
  return ids;
}

/** Runs `work` in a transaction that commits, as the action writing the whistle would. */
async function inTransaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await stack.pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}

async function rowsOf(ids: string[]) {
  const { rows } = await stack.pool.query(
    'SELECT id, attached_to_kind, attached_to_id, stage, attached_at IS NOT NULL AS attached FROM attachments WHERE id = ANY($1) ORDER BY id', [ids]);
  return rows;
}

async function refusal(work: () => Promise<unknown>): Promise<{ status: number; code: string; messageZh?: string }> {
  try {
    await work();
  } catch (err) {
    if (err instanceof HttpError) return { status: err.status, code: err.code, messageZh: err.messageZh };
    throw err;
  }
  throw new Error('accepted');
}

test('an action attaches the caller\'s own uploads to its whistle, with its stage, in the action\'s transaction', async () => {
  const ids = await uploads('xiguan', 2);
  expect(await service.checkAttachable(xiguan, ids)).toHaveLength(2);
  const attached = await inTransaction((client) => service.attach(client, xiguan, ids, { kind: 'whistle', id: 'w-attach-1' }, 'filing'));
  expect(attached.map((a) => [a.id, a.stage, a.attachedTo])).toEqual(ids.map((id) => [id, 'filing', { kind: 'whistle', id: 'w-attach-1' }]));
  expect(await rowsOf(ids)).toEqual([...ids].sort().map((id) => ({ id, attached_to_kind: 'whistle', attached_to_id: 'w-attach-1', stage: 'filing', attached: true })));
});

test('an action that fails after attaching leaves its uploads unattached (one transaction)', async () => {
  const ids = await uploads('xiguan', 1);
  await expect(inTransaction(async (client) => {
    await service.attach(client, xiguan, ids, { kind: 'help_request', id: 'h-1' }, 'complete');
    throw new Error('the action\'s own write failed');
  })).rejects.toThrow('own write failed');
  expect(await rowsOf(ids)).toEqual([{ id: ids[0], attached_to_kind: null, attached_to_id: null, stage: null, attached: false }]);
});

test('refused: more than 9, the same twice, someone else\'s, unknown, already used — 400 in Chinese, nothing changed', async () => {
  const mine = await uploads('xiguan', 10);
  const theirs = await uploads('dongguan', 1);
  const used = await uploads('xiguan', 1);
  await inTransaction((client) => service.attach(client, xiguan, used, { kind: 'whistle', id: 'w-used' }, 'progress'));
  const before = await rowsOf([...mine, ...theirs, ...used]);

  expect(mine).toHaveLength(MAX_ATTACHMENTS_PER_CALL + 1);
  const cases: Array<[string, string[], string]> = [
    ['ten at once', [...mine.slice(0, 9), theirs[0]], '每次最多附 9 张照片'],
    ['the same twice', [mine[0], mine[0]], '同一张照片不能重复附上'],
    ['someone else\'s', [mine[0], theirs[0]], '所附照片不存在或不是您上传的'],
    ['unknown', ['ffffffffffffffffffffffff'], '所附照片不存在或不是您上传的'],
    ['already used', [used[0]], '所附照片已经使用过，请重新上传'],
  ];
  for (const [what, ids, messageZh] of cases) {
    expect({ what, check: await refusal(() => service.checkAttachable(xiguan, ids)) })
      .toEqual({ what, check: { status: 400, code: 'validation_failed', messageZh } });
    expect({ what, attach: await refusal(() => inTransaction((client) => service.attach(client, xiguan, ids, { kind: 'whistle', id: 'w-new' }, 'progress'))) })
      .toEqual({ what, attach: { status: 400, code: 'validation_failed', messageZh } });
  }
  expect(await rowsOf([...mine, ...theirs, ...used])).toEqual(before);
});

test('a whistle holds at most 30 photos; the 31st is refused (a help request has no such limit)', async () => {
  const ids = await uploads('zhenghe', 31);
  const whistle = { kind: 'whistle' as const, id: 'w-thirty' };
  for (const batch of [ids.slice(0, 9), ids.slice(9, 18), ids.slice(18, 27), ids.slice(27, 30)]) {
    await inTransaction((client) => service.attach(client, zhenghe, batch, whistle, 'progress'));
  }
  expect(await refusal(() => inTransaction((client) => service.attach(client, zhenghe, ids.slice(30), whistle, 'resolve'))))
    .toEqual({ status: 400, code: 'validation_failed', messageZh: '最多可附 30 张照片，已有 30 张' });
  expect((await rowsOf(ids.slice(30)))[0]).toMatchObject({ attached: false });
  await inTransaction((client) => service.attach(client, zhenghe, ids.slice(30), { kind: 'help_request', id: 'h-thirty' }, 'filing'));
  expect((await rowsOf(ids.slice(30)))[0]).toMatchObject({ attached_to_kind: 'help_request', attached: true });
});

test('of two actions taking the same upload at once, the second waits for the first and is refused', async () => {
  const [id] = await uploads('xiguan', 1);
  const first = await stack.pool.connect();
  try {
    await first.query('BEGIN');
    await service.attach(first, xiguan, [id], { kind: 'whistle', id: 'w-race-1' }, 'progress');
    const second = inTransaction((client) => service.attach(client, xiguan, [id], { kind: 'whistle', id: 'w-race-2' }, 'resolve'))
      .then(() => 'attached', (err) => (err instanceof HttpError ? err.messageZh : String(err)));
    // The second is really waiting on the first's row lock before the first commits.
    await eventually(async () => {
      const { rows } = await stack.pool.query("SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%FROM attachments%FOR UPDATE%'");
      return rows.length > 0;
    }, 10_000, 'the second action to wait for the lock');
    await first.query('COMMIT');
    expect(await second).toBe('所附照片已经使用过，请重新上传');
  } finally {
    first.release();
  }
  expect(await rowsOf([id])).toEqual([{ id, attached_to_kind: 'whistle', attached_to_id: 'w-race-1', stage: 'progress', attached: true }]);
});

test('once attached, a photo is seen by whoever the subject\'s rule lets see it; without a rule, by no one', async () => {
  const [id] = await uploads('xiguan', 1);
  await inTransaction((client) => service.attach(client, xiguan, [id], { kind: 'whistle', id: 'w-seen' }, 'filing'));
  // No whistle w-seen exists, so the app's rule lets no one see it: the uploader no longer sees it alone.
  await expect(service.read(xiguan, id, 'image')).rejects.toMatchObject({ code: 'not_found' });
  expect((await stack.call('xiguan', 'GET', `/v1/attachments/${id}`)).status).toBe(404);

  const asked: Array<[string, string]> = [];
  const withRule = new AttachmentService({
    pool: stack.pool, storage: createStorage({ kind: 'file', folder }), logger: stack.app.log as never,
    visibility: new AttachmentVisibility({
      whistle: async (account, whistleId) => { asked.push([account.id, whistleId]); return account.id === 'xiguan' || account.orgId === 'wuhang'; },
    }),
  });
  expect((await withRule.read(wuhang, id, 'thumbnail')).contentType).toBe('image/jpeg');
  expect((await withRule.read(xiguan, id, 'image')).bytes.length).toBeGreaterThan(0);
  await expect(withRule.read(dongguan, id, 'image')).rejects.toMatchObject({ code: 'not_found', messageZh: '没有找到该照片' });
  expect(asked).toEqual([['wuhang', 'w-seen'], ['xiguan', 'w-seen'], ['dongguan', 'w-seen']]);
});

test('the sweep deletes uploads nothing references after 24 hours, rows and files, and keeps the rest', async () => {
  const [oldUnused, oldUsed, recent] = await uploads('wuhang', 3);
  await inTransaction((client) => service.attach(client, wuhang, [oldUsed], { kind: 'whistle', id: 'w-kept' }, 'filing'));
  await stack.pool.query("UPDATE attachments SET created_at = now() - interval '25 hours' WHERE id = ANY($1)", [[oldUnused, oldUsed]]);
  const file = (dir: string, id: string) => fs.existsSync(path.join(folder, dir, id));
  expect([file('images', oldUnused), file('thumbnails', oldUnused)]).toEqual([true, true]);

  const result = await service.sweep();
  expect(result.deleted).toBe(1);
  expect((await rowsOf([oldUnused, oldUsed, recent])).map((r) => r.id).sort()).toEqual([oldUsed, recent].sort());
  expect([file('images', oldUnused), file('thumbnails', oldUnused)]).toEqual([false, false]);
  expect([file('images', oldUsed), file('images', recent), file('thumbnails', recent)]).toEqual([true, true, true]);
  await expect(service.read(wuhang, oldUnused, 'image')).rejects.toMatchObject({ code: 'not_found' });
  expect((await service.read(wuhang, recent, 'image')).contentType).toBe('image/jpeg');
  // An upload swept cannot be attached afterwards.
  expect(await refusal(() => service.checkAttachable(wuhang, [oldUnused]))).toMatchObject({ status: 400 });
});
