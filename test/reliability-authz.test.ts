/**
 * The authorization matrix, generated: every role (own and other organisation) × every whistle
 * action (and reading), each cell against the table below, written from CONTRACT.md ("Actions":
 * who, when) and the order of workflows/rules.ts (not visible → not_found, wrong role or
 * organisation → forbidden, status → invalid_state).
 *
 * Zero unauthorized successes; zero existence leaks: what an actor may not see answers exactly
 * like a whistle that does not exist (same status, same body), on GET, in lists and on actions.
 */
import { startStack, type Stack, quietPolicy } from './support/stack';
import { act, escalatedWhistle, fileWhistle, must, resolvedWhistle } from './support/whistles';
import { writeFigures } from './chaos/fleet';
import type { Json } from './support/json';

/** Every role, in its own organisation and in another (center and supervision are one each). */
const ACTORS: Record<string, string> = {
  'community/own': 'xiguan', // the filing community (西关社区, 吴航街道)
  'community/other-street': 'qinjiang',
  'community/same-street': 'dongguan',
  'compound/own-community': 'xiguan-jiangjing', // a compound of the filing community, not the filer
  'street/own': 'wuhang',
  'street/other': 'hangcheng',
  center: 'center',
  supervisor: 'supervision',
  'department/lead': 'urban', // dispatched, lead unit (牵头单位) in the department fixtures
  'department/dispatched': 'water', // dispatched, not the lead
  'department/other': 'housing', // never dispatched
  'member/own': 'xiguan-member-1',
  'member/other': 'qinjiang-member-1',
  'resident/own': 'xiguan-resident-1',
  'resident/other': 'qinjiang-resident-1',
};
type ActorKey = keyof typeof ACTORS;
type Outcome = 200 | 'forbidden' | 'not_found' | 'invalid_state';

type Fixture = 'filed' | 'street_handling' | 'escalated' | 'dispatched' | 'department_handling' | 'resolved' | 'withdrawn';

const BODIES: Record<string, unknown> = {
  accept: undefined,
  progress: { note: '已联系施工队' },
  resolve: { result: '已处理完毕' },
  escalate: { reason: '街道无权处理' },
  triage: { list: 'immediate', departmentIds: ['urban'] },
  return: { reason: '不属于本部门职责' },
  urge: { note: '请加快办理' },
  evaluate: { rating: 'satisfied' },
  withdraw: { reason: '已自行解决' },
};

/**
 * The expected table: one row per action and the status it is tried in; the cells name every
 * actor that gets something other than not_found. Read it as the contract's "Actions" table.
 */
const TABLE: Array<{ action: string; at: Fixture; cells: Partial<Record<ActorKey, Outcome>> }> = [
  // accept: the street (filed), or a dispatched department (dispatched)
  { action: 'accept', at: 'filed', cells: { 'street/own': 200, 'community/own': 'forbidden', center: 'forbidden', supervisor: 'forbidden' } },
  { action: 'accept', at: 'dispatched', cells: {
    'department/lead': 200, 'department/dispatched': 200, 'street/own': 'invalid_state', 'community/own': 'forbidden', center: 'forbidden', supervisor: 'forbidden' } },
  // progress: the current holder, while handling
  { action: 'progress', at: 'street_handling', cells: { 'street/own': 200, 'community/own': 'forbidden', center: 'forbidden', supervisor: 'forbidden' } },
  { action: 'progress', at: 'department_handling', cells: {
    'department/lead': 200, 'department/dispatched': 200, 'street/own': 'invalid_state', 'community/own': 'forbidden', center: 'forbidden', supervisor: 'forbidden' } },
  // resolve: the street; the lead department
  { action: 'resolve', at: 'street_handling', cells: { 'street/own': 200, 'community/own': 'forbidden', center: 'forbidden', supervisor: 'forbidden' } },
  { action: 'resolve', at: 'department_handling', cells: {
    'department/lead': 200, 'department/dispatched': 'forbidden', 'street/own': 'invalid_state', 'community/own': 'forbidden', center: 'forbidden', supervisor: 'forbidden' } },
  // escalate: the street, or a supervisor, while with the street
  { action: 'escalate', at: 'filed', cells: { 'street/own': 200, supervisor: 200, 'community/own': 'forbidden', center: 'forbidden' } },
  // triage: the center, escalated
  { action: 'triage', at: 'escalated', cells: { center: 200, 'street/own': 'forbidden', 'community/own': 'forbidden', supervisor: 'forbidden' } },
  // return: a dispatched department
  { action: 'return', at: 'dispatched', cells: {
    'department/lead': 200, 'department/dispatched': 200, 'street/own': 'forbidden', 'community/own': 'forbidden', center: 'forbidden', supervisor: 'forbidden' } },
  // urge: a supervisor, any open status
  { action: 'urge', at: 'street_handling', cells: { supervisor: 200, 'street/own': 'forbidden', 'community/own': 'forbidden', center: 'forbidden' } },
  // evaluate: the filing community, resolved
  { action: 'evaluate', at: 'resolved', cells: { 'community/own': 200, 'street/own': 'forbidden', center: 'forbidden', supervisor: 'forbidden' } },
  // withdraw: the filing community, filed or street_handling
  { action: 'withdraw', at: 'filed', cells: { 'community/own': 200, 'street/own': 'forbidden', center: 'forbidden', supervisor: 'forbidden' } },
  // a whistle that has ended: nothing more for those who see it
  ...Object.keys(BODIES).map((action) => ({
    action, at: 'withdrawn' as Fixture,
    cells: { 'community/own': 'invalid_state', 'street/own': 'invalid_state', center: 'invalid_state', supervisor: 'invalid_state' } as Partial<Record<ActorKey, Outcome>>,
  })),
];

/** Who may read a whistle dispatched to urban (lead) and water: the contract's visibility. */
const READERS: ActorKey[] = ['community/own', 'street/own', 'center', 'supervisor', 'department/lead', 'department/dispatched'];

let stack: Stack;
beforeAll(async () => {
  // Deadlines far away: only the matrix's requests may change a fixture.
  stack = await startStack({ policy: quietPolicy(3600) });
}, 60_000);
afterAll(async () => { await stack?.stop(); });

/** A whistle of 西关社区 left at `status`; department fixtures are dispatched to urban (lead) and water. */
async function fixture(status: Fixture): Promise<string> {
  switch (status) {
    case 'filed': return (await fileWhistle(stack)).id;
    case 'street_handling': { const w = await fileWhistle(stack); await must(stack, 'wuhang', w.id, 'accept'); return w.id; }
    case 'escalated': return escalatedWhistle(stack);
    case 'dispatched': {
      const id = await escalatedWhistle(stack);
      await must(stack, 'center', id, 'triage', { list: 'immediate', departmentIds: ['urban', 'water'], leadDepartmentId: 'urban' });
      return id;
    }
    case 'department_handling': {
      const id = await fixture('dispatched');
      await must(stack, 'urban', id, 'accept');
      await must(stack, 'water', id, 'accept');
      return id;
    }
    case 'resolved': return resolvedWhistle(stack);
    case 'withdrawn': {
      const w = await fileWhistle(stack);
      await must(stack, 'xiguan', w.id, 'withdraw', { reason: '已自行解决' });
      // Wait until the workflow has ended, so every actor meets the ended whistle.
      await stack.client.workflow.getHandle(`whistle-${w.id}`).result();
      return w.id;
    }
  }
}

const outcomeOf = (res: { status: number; body: Json }): Outcome | string =>
  res.status === 200 ? 200 : res.body?.error?.code ?? `HTTP ${res.status}`;

async function versionOf(id: string) {
  return (await stack.pool.query('SELECT version, status FROM whistles WHERE id = $1', [id])).rows[0];
}

test('every role × every action × own and other organisation answers as the contract says; no unauthorized success, no existence leak', async () => {
  const mismatches: string[] = [];
  const leaks: string[] = [];
  let cells = 0;
  let successes = 0;
  let unauthorizedSuccesses = 0;
  const missing = 'f0f0f0f0f0f0f0f0'; // no such whistle
  await Promise.all(TABLE.map(async (row) => {
    // All refusals on one fixture first: none may change it.
    const shared = await fixture(row.at);
    const before = await versionOf(shared);
    for (const [actor, account] of Object.entries(ACTORS) as Array<[ActorKey, string]>) {
      const expected: Outcome = row.cells[actor] ?? 'not_found';
      if (expected === 200) continue;
      cells++;
      const res = await act(stack, account, shared, row.action, BODIES[row.action]);
      const got = outcomeOf(res);
      if (got === 200) unauthorizedSuccesses++;
      if (got !== expected) mismatches.push(`${row.action}@${row.at} by ${actor} (${account}): expected ${expected}, got ${got} ${JSON.stringify(res.body?.error ?? '')}`);
      if (expected === 'not_found') {
        // Exactly what a whistle that does not exist answers.
        const none = await act(stack, account, missing, row.action, BODIES[row.action]);
        if (none.status !== res.status || JSON.stringify(none.body) !== JSON.stringify(res.body)) {
          leaks.push(`${row.action}@${row.at} by ${actor}: ${res.status} ${JSON.stringify(res.body)} vs missing ${none.status} ${JSON.stringify(none.body)}`);
        }
      }
    }
    const after = await versionOf(shared);
    if (JSON.stringify(before) !== JSON.stringify(after)) mismatches.push(`${row.action}@${row.at}: refusals changed the whistle ${JSON.stringify(before)} → ${JSON.stringify(after)}`);
    // Each allowed actor on a fresh fixture.
    for (const [actor, expected] of Object.entries(row.cells) as Array<[ActorKey, Outcome]>) {
      if (expected !== 200) continue;
      cells++;
      const id = await fixture(row.at);
      const res = await act(stack, ACTORS[actor], id, row.action, BODIES[row.action]);
      if (res.status === 200) successes++;
      else mismatches.push(`${row.action}@${row.at} by ${actor}: expected 200, got ${outcomeOf(res)} ${JSON.stringify(res.body?.error ?? '')}`);
    }
  }));

  // Reading: GET and lists, on a dispatched whistle.
  const id = await fixture('dispatched');
  let reads = 0;
  for (const [actor, account] of Object.entries(ACTORS) as Array<[ActorKey, string]>) {
    const may = READERS.includes(actor);
    const res = await stack.call(account, 'GET', `/v1/whistles/${id}`);
    reads++;
    if ((res.status === 200) !== may) mismatches.push(`GET by ${actor}: expected ${may ? 200 : 'not_found'}, got ${outcomeOf(res)}`);
    if (!may) {
      const none = await stack.call(account, 'GET', `/v1/whistles/${missing}`);
      if (none.status !== res.status || JSON.stringify(none.body) !== JSON.stringify(res.body)) leaks.push(`GET by ${actor}: differs from a missing whistle`);
    }
    const listed: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await stack.call(account, 'GET', `/v1/whistles?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
      if (page.status !== 200) { mismatches.push(`list by ${actor}: ${page.status}`); break; }
      listed.push(...page.body.items.map((w: { id: string }) => w.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    reads++;
    if (listed.includes(id) !== may) mismatches.push(`list by ${actor}: ${may ? 'missing' : 'shows'} the whistle`);
    // Whatever a list shows, the same actor may open (other tests' whistles share the database).
    for (const other of listed.slice(0, 15)) {
      const open = await stack.call(account, 'GET', `/v1/whistles/${other}`);
      if (open.status !== 200) leaks.push(`list by ${actor} shows ${other}, which it may not open (${open.status})`);
    }
  }

  writeFigures('authz', {
    actors: Object.keys(ACTORS).length, rows: TABLE.length, actionCells: cells, reads, allowedSucceeded: successes,
    unauthorizedSuccesses, mismatches: mismatches.length, leaks: leaks.length,
  });
  expect(mismatches).toEqual([]);
  expect(leaks).toEqual([]);
  expect(unauthorizedSuccesses).toBe(0);
  expect(cells).toBeGreaterThanOrEqual(Object.keys(ACTORS).length * Object.keys(BODIES).length);
}, 300_000);
