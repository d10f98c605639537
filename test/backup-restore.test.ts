/**
 * The backup and restore drill (docs/OPERATIONS.md): whistles are filed and moved along, the
 * stack is stopped, `npm run backup` copies PostgreSQL, the Temporal dev server's SQLite file and
 * the photos (STORAGE_URL's folder), all three are destroyed, `npm run restore` puts them back
 * (a whistle's photo is served again, byte for byte), and after a restart
 * `npm run reconcile -- --all` finds no drift and a deadline that was pending at the backup fires.
 * A dev server with a database file of its own and a database of its own, so nothing else is touched.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { createDatabase, ROOT, startFileTemporal, tempDir, type FileTemporal, type ThrowawayDatabase } from './support/processes';
import { photoForm, plainImage } from './support/photos';
import { TEST_PEPPER } from './support/constants';
import { eventually, filing, quietPolicy, startStack, type Stack } from './support/stack';

const run = promisify(execFile);
/** The street's handling deadline: long enough to be pending at the backup, short enough to fire after the restore. */
const HANDLE_SECONDS = 40;

let dir: string;
let temporal: FileTemporal;
let db: ThrowawayDatabase;
let stack: Stack | undefined;
const taskQueue = `backup-${process.pid}`;
const ids: Record<string, string> = {};

const policy = { ...quietPolicy(900), street: { acceptWithin: { seconds: 900 }, acceptWithinUrgent: { seconds: 900 }, handleWithin: { seconds: HANDLE_SECONDS } } };
const photosDir = () => path.join(dir, 'photos');
const open = () => startStack({
  policy, env: { TEMPORAL_ADDRESS: temporal.address, DATABASE_URL: db.url, TEMPORAL_TASK_QUEUE: taskQueue, STORAGE_URL: `file:${photosDir()}` },
});

function env(): NodeJS.ProcessEnv {
  return {
    ...process.env, DATABASE_URL: db.url, TEMPORAL_DB_FILE: temporal.dbFile, TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: taskQueue, API_KEY_PEPPER: TEST_PEPPER, LOG_LEVEL: 'silent', STORAGE_URL: `file:${photosDir()}`,
  };
}

async function command(script: string, ...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run('npx', ['tsx', `scripts/${script}.ts`, ...args], { cwd: ROOT, env: env(), timeout: 120_000 });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: `${e.stdout}${e.stderr}` };
  }
}

async function ok(as: string, method: 'GET' | 'POST', url: string, body?: unknown) {
  const res = await stack!.call(as, method, url, body);
  if (res.status >= 300) throw new Error(`${as} ${method} ${url} → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

beforeAll(async () => {
  dir = tempDir('whistle-backup');
  temporal = await startFileTemporal(dir);
  db = await createDatabase('backup', TEST_PEPPER);
  stack = await open();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await temporal?.stop();
  await db?.drop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('whistles filed and moved along, backed up, both stores destroyed and restored: no drift, and a pending deadline fires', async () => {
  // Closed: the street resolved it and the community was satisfied. Filed with a photo (附件).
  const form = photoForm(await plainImage('jpeg', 120, 90));
  const uploaded = await stack!.app.inject({
    method: 'POST', url: '/v1/attachments', payload: form.payload, headers: { authorization: 'Bearer dev-zhenghe', 'content-type': form.contentType },
  });
  expect(uploaded.statusCode).toBe(201);
  const photo = uploaded.json().id as string;
  ids.closed = (await ok('zhenghe', 'POST', '/v1/whistles', filing({ title: '郑和路积水', attachmentIds: [photo] }))).id;
  const photoBytes = (await stack!.app.inject({ method: 'GET', url: `/v1/attachments/${photo}`, headers: { authorization: 'Bearer dev-wuhang' } })).rawPayload;
  await ok('wuhang', 'POST', `/v1/whistles/${ids.closed}/accept`);
  await ok('wuhang', 'POST', `/v1/whistles/${ids.closed}/resolve`, { result: '已疏通' });
  await ok('zhenghe', 'POST', `/v1/whistles/${ids.closed}/evaluate`, { rating: 'satisfied' });
  // With a department: escalated, dispatched, accepted.
  ids.department = (await ok('xiguan', 'POST', '/v1/whistles', filing({ title: '西关小区违章搭建' }))).id;
  await ok('wuhang', 'POST', `/v1/whistles/${ids.department}/escalate`, { reason: '需执法部门处理' });
  await ok('center', 'POST', `/v1/whistles/${ids.department}/triage`, { list: 'phased', departmentIds: ['urban'] });
  await ok('urban', 'POST', `/v1/whistles/${ids.department}/accept`);
  // Withdrawn.
  ids.withdrawn = (await ok('zhenghe', 'POST', '/v1/whistles', filing({ title: '楼道灯不亮' }))).id;
  await ok('zhenghe', 'POST', `/v1/whistles/${ids.withdrawn}/withdraw`, { reason: '物业已修' });
  // In the street's hands: its handling deadline is pending.
  ids.pending = (await ok('zhenghe', 'POST', '/v1/whistles', filing({ title: '郑和广场井盖缺失' }))).id;
  await ok('wuhang', 'POST', `/v1/whistles/${ids.pending}/accept`);
  const before = await stack!.pool.query('SELECT id, status, version FROM whistles ORDER BY id');
  const phones = (await stack!.pool.query('SELECT count(*)::int AS n FROM whistle_reporters')).rows[0].n;
  expect(before.rows.find((r) => r.id === ids.pending).status).toBe('street_handling');

  // While the dev server runs, the backup is refused.
  await stack!.stop();
  stack = undefined;
  const refused = await command('backup', '--out', path.join(dir, 'refused'));
  expect(refused.code).toBe(1);
  expect(refused.out).toContain('stop it first');

  await temporal.stop();
  const backupDir = path.join(dir, 'backup');
  const made = await command('backup', '--out', backupDir);
  expect(made).toMatchObject({ code: 0 });
  const manifest = JSON.parse(fs.readFileSync(path.join(backupDir, 'manifest.json'), 'utf8'));
  expect(Object.keys(manifest.files).sort()).toEqual(['temporal.db', 'whistle.pgdump']);
  expect(manifest.photos).toMatchObject({ objects: 2, storage: `file:${photosDir()}` });
  expect(fs.readdirSync(path.join(backupDir, 'photos')).sort()).toEqual(['images', 'thumbnails']);
  expect(JSON.stringify(manifest)).not.toContain('postgres@');

  // Every store destroyed: the database, Temporal's file, the photos.
  await db.drop();
  fs.rmSync(photosDir(), { recursive: true, force: true });
  for (const f of fs.readdirSync(dir).filter((f) => f.startsWith('temporal.db'))) fs.rmSync(path.join(dir, f));
  expect(fs.existsSync(temporal.dbFile)).toBe(false);

  const restored = await command('restore', '--from', backupDir);
  expect(restored).toMatchObject({ code: 0 });
  // A second restore over the restored stores needs --replace.
  const again = await command('restore', '--from', backupDir);
  expect(again.code).toBe(1);
  expect(again.out).toContain('--replace');

  const restartedAt = Date.now();
  await temporal.restart();
  stack = await open();
  const after = await stack.pool.query('SELECT id, status, version FROM whistles ORDER BY id');
  // As they were (the pending one may already have moved on: its deadline passed while the stack was down).
  const settled = (rows: Array<{ id: string }>) => rows.filter((r) => r.id !== ids.pending);
  expect(settled(after.rows)).toEqual(settled(before.rows));
  expect(after.rows.map((r) => r.id)).toEqual(before.rows.map((r) => r.id));
  expect((await stack.pool.query('SELECT count(*)::int AS n FROM whistle_reporters')).rows[0].n).toBe(phones);
  // The photo is back: listed on its whistle and served byte for byte.
  expect((await ok('wuhang', 'GET', `/v1/whistles/${ids.closed}`)).attachments.map((a: { id: string }) => a.id)).toEqual([photo]);
  const served = await stack.app.inject({ method: 'GET', url: `/v1/attachments/${photo}`, headers: { authorization: 'Bearer dev-wuhang' } });
  expect(served.statusCode).toBe(200);
  expect(Buffer.compare(served.rawPayload, photoBytes)).toBe(0);
  expect((await stack.app.inject({ method: 'GET', url: `/v1/attachments/${photo}/thumbnail`, headers: { authorization: 'Bearer dev-wuhang' } })).statusCode).toBe(200);

  const reconcile = await command('reconcile', '--all', '--settle', '2');
  expect(reconcile.out).toMatch(/checked \d+ whistles .*: 0 difference\(s\)/);
  expect(reconcile.code).toBe(0);

  // The deadline that was pending at the backup fires: the street's handling time passes, the whistle escalates.
  const escalated = await eventually(async () => {
    const view = await ok('center', 'GET', `/v1/whistles/${ids.pending}`);
    return view.status === 'escalated' ? view : undefined;
  }, 90_000, 'the pending deadline to fire after the restore');
  expect(escalated.timeline.map((t: { type: string }) => t.type)).toContain('deadline_escalation');
  // The other whistles go on: the department can still act on its own.
  await ok('urban', 'POST', `/v1/whistles/${ids.department}/progress`, { note: '已下达整改通知' });
  const drift = reconcile.out.match(/(\d+) difference/)?.[1];
  console.log(`backup/restore drill: ${after.rows.length} whistles restored, reconcile drift ${drift}, ` +
    `pending deadline fired ${((Date.now() - restartedAt) / 1000).toFixed(1)} s after the restart; ` +
    `backup ${(manifest.files['whistle.pgdump'].bytes / 1024).toFixed(0)} KiB + ${(manifest.files['temporal.db'].bytes / 1024).toFixed(0)} KiB`);
}, 300_000);
