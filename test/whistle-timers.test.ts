/**
 * Every deadline of the contract, with a fast policy (seconds): what happens when it passes,
 * and that acting in time prevents it.
 */
import { startStack, eventually, type Stack } from './support/stack';
import { fileWhistle, must, resolvedWhistle, types } from './support/whistles';

const s = (seconds: number) => ({ seconds });
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    policy: {
      street: { acceptWithin: s(2), acceptWithinUrgent: s(1), handleWithin: s(4) },
      center: { triageWithin: s(2) },
      department: { acceptWithin: s(2) },
      lists: { immediate: s(3), phased: s(60), understanding: s(3) },
      phased: { progressEvery: s(2) },
      evaluation: { window: s(2) },
    },
  });
});
afterAll(async () => { await stack.stop(); });

const view = async (id: string) => (await stack.call('center', 'GET', `/v1/whistles/${id}`)).body;
const notified = async (id: string, kind: string) =>
  (await stack.pool.query('SELECT recipient_org_id FROM notifications WHERE subject_id = $1 AND kind = $2 ORDER BY recipient_org_id', [id, kind]))
    .rows.map((r) => r.recipient_org_id as string);

test('the street not accepting in time makes the whistle overdue and tells the street, supervisors and the center; it stays with the street', async () => {
  const w = await fileWhistle(stack);
  const v = await eventually(async () => { const x = await view(w.id); return x.overdue && x; }, 10_000, 'overdue');
  expect(v).toMatchObject({ status: 'filed', holder: 'wuhang', overdue: true });
  expect(v.timeline.filter((e: { type: string }) => e.type !== 'due_soon').at(-1)).toMatchObject({ type: 'overdue', actor: 'system' });
  expect(await notified(w.id, 'overdue')).toEqual(['center', 'supervision', 'wuhang']);
});

test('the street handling deadline escalates to the center by itself (deadline_escalation)', async () => {
  const w = await fileWhistle(stack);
  await must(stack, 'wuhang', w.id, 'accept');
  const v = await eventually(async () => { const x = await view(w.id); return x.status === 'escalated' && x; }, 15_000, 'escalation');
  expect(v).toMatchObject({ holder: 'center', overdue: false });
  const entry = v.timeline.find((e: { type: string }) => e.type === 'deadline_escalation');
  expect(entry).toMatchObject({ actor: 'system' });
  expect(types(v)).not.toContain('overdue');
  expect(await notified(w.id, 'whistle_to_center')).toEqual(['center']);
});

test('an urgent whistle uses the urgent acceptance deadline', async () => {
  const urgent = await fileWhistle(stack, 'xiguan', { urgent: true });
  await eventually(async () => (await view(urgent.id)).overdue, 10_000, 'urgent overdue');
  const first = (await view(urgent.id)).timeline.find((e: { type: string }) => e.type === 'overdue');
  expect(Date.parse(first.at) - Date.parse(urgent.filedAt)).toBeLessThan(2000);
});

test('a street that resolves in time is never escalated', async () => {
  const w = await fileWhistle(stack);
  await must(stack, 'wuhang', w.id, 'accept');
  await must(stack, 'wuhang', w.id, 'resolve', { result: '已处理' });
  await new Promise((r) => setTimeout(r, 4500));
  expect(types(await view(w.id))).not.toContain('deadline_escalation');
});

test('the center not triaging in time makes it overdue; triage clears the flag for the departments', async () => {
  const w = await fileWhistle(stack);
  await must(stack, 'wuhang', w.id, 'escalate', { reason: '无权处理' });
  const v = await eventually(async () => { const x = await view(w.id); return x.overdue && x; }, 10_000, 'triage overdue');
  expect(v).toMatchObject({ status: 'escalated', holder: 'center' });
  expect(await notified(w.id, 'overdue')).toEqual(['center', 'supervision']);
  const dispatched = await must(stack, 'center', w.id, 'triage', { list: 'phased', departmentIds: ['urban'] });
  expect(dispatched.overdue).toBe(false);
});

test('departments not accepting, then missing the list deadline: overdue, supervisors and the center told', async () => {
  const w = await fileWhistle(stack);
  await must(stack, 'wuhang', w.id, 'escalate', { reason: '无权处理' });
  await must(stack, 'center', w.id, 'triage', { list: 'immediate', departmentIds: ['urban', 'water'], leadDepartmentId: 'urban' });
  await must(stack, 'urban', w.id, 'accept');
  const v = await eventually(async () => {
    const x = await view(w.id);
    return x.timeline.filter((e: { type: string }) => e.type === 'overdue').length >= 2 && x;
  }, 10_000, 'department overdue');
  expect(v).toMatchObject({ status: 'department_handling', overdue: true, holder: 'urban' });
  const late = await stack.pool.query("SELECT unit_id, data->>'deadline' AS deadline FROM whistle_events WHERE whistle_id = $1 AND type = 'overdue' ORDER BY seq", [w.id]);
  expect(late.rows).toEqual([{ unit_id: 'water', deadline: 'department.accept' }, { unit_id: 'urban', deadline: 'lists.immediate' }]);
  // One notification per late event and recipient: the late department, supervisors, the center.
  expect(await notified(w.id, 'overdue')).toEqual(['center', 'center', 'supervision', 'supervision', 'urban', 'water']);
});

test('a phased item without progress reminds its holder every period; progress resets the reminder', async () => {
  const w = await fileWhistle(stack);
  await must(stack, 'wuhang', w.id, 'escalate', { reason: '需分阶段' });
  await must(stack, 'center', w.id, 'triage', { list: 'phased', departmentIds: ['housing'] });
  await must(stack, 'housing', w.id, 'accept');
  const v = await eventually(async () => {
    const x = await view(w.id);
    return x.timeline.filter((e: { type: string }) => e.type === 'reminder').length >= 2 && x;
  }, 12_000, 'two reminders');
  expect(v.status).toBe('department_handling');
  const reminded = await notified(w.id, 'progress_reminder');
  expect(reminded.length).toBeGreaterThanOrEqual(2);
  expect(new Set(reminded)).toEqual(new Set(['housing']));
  // Reporting progress every second keeps reminders away.
  const before = types(await view(w.id)).filter((t) => t === 'reminder').length;
  for (let i = 0; i < 4; i++) {
    await must(stack, 'housing', w.id, 'progress', { note: `第${i + 1}阶段` });
    await new Promise((r) => setTimeout(r, 900));
  }
  const after = types(await view(w.id)).filter((t) => t === 'reminder').length;
  expect(after - before).toBeLessThanOrEqual(1);
});

test('no evaluation within the window closes the whistle with evaluation null (evaluation_expired)', async () => {
  const id = await resolvedWhistle(stack);
  const v = await eventually(async () => { const x = await view(id); return x.status === 'closed' && x; }, 10_000, 'closing');
  expect(v).toMatchObject({ evaluation: null, holder: null });
  expect(v.timeline.at(-1)).toMatchObject({ type: 'evaluation_expired', actor: 'system' });
  const late = await stack.call('xiguan', 'POST', `/v1/whistles/${id}/evaluate`, { rating: 'satisfied' });
  expect(late.status).toBe(409);
});
