/** Helpers that drive whistles through the API, step by step, for tests. */
import type { Stack } from './stack';
import { filing } from './stack';
import type { Json } from './json';

export async function fileWhistle(stack: Stack, as = 'xiguan', overrides: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const res = await stack.call(as, 'POST', '/v1/whistles', filing(overrides), headers);
  if (res.status !== 201) throw new Error(`filing failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; status: string; [k: string]: Json };
}

export async function act(stack: Stack, as: string, id: string, action: string, body?: unknown) {
  return stack.call(as, 'POST', `/v1/whistles/${id}/${action}`, body);
}

/** Performs an action that must succeed, returning the view. */
export async function must(stack: Stack, as: string, id: string, action: string, body?: unknown) {
  const res = await act(stack, as, id, action, body);
  if (res.status !== 200) throw new Error(`${action} by ${as} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A whistle of 西关社区 (street 吴航街道) escalated to the center. */
export async function escalatedWhistle(stack: Stack) {
  const w = await fileWhistle(stack);
  await must(stack, 'wuhang', w.id, 'escalate', { reason: '街道无权处理' });
  return w.id;
}

/** A whistle dispatched to `departments` (the first one leads). */
export async function dispatchedWhistle(stack: Stack, departments = ['urban'], list = 'immediate') {
  const id = await escalatedWhistle(stack);
  await must(stack, 'center', id, 'triage', { list, departmentIds: departments, leadDepartmentId: departments[0] });
  return id;
}

export async function resolvedWhistle(stack: Stack) {
  const w = await fileWhistle(stack);
  await must(stack, 'wuhang', w.id, 'accept');
  await must(stack, 'wuhang', w.id, 'resolve', { result: '已处理' });
  return w.id;
}

export const types = (view: { timeline: Array<{ type: string }> }) => view.timeline.map((e) => e.type);
