/**
 * Races: two actions, or an action and a deadline, at the same instant on the same whistle.
 * Whatever the order the workflow sees them in, there is exactly one outcome: the answers agree
 * with one serial order, the timeline holds exactly one terminal transition, and the read model
 * equals the workflow's `view` query.
 */
import { checkWhistle } from '../scripts/reconcile';
import { writeFigures } from './chaos/fleet';
import { eventually, startStack, type Stack } from './support/stack';
import { act, escalatedWhistle, fileWhistle, must, types } from './support/whistles';

const ROUNDS = Number(process.env.RACE_ROUNDS ?? 6);
const long = { seconds: 3600 };
const LONG_POLICY = {
  street: { acceptWithin: long, acceptWithinUrgent: long, handleWithin: long }, center: { triageWithin: long },
  department: { acceptWithin: long }, lists: { immediate: long, phased: long, understanding: long },
  phased: { progressEvery: long }, evaluation: { window: long },
};
const WINDOW_S = 2;
const HANDLE_S = 3;

/** Actions racing actions (deadlines far away). */
let stack: Stack;
/** Actions racing deadlines (a short evaluation window and street handling deadline). */
let timers: Stack;
const figures: Record<string, Record<string, number>> = {};

beforeAll(async () => {
  stack = await startStack({ policy: LONG_POLICY });
  timers = await startStack({
    policy: { ...LONG_POLICY, street: { ...LONG_POLICY.street, handleWithin: { seconds: HANDLE_S } }, evaluation: { window: { seconds: WINDOW_S } } },
  });
}, 60_000);
afterAll(async () => {
  writeFigures('races', figures);
  await stack?.stop();
  await timers?.stop();
});

function count(name: string, outcome: string) {
  figures[name] ??= {};
  figures[name][outcome] = (figures[name][outcome] ?? 0) + 1;
}

/** The read model catches up with the workflow and then equals it; returns the view. */
async function consistent(s: Stack, id: string) {
  await eventually(async () => (await checkWhistle(s.client, s.pool, id)).length === 0, 15_000, `read model of ${id} equal to its workflow`);
  return (await s.call('center', 'GET', `/v1/whistles/${id}`)).body;
}

const occurrences = (view: { timeline: Array<{ type: string }> }, type: string) => types(view).filter((t) => t === type).length;

async function handling(s: Stack, departments: string[]) {
  const id = await escalatedWhistle(s);
  await must(s, 'center', id, 'triage', { list: 'immediate', departmentIds: departments, leadDepartmentId: departments[0] });
  for (const d of departments) await must(s, d, id, 'accept');
  return id;
}

test(`the lead resolving while another department returns (${ROUNDS} rounds): exactly one succeeds`, async () => {
  for (let i = 0; i < ROUNDS; i++) {
    const id = await handling(stack, ['urban', 'water']);
    const [resolve, ret] = await Promise.all([
      act(stack, 'urban', id, 'resolve', { result: '已处理' }),
      act(stack, 'water', id, 'return', { reason: '不属于本部门' }),
    ]);
    expect([resolve.status, ret.status].sort()).toEqual([200, 409]);
    const view = await consistent(stack, id);
    expect(occurrences(view, 'resolved') + occurrences(view, 'returned')).toBe(1);
    expect(view.status).toBe(resolve.status === 200 ? 'resolved' : 'escalated');
    count('resolveVersusReturn', resolve.status === 200 ? 'resolved' : 'returned');
  }
}, 120_000);

test(`two departments returning at once (${ROUNDS} rounds): one return, the other refused`, async () => {
  for (let i = 0; i < ROUNDS; i++) {
    const id = await handling(stack, ['urban', 'water']);
    const answers = await Promise.all(['urban', 'water'].map((d) => act(stack, d, id, 'return', { reason: '不属于本部门' })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const view = await consistent(stack, id);
    expect(occurrences(view, 'returned')).toBe(1);
    expect(view.status).toBe('escalated');
    count('twoReturns', 'one');
  }
}, 120_000);

test(`two center operators triaging at once (${ROUNDS} rounds): one dispatch`, async () => {
  for (let i = 0; i < ROUNDS; i++) {
    const id = await escalatedWhistle(stack);
    const answers = await Promise.all([
      act(stack, 'center', id, 'triage', { list: 'immediate', departmentIds: ['urban'] }),
      act(stack, 'center', id, 'triage', { list: 'phased', departmentIds: ['water'] }),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const view = await consistent(stack, id);
    expect(occurrences(view, 'triaged')).toBe(1);
    const winner = answers.find((a) => a.status === 200)!.body;
    expect(view.departments).toEqual(winner.departments);
    count('twoTriages', 'one');
  }
}, 120_000);

test(`the center triaging while a department returns (${ROUNDS} rounds): the answers match one serial order`, async () => {
  for (let i = 0; i < ROUNDS; i++) {
    const id = await handling(stack, ['urban', 'water']);
    const [ret, triage] = await Promise.all([
      act(stack, 'water', id, 'return', { reason: '不属于本部门' }),
      act(stack, 'center', id, 'triage', { list: 'phased', departmentIds: ['housing'], returnRuling: 'upheld' }),
    ]);
    // The return always wins (triage needs `escalated`); the triage succeeds only if it came after.
    expect(ret.status).toBe(200);
    expect([200, 409]).toContain(triage.status);
    const view = await consistent(stack, id);
    const tl = types(view);
    expect(occurrences(view, 'returned')).toBe(1);
    if (triage.status === 200) {
      expect(tl.slice(-3)).toEqual(['returned', 'return_ruled', 'triaged']);
      expect(view).toMatchObject({ status: 'dispatched', holder: 'housing' });
    } else {
      expect(tl.at(-1)).toBe('returned');
      expect(view).toMatchObject({ status: 'escalated', holder: 'center' });
    }
    count('triageVersusReturn', triage.status === 200 ? 'return then triage' : 'triage refused');
  }
}, 120_000);

test(`the street accepting twice at once, and accepting while the community withdraws (${ROUNDS} rounds)`, async () => {
  for (let i = 0; i < ROUNDS; i++) {
    const w = await fileWhistle(stack);
    const twice = await Promise.all([act(stack, 'wuhang', w.id, 'accept'), act(stack, 'wuhang', w.id, 'accept')]);
    expect(twice.map((a) => a.status).sort()).toEqual([200, 409]);
    expect(occurrences(await consistent(stack, w.id), 'accepted')).toBe(1);

    const v = await fileWhistle(stack);
    const [accept, withdraw] = await Promise.all([
      act(stack, 'wuhang', v.id, 'accept'),
      act(stack, 'xiguan', v.id, 'withdraw', { reason: '已自行解决' }),
    ]);
    // Withdrawing is allowed before and after the street accepts; accepting only before.
    expect(withdraw.status).toBe(200);
    const view = await consistent(stack, v.id);
    expect(view.status).toBe('withdrawn');
    expect(occurrences(view, 'withdrawn')).toBe(1);
    expect(occurrences(view, 'accepted')).toBe(accept.status === 200 ? 1 : 0);
    count('acceptVersusWithdraw', accept.status === 200 ? 'accepted then withdrawn' : 'accept refused');
  }
}, 120_000);

/** Waits until `at` (epoch ms) on this machine's clock. */
const until = (at: number) => new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));
const offset = (i: number) => [-300, -100, 0, 100, 300, 0][i % 6];

test(`evaluating just as the evaluation window closes (${ROUNDS} rounds): evaluated or expired, never both`, async () => {
  await Promise.all(Array.from({ length: ROUNDS }, async (_, i) => {
    const w = await fileWhistle(timers);
    await must(timers, 'wuhang', w.id, 'accept');
    const resolved = await must(timers, 'wuhang', w.id, 'resolve', { result: '已处理' });
    await until(Date.parse(resolved.resolvedAt) + WINDOW_S * 1000 + offset(i));
    const res = await act(timers, 'xiguan', w.id, 'evaluate', { rating: 'satisfied' });
    expect([200, 409]).toContain(res.status);
    const view = await eventually(async () => {
      const v = await consistent(timers, w.id);
      return v.status === 'closed' && v;
    }, 15_000, 'closed');
    const evaluated = occurrences(view, 'evaluated');
    const expired = occurrences(view, 'evaluation_expired');
    expect(evaluated + expired).toBe(1);
    expect(occurrences(view, 'closed')).toBe(evaluated);
    expect(evaluated).toBe(res.status === 200 ? 1 : 0);
    expect(view.evaluation === null).toBe(res.status !== 200);
    count('evaluateVersusWindow', res.status === 200 ? 'evaluated' : 'expired');
  }));
}, 120_000);

test(`the street resolving just as its handling deadline passes (${ROUNDS} rounds): resolved or escalated, never both`, async () => {
  await Promise.all(Array.from({ length: ROUNDS }, async (_, i) => {
    const w = await fileWhistle(timers);
    await must(timers, 'wuhang', w.id, 'accept');
    await until(Date.parse(w.filedAt) + HANDLE_S * 1000 + offset(i));
    const res = await act(timers, 'wuhang', w.id, 'resolve', { result: '已处理' });
    expect([200, 409]).toContain(res.status);
    const view = await eventually(async () => {
      const v = await consistent(timers, w.id);
      return (v.status === 'resolved' || v.status === 'escalated' || v.status === 'closed') && v;
    }, 15_000, 'resolved or escalated');
    const resolved = occurrences(view, 'resolved');
    const escalated = occurrences(view, 'deadline_escalation');
    expect(resolved + escalated).toBe(1);
    expect(resolved).toBe(res.status === 200 ? 1 : 0);
    count('resolveVersusHandlingDeadline', res.status === 200 ? 'resolved' : 'escalated');
  }));
}, 120_000);
