/**
 * Not part of `npm test`: `npm run record:histories` records whistle histories under
 * test/histories/ for the replay test. Run it when a deliberate, patched change to the
 * workflow needs new histories; keep the old ones so running whistles stay covered.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import path from 'node:path';
import { startStack, type Stack } from './support/stack';
import { fileWhistle, must } from './support/whistles';

const run = promisify(execFile);
/**
 * Appended to the file names. Give each deliberate change of the workflow's commands a new
 * suffix, so that the histories recorded before it stay and keep being replayed.
 * Generations: (none) projection as an activity; `local-projection` since the patch
 * `projection-as-local-activity`; `second-round` since the patch `second-round` (the API plans
 * the deadlines, actions answer at once, warnings, extensions, final dispatch, merging, calendar
 * changes) and, for help requests, `help-calendar-changes`; `lean-tasks` since the patch
 * `lean-tasks` (one condition per wait, no empty department list sent at filing).
 */
const GENERATION = 'lean-tasks';
/** The help request's own generation (its workflow did not change with the whistle's). */
const HELP_GENERATION = 'second-round';
let stack: Stack;
beforeAll(async () => { stack = await startStack({ policy: { street: { acceptWithin: { seconds: 1 } }, evaluation: { window: { seconds: 1 } } } }); });
afterAll(async () => { await stack.stop(); });

const save = async (name: string, workflowId: string, generation = GENERATION) => {
  const dir = path.join(__dirname, 'histories');
  const file = path.join(dir, `${name}.${generation}.json`);
  // A history of this generation recorded before stays as it is (its workflow did not change).
  if (generation !== GENERATION && fs.existsSync(file)) return;
  fs.mkdirSync(dir, { recursive: true });
  await stack.client.workflow.getHandle(workflowId).result();
  // The CLI's JSON form is what `Worker.runReplayHistory` and the Temporal UI read.
  const { stdout } = await run(process.env.WHISTLE_TEST_TEMPORAL_CLI!, ['workflow', 'show', '--workflow-id', workflowId,
    '--output', 'json', '--address', process.env.WHISTLE_TEST_TEMPORAL!, '--namespace', 'default'], { maxBuffer: 64 * 1024 * 1024 });
  fs.writeFileSync(file, `${JSON.stringify(JSON.parse(stdout), null, 1)}\n`);
};
const dueAt = async (id: string) => (await stack.call('center', 'GET', `/v1/whistles/${id}`)).body.dueAt as string;
const after = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('records whistle and help histories for the replay test', async () => {
  // 1. The full path: extensions approved and rejected, returns with kinds, reopen, second resolution.
  const a = await fileWhistle(stack, 'xiguan', { urgent: true });
  await must(stack, 'wuhang', a.id, 'accept');
  await must(stack, 'wuhang', a.id, 'progress', { note: '已查看' });
  await must(stack, 'supervision', a.id, 'urge', { note: '请加快' });
  await must(stack, 'wuhang', a.id, 'request-extension', { until: after(await dueAt(a.id), 5000), reason: '需协调' });
  await must(stack, 'center', a.id, 'decide-extension', { approve: true, note: '同意' });
  await must(stack, 'wuhang', a.id, 'escalate', { reason: '无权处理' });
  await must(stack, 'center', a.id, 'triage', { list: 'immediate', departmentIds: ['urban', 'water'], leadDepartmentId: 'urban' });
  await must(stack, 'water', a.id, 'return', { reason: '不属于本部门', kind: 'not_our_area' });
  await must(stack, 'center', a.id, 'triage', { list: 'phased', departmentIds: ['urban'] });
  await must(stack, 'urban', a.id, 'accept');
  await must(stack, 'urban', a.id, 'request-extension', { until: after(await dueAt(a.id), 5000), reason: '材料未到' });
  await must(stack, 'center', a.id, 'decide-extension', { approve: false, note: '请按时办结' });
  await must(stack, 'urban', a.id, 'resolve', { result: '已修复' });
  await must(stack, 'xiguan', a.id, 'evaluate', { rating: 'unsatisfied' });
  await must(stack, 'center', a.id, 'triage', { list: 'understanding', departmentIds: ['planning'] });
  await must(stack, 'planning', a.id, 'accept');
  await must(stack, 'planning', a.id, 'resolve', { result: '政策限制，已解释' });
  await must(stack, 'xiguan', a.id, 'evaluate', { rating: 'basically_satisfied' });
  // 2. Street resolves, evaluation window expires.
  const b = await fileWhistle(stack);
  await must(stack, 'wuhang', b.id, 'accept');
  await must(stack, 'wuhang', b.id, 'resolve', { result: '已处理' });
  // 3. Overdue, warned (临期预警), a calendar change, then withdrawn.
  const c = await fileWhistle(stack);
  await pause(5000);
  await stack.client.workflow.getHandle(`whistle-${c.id}`).signal('calendarChanged', { changeId: 'recorded-change' });
  await pause(500);
  await must(stack, 'xiguan', c.id, 'withdraw', { reason: '已自行解决' });
  // 4. A repeat merged into its original; the original resolved (feedback to both) and closed.
  const d = await fileWhistle(stack, 'dongguan');
  const e = await fileWhistle(stack, 'dongguan-dongfang');
  await must(stack, 'wuhang', e.id, 'merge', { into: d.id, note: '同一问题' });
  await pause(500);
  await must(stack, 'wuhang', d.id, 'accept');
  await must(stack, 'wuhang', d.id, 'resolve', { result: '已处理' });
  await must(stack, 'dongguan', d.id, 'evaluate', { rating: 'satisfied' });
  // 5. Returned twice: the third dispatch is final (终审).
  const f = await fileWhistle(stack);
  await must(stack, 'wuhang', f.id, 'escalate', { reason: '无权处理' });
  await must(stack, 'center', f.id, 'triage', { list: 'immediate', departmentIds: ['water'] });
  await must(stack, 'water', f.id, 'return', { reason: '非本单位职能', kind: 'not_our_function' });
  await must(stack, 'center', f.id, 'triage', { list: 'immediate', departmentIds: ['urban'] });
  await must(stack, 'urban', f.id, 'return', { reason: '非本单位职责' });
  await must(stack, 'center', f.id, 'triage', { list: 'immediate', departmentIds: ['housing'] });
  await must(stack, 'housing', f.id, 'accept');
  await must(stack, 'housing', f.id, 'resolve', { result: '已处理' });
  await must(stack, 'xiguan', f.id, 'evaluate', { rating: 'satisfied' });
  // 6. An extension request that lapses: the handling deadline escalates it anyway.
  const g = await fileWhistle(stack);
  await must(stack, 'wuhang', g.id, 'accept');
  await must(stack, 'wuhang', g.id, 'request-extension', { until: after(await dueAt(g.id), 60_000), reason: '来不及了' });
  await pause(7500);
  await must(stack, 'center', g.id, 'triage', { list: 'immediate', departmentIds: ['urban'] });
  await must(stack, 'urban', g.id, 'accept');
  await must(stack, 'urban', g.id, 'resolve', { result: '已处理' });
  await must(stack, 'xiguan', g.id, 'evaluate', { rating: 'satisfied' });
  for (const [name, id] of [['whistle-full-path', a.id], ['whistle-evaluation-expired', b.id], ['whistle-withdrawn-overdue', c.id],
    ['whistle-merged-original', d.id], ['whistle-merged', e.id], ['whistle-final-dispatch', f.id], ['whistle-extension-lapsed', g.id]]) {
    await save(name, `whistle-${id}`);
  }
  // Help: a calendar change while pending verification, then the whole board.
  const posted = await stack.call('xiguan-resident-1', 'POST', '/v1/help-requests', { title: '陪同就医', description: '需要陪同', communityId: 'xiguan' });
  const h = posted.body.id as string;
  await stack.client.workflow.getHandle(`help-${h}`).signal('calendarChanged', { changeId: 'recorded-change' });
  await pause(500);
  await stack.call('xiguan', 'POST', `/v1/help-requests/${h}/verify`, { approve: true });
  await stack.call('xiguan-member-1', 'POST', `/v1/help-requests/${h}/claim`,
    { appointmentAt: new Date(Date.now() + 3_600_000).toISOString(), place: '江景花园' });
  await stack.call('xiguan-member-1', 'POST', `/v1/help-requests/${h}/check-in`);
  await stack.call('xiguan-member-1', 'POST', `/v1/help-requests/${h}/complete`, { note: '已陪同' });
  await stack.call('xiguan-resident-1', 'POST', `/v1/help-requests/${h}/confirm`, { rating: 5 });
  await save('help-calendar-change', `help-${h}`, HELP_GENERATION);
}, 120_000);
