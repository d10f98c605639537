/**
 * What the console builds on: each caller's `allowedActions` (a listed action never meets a 403
 * or 409; an unlisted one always does), the queues (`holder=me`, overdue and due-soon first with
 * `sort=due`), the new filters, and the fields every list item carries.
 */
import { startStack, quietPolicy, type Stack } from './support/stack';
import { fileWhistle, must, act } from './support/whistles';
import { WHISTLE_ACTIONS } from '../domain';

let stack: Stack;
beforeAll(async () => { stack = await startStack({ policy: quietPolicy(600) }); });
afterAll(async () => { await stack?.stop(); });

const ACTORS = ['wuhang', 'hangcheng', 'center', 'supervision', 'urban', 'water', 'housing', 'xiguan', 'dongguan', 'xiguan-member-1'];
const view = async (id: string, as: string) => stack.call(as, 'GET', `/v1/whistles/${id}`);

/** A whistle of 西关社区 brought to `stage` through the API. */
async function whistleAt(stage: string): Promise<string> {
  const w = await fileWhistle(stack);
  if (stage === 'filed') return w.id;
  if (stage.startsWith('street_handling')) {
    await must(stack, 'wuhang', w.id, 'accept');
    if (stage === 'street_handling+extension') await askExtension(w.id, 'wuhang');
    return w.id;
  }
  await must(stack, 'wuhang', w.id, 'escalate', { reason: '街道无权处理' });
  if (stage === 'escalated') return w.id;
  await must(stack, 'center', w.id, 'triage', { list: 'immediate', departmentIds: ['urban', 'water'], leadDepartmentId: 'urban' });
  if (stage === 'dispatched') return w.id;
  await must(stack, 'urban', w.id, 'accept');
  if (stage === 'department_handling') return w.id;
  if (stage === 'department_handling+extension') { await askExtension(w.id, 'urban'); return w.id; }
  await must(stack, 'urban', w.id, 'resolve', { result: '已处理' });
  return w.id; // resolved
}

async function askExtension(id: string, as: string) {
  const dueAt = (await view(id, 'center')).body.dueAt;
  await must(stack, as, id, 'request-extension', { until: new Date(Date.parse(dueAt) + 60_000).toISOString(), reason: '需要时间' });
}

/** A valid body for each action (for `merge`, another open whistle of the same street). */
async function bodyFor(action: string, id: string, mergeInto: string): Promise<unknown> {
  switch (action) {
    case 'accept': return undefined;
    case 'progress': case 'urge': return { note: '进展' };
    case 'resolve': return { result: '已处理' };
    case 'escalate': case 'withdraw': return { reason: '原因' };
    case 'return': return { reason: '非本单位职责', kind: 'not_our_area' };
    case 'triage': return { list: 'immediate', departmentIds: ['urban', 'water'], leadDepartmentId: 'urban' };
    case 'evaluate': return { rating: 'satisfied' };
    case 'decide-extension': return { approve: true };
    case 'request-extension': {
      const dueAt = (await view(id, 'center')).body.dueAt ?? new Date().toISOString();
      return { until: new Date(Date.parse(dueAt) + 60_000).toISOString(), reason: '需要时间' };
    }
    case 'merge': return { into: mergeInto };
    case 'callback': return { reached: true, rating: 'satisfied' };
    default: throw new Error(action);
  }
}

const STAGES = ['filed', 'street_handling', 'street_handling+extension', 'escalated', 'dispatched', 'department_handling',
  'department_handling+extension', 'resolved'];

test.each(STAGES)('at %s, every action a caller is offered succeeds and every other one is refused', async (stage) => {
  const mergeInto = (await fileWhistle(stack)).id;
  const probe = await whistleAt(stage);
  const offered = new Map<string, string[]>();
  for (const as of ACTORS) {
    const res = await view(probe, as);
    offered.set(as, res.status === 200 ? res.body.allowedActions : []);
  }
  // What is not offered is refused (403, 404 or 409; a bad body would be 400) and changes nothing.
  for (const as of ACTORS) {
    for (const action of WHISTLE_ACTIONS) {
      if (offered.get(as)!.includes(action)) continue;
      const res = await act(stack, as, probe, action, await bodyFor(action, probe, mergeInto));
      expect([stage, as, action, [403, 404, 409].includes(res.status)]).toEqual([stage, as, action, true]);
    }
  }
  // What is offered succeeds, each on a whistle of its own at the same stage.
  for (const as of ACTORS) {
    for (const action of offered.get(as)!) {
      const id = await whistleAt(stage);
      const res = await act(stack, as, id, action, await bodyFor(action, id, (await fileWhistle(stack)).id));
      expect([stage, as, action, res.status]).toEqual([stage, as, action, 200]);
    }
  }
  // The expected shape of the offer, spelled out for the main roles.
  const expectations: Record<string, Record<string, string[]>> = {
    filed: { wuhang: ['accept', 'escalate', 'merge'], xiguan: ['withdraw'], supervision: ['escalate', 'urge'], center: [] },
    street_handling: { wuhang: ['progress', 'resolve', 'escalate', 'request-extension', 'merge'], xiguan: ['withdraw'] },
    'street_handling+extension': { wuhang: ['progress', 'resolve', 'escalate', 'merge'], center: ['decide-extension'] },
    escalated: { center: ['triage', 'merge'], wuhang: [], supervision: ['urge'] },
    dispatched: { urban: ['accept', 'return'], water: ['accept', 'return'], housing: [] },
    department_handling: { urban: ['progress', 'resolve', 'return', 'request-extension'], water: ['accept', 'return'] },
    'department_handling+extension': { urban: ['progress', 'resolve', 'return'], center: ['decide-extension'] },
    resolved: { xiguan: ['evaluate'], urban: [], wuhang: [], supervision: [], center: ['callback'] },
  };
  for (const [as, actions] of Object.entries(expectations[stage])) {
    expect([stage, as, [...offered.get(as)!].sort()]).toEqual([stage, as, [...actions].sort()]);
  }
  expect([stage, offered.get('hangcheng'), offered.get('dongguan'), offered.get('xiguan-member-1')]).toEqual([stage, [], [], []]);
}, 240_000);

describe('queues (工作台)', () => {
  test('holder=me is what waits for the caller\'s organisation; sort=due puts the earliest deadline first', async () => {
    const filed = await whistleAt('filed');
    const dispatched = await whistleAt('dispatched');
    const handling = await whistleAt('department_handling');
    const asking = await whistleAt('street_handling+extension');
    const resolved = await whistleAt('resolved');
    const queue = async (as: string, extra = '') =>
      (await stack.call(as, 'GET', `/v1/whistles?holder=me&limit=100${extra}`)).body.items.map((i: { id: string }) => i.id);
    const street = await queue('wuhang');
    expect(street).toEqual(expect.arrayContaining([filed, asking]));
    expect(street).not.toContain(dispatched);
    expect(await queue('urban')).toEqual(expect.arrayContaining([dispatched, handling]));
    // water was dispatched with urban and has not accepted: both wait for it.
    expect(await queue('water')).toEqual(expect.arrayContaining([dispatched, handling]));
    const center = await queue('center');
    expect(center).toContain(asking); // an extension request waits for its decision
    expect(center).not.toContain(handling);
    expect(await queue('xiguan')).toContain(resolved); // the evaluation waits for the community
    expect(await queue('hangcheng')).not.toContain(filed);
    const byDue = (await stack.call('wuhang', 'GET', '/v1/whistles?holder=me&sort=due&limit=100')).body.items as Array<{ id: string; dueAt: string | null }>;
    const dues = byDue.map((i) => i.dueAt ?? '9999');
    expect(dues).toEqual([...dues].sort());
    // Paging through sort=due keeps the order.
    const first = (await stack.call('wuhang', 'GET', '/v1/whistles?holder=me&sort=due&limit=2')).body;
    const second = (await stack.call('wuhang', 'GET', `/v1/whistles?holder=me&sort=due&limit=2&cursor=${first.nextCursor}`)).body;
    expect([...first.items, ...second.items].map((i: { id: string }) => i.id)).toEqual(byDue.slice(0, 4).map((i) => i.id));
  }, 120_000);

  test('list items carry the contract\'s fields; category and dueSoon filter; an unknown holder or sort is 400', async () => {
    const w = await fileWhistle(stack, 'xiguan', { category: 'parking' });
    const items = (await stack.call('wuhang', 'GET', '/v1/whistles?category=parking&limit=100')).body.items;
    expect(items.map((i: { id: string }) => i.id)).toContain(w.id);
    expect(items.every((i: { category: string }) => i.category === 'parking')).toBe(true);
    const item = items.find((i: { id: string }) => i.id === w.id);
    for (const field of ['id', 'title', 'category', 'status', 'list', 'holder', 'communityId', 'streetId', 'dueAt', 'overdue', 'dueSoon', 'filedAt', 'reports']) {
      expect(item).toHaveProperty(field);
    }
    expect(item).toMatchObject({ holder: 'wuhang', dueSoon: false, reports: 1 });
    expect((await stack.call('supervision', 'GET', '/v1/whistles?dueSoon=true&limit=100')).body.items.map((i: { id: string }) => i.id)).not.toContain(w.id);
    for (const q of ['holder=nosuchunit', 'sort=random', 'category=ufo', 'dueSoon=maybe']) {
      expect([q, (await stack.call('center', 'GET', `/v1/whistles?${q}`)).status]).toEqual([q, 400]);
    }
  });
});
