/**
 * Not part of `npm test`: `npm run record:histories` records whistle and help request histories
 * under test/histories/ for the replay tests. Run it when a deliberate, patched change to a
 * workflow needs new histories; keep the old ones so running workflows stay covered.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import path from 'node:path';
import { HISTORIES_DIR, historyFileName } from './support/replay';
import { eventually, startStack, type Stack } from './support/stack';
import { fileWhistle, must } from './support/whistles';

const run = promisify(execFile);
let stack: Stack;
beforeAll(async () => { stack = await startStack({ policy: { street: { acceptWithin: { seconds: 1 } }, evaluation: { window: { seconds: 1 } } } }); });
afterAll(async () => { await stack.stop(); });

/**
 * Saves a finished workflow's history as `<scenario>.<version>.json`, named by the newest version
 * whose patch marker it recorded (test/support/replay.ts: `whistle-full-path.next-deadline-only.json`),
 * or `<scenario>.json` without a marker. A history recorded before is never overwritten: it is
 * what running workflows of its version replay. A deliberate, patched change of the commands gives
 * the new histories a new version, hence new files; to record a version's history again, delete it.
 */
const save = async (scenario: string, workflowId: string) => {
  await stack.client.workflow.getHandle(workflowId).result();
  // The CLI's JSON form is what `Worker.runReplayHistory` and the Temporal UI read.
  const { stdout } = await run(process.env.WHISTLE_TEST_TEMPORAL_CLI!, ['workflow', 'show', '--workflow-id', workflowId,
    '--output', 'json', '--address', process.env.WHISTLE_TEST_TEMPORAL!, '--namespace', 'default'], { maxBuffer: 64 * 1024 * 1024 });
  const history = JSON.parse(stdout);
  const file = path.join(HISTORIES_DIR, historyFileName(scenario, history));
  if (fs.existsSync(file)) return;
  fs.mkdirSync(HISTORIES_DIR, { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(history, null, 1)}\n`);
  console.log(`recorded ${path.relative(process.cwd(), file)}`);
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
  await must(stack, 'center', a.id, 'triage', { list: 'phased', departmentIds: ['urban'], returnRuling: 'upheld' });
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
  // 4. A repeat merged into its original, which hears of it twice — from the API's mergedIn update
  //    and from the repeat's signal — and takes it once; the original resolved (feedback to both) and closed.
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
  await must(stack, 'center', f.id, 'triage', { list: 'immediate', departmentIds: ['urban'], returnRuling: 'rejected' });
  await must(stack, 'urban', f.id, 'return', { reason: '非本单位职责' });
  await must(stack, 'center', f.id, 'triage', { list: 'immediate', departmentIds: ['housing'], returnRuling: 'upheld' });
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
  // 7. The API's mergedIn update before any signal (the merged whistle's signal is usually first):
  //    sent here by itself, then the projection it leaves for a moment later, then closed.
  const m = await fileWhistle(stack, 'xiguan');
  await stack.client.workflow.getHandle(`whistle-${m.id}`).executeUpdate('mergedIn', {
    args: [{ id: 'recorded-repeat', filerOrgId: 'xiguan-jiangjing', communityId: 'xiguan', by: 'wuhang', note: '同一问题' }],
  });
  await pause(2500);
  await must(stack, 'wuhang', m.id, 'accept');
  await must(stack, 'wuhang', m.id, 'resolve', { result: '已处理' });
  await must(stack, 'xiguan', m.id, 'evaluate', { rating: 'satisfied' });
  // 8. 派单异议审核 and 回访: a return ruled on, resolved, called back, evaluated (it ends then: the callback was made).
  const k = await fileWhistle(stack, 'xiguan', { reporter: { name: '王阿姨', phone: '13900000000' } });
  await must(stack, 'wuhang', k.id, 'escalate', { reason: '无权处理' });
  await must(stack, 'center', k.id, 'triage', { list: 'immediate', departmentIds: ['water'] });
  await must(stack, 'water', k.id, 'return', { reason: '不属于本部门', kind: 'not_our_area' });
  await must(stack, 'center', k.id, 'triage', { list: 'immediate', departmentIds: ['water'], returnRuling: 'rejected' });
  await must(stack, 'water', k.id, 'accept');
  await must(stack, 'water', k.id, 'resolve', { result: '已处理' });
  await must(stack, 'center', k.id, 'callback', { reached: true, rating: 'satisfied', note: '群众满意' });
  await must(stack, 'xiguan', k.id, 'evaluate', { rating: 'satisfied' });
  // 9. 未诉先办: filed by the center dispatched, resolved, evaluated; closed, it waits out its callback window.
  const p = await stack.app.services.whistles.filing.fileProactive({ roundId: 'recorded-round', occurrence: '2026-01-01T00:00:00Z',
    communityId: 'dongguan', title: '汛前排水设施排查', description: '汛期前检查排水设施', category: 'utilities', list: 'immediate', departmentIds: ['water'] });
  await must(stack, 'water', p.id, 'accept');
  await must(stack, 'water', p.id, 'resolve', { result: '已疏通' });
  await must(stack, 'dongguan', p.id, 'evaluate', { rating: 'satisfied' });
  for (const [name, id] of [['whistle-callback', k.id], ['whistle-proactive', p.id], ['whistle-full-path', a.id], ['whistle-evaluation-expired', b.id], ['whistle-withdrawn-overdue', c.id],
    ['whistle-merged-original-told-twice', d.id], ['whistle-merged', e.id], ['whistle-final-dispatch', f.id], ['whistle-extension-lapsed', g.id],
    ['whistle-merged-in-update-first', m.id]]) {
    await save(name, `whistle-${id}`);
  }
  // Help: a calendar change while pending verification, then the whole board.
  const h = await post('xiguan-resident-1', 'xiguan');
  await stack.client.workflow.getHandle(`help-${h}`).signal('calendarChanged', { changeId: 'recorded-change' });
  await pause(500);
  await helpAct('xiguan', h, 'verify', { approve: true });
  await helpAct('xiguan-member-1', h, 'claim', { appointmentAt: new Date(Date.now() + 3_600_000).toISOString(), place: '江景花园' });
  await helpAct('xiguan-member-1', h, 'check-in');
  await helpAct('xiguan-member-1', h, 'complete', { note: '已陪同' });
  await helpAct('xiguan-resident-1', h, 'confirm', { rating: 5 });
  // Every deadline passing (the fast policy): the street reminded, the community told, a no-show, no confirmation.
  const t = await post('dongjiang-resident-1', 'dongjiang');
  await helpUntil(t, 'verification_reminder');
  await helpAct('dongjiang', t, 'verify', { approve: true });
  await helpUntil(t, 'unclaimed_notice');
  await helpAct('dongjiang-member-1', t, 'claim', { appointmentAt: new Date(Date.now() + 1000).toISOString(), place: '楼下' });
  await helpUntil(t, 'no_show');
  await helpAct('dongjiang-member-2', t, 'claim', { appointmentAt: new Date(Date.now() + 3_600_000).toISOString(), place: '楼下' });
  await helpAct('dongjiang-member-2', t, 'check-in');
  await helpAct('dongjiang-member-2', t, 'complete', { note: '已搬完' });
  await helpUntil(t, 'confirmation_expired');
  // Rejected by the community; cancelled by the requester.
  const r = await post('xiguan-resident-2', 'xiguan');
  await helpAct('xiguan', r, 'verify', { approve: false, reason: '不属于互助范围' });
  const c2 = await post('dongjiang-resident-2', 'dongjiang');
  await helpAct('dongjiang-resident-2', c2, 'cancel', { reason: '已解决' });
  for (const [name, id] of [['help-calendar-change', h], ['help-every-deadline-passed', t], ['help-rejected', r], ['help-cancelled', c2]]) {
    await save(name, `help-${id}`);
  }
}, 240_000);

async function post(as: string, communityId: string): Promise<string> {
  const res = await stack.call(as, 'POST', '/v1/help-requests', { title: '陪同就医', description: '需要陪同', communityId });
  expect(res.status).toBe(201);
  return res.body.id as string;
}
async function helpAct(as: string, id: string, action: string, body?: unknown) {
  const res = await stack.call(as, 'POST', `/v1/help-requests/${id}/${action}`, body);
  expect(res.status).toBe(200);
}
/** Until the request's timeline holds an entry of `type` (a deadline passed). */
async function helpUntil(id: string, type: string) {
  await eventually(async () => {
    const view = (await stack.call('center', 'GET', `/v1/help-requests/${id}`)).body as { timeline: Array<{ type: string }> };
    return view.timeline.some((e) => e.type === type);
  }, 20_000, `${type} on help request ${id}`);
}
