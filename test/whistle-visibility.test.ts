/**
 * Who sees which whistle, in the list as in the view: the list's condition is generated beside
 * `canSee` (workflows/visibility.ts), so the list never shows a whistle `canSee` refuses and never hides
 * one it allows — random whistles written to the read model by the projection, read back by random
 * callers of every role — and a community whose whistle was merged into another finds that original
 * in its list, as it may open it.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { ROLES, WHISTLE_STATUSES, type Actor, type Filing, type MergedIn, type Role, type WhistleStatus } from '../domain';
import { projectWhistle } from '../lib/read-model/whistles';
import { listWhistles } from '../lib/stores/whistle-list';
import { canSee } from '../workflows/visibility';
import { newWhistle, projectionOf, ruleStateFrom } from '../workflows/whistle/state';
import { eventually, quietPolicy, startStack, type Stack } from './support/stack';
import { fileWhistle, must } from './support/whistles';

let stack: Stack;
beforeAll(async () => { stack = await startStack({ policy: quietPolicy(600) }); });
afterAll(async () => {
  // The drawn whistles leave nothing behind for other files (their notifications, receipts, timeline, rows).
  const mine = `vis-${run}-%`;
  await stack?.pool.query('DELETE FROM notifications WHERE subject_type = $1 AND subject_id LIKE $2', ['whistle', mine]);
  await stack?.pool.query('DELETE FROM whistle_receipts WHERE whistle_id LIKE $1', [mine]);
  await stack?.pool.query('DELETE FROM whistle_events WHERE whistle_id LIKE $1', [mine]);
  await stack?.pool.query('DELETE FROM whistles WHERE id LIKE $1', [mine]);
  await stack?.stop();
});

const run = randomBytes(3).toString('hex');
// Organisations of this file only, so other files' whistles and notifications never meet these.
const STREETS = [`vis-${run}-street-a`, `vis-${run}-street-b`];
const COMMUNITIES = [`vis-${run}-community-a`, `vis-${run}-community-b`, `vis-${run}-community-c`];
const COMPOUNDS = [`vis-${run}-compound-a`, `vis-${run}-compound-b`];
const GRIDS = [`vis-${run}-grid-a`, `vis-${run}-grid-b`];
const DEPARTMENTS = [`vis-${run}-dept-a`, `vis-${run}-dept-b`, `vis-${run}-dept-c`];
const EVERY_ORG = [...STREETS, ...COMMUNITIES, ...COMPOUNDS, ...GRIDS, ...DEPARTMENTS, 'center', 'supervision'];

interface Drawn {
  status: WhistleStatus;
  streetId: string;
  communityId: string;
  /** The filing organisation: its community, a compound (小区吹哨) or a grid (网格吹哨). */
  filerOrgId: string;
  compoundId?: string;
  /** location.grid: a grid's id, or free text a community wrote (which may happen to be any unit's id). */
  grid?: string;
  seenByDepartments: string[];
  merged: Array<Pick<MergedIn, 'filerOrgId' | 'communityId'>>;
  /**
   * What the row's `rules` say: none (a whistle filed before the center's tools: no merged-in
   * viewers), `centerTools: true`, or `secondRound: true` as rows written before that name say.
   */
  extras: 'none' | 'centerTools' | 'secondRound';
}

const drawnWhistle: fc.Arbitrary<Drawn> = fc.record({
  status: fc.constantFrom(...WHISTLE_STATUSES),
  streetId: fc.constantFrom(...STREETS),
  communityId: fc.constantFrom(...COMMUNITIES),
  filerPlace: fc.option(fc.constantFrom(...COMPOUNDS, ...GRIDS), { nil: undefined }),
  compoundId: fc.option(fc.constantFrom(...COMPOUNDS), { nil: undefined }),
  grid: fc.option(fc.oneof(fc.constantFrom(...GRIDS), fc.constantFrom(...EVERY_ORG), fc.constant('3号楼网格')), { nil: undefined }),
  seenByDepartments: fc.subarray(DEPARTMENTS),
  merged: fc.array(fc.record({
    filerOrgId: fc.constantFrom(...COMMUNITIES, ...COMPOUNDS), communityId: fc.constantFrom(...COMMUNITIES),
  }), { maxLength: 3 }),
  extras: fc.constantFrom<Drawn['extras']>('none', 'centerTools', 'secondRound'),
}).map(({ filerPlace, ...w }) => ({ ...w, filerOrgId: filerPlace ?? w.communityId }));

const drawnCaller: fc.Arbitrary<Actor> = fc.record({
  role: fc.constantFrom<Role>(...ROLES),
  orgId: fc.constantFrom(...EVERY_ORG),
}).map(({ role, orgId }) => ({ role, orgId, accountId: `${orgId}-${role}` }));

let seq = 0;

/** Writes the drawn whistle to the read model through the projection, as its workflow would. */
async function written(w: Drawn, category: string): Promise<string> {
  const id = `vis-${run}-${++seq}`;
  const filing: Filing = {
    id, title: '可见性', description: '可见性', category, urgent: false,
    location: { communityId: w.communityId, ...(w.compoundId ? { compoundId: w.compoundId } : {}), ...(w.grid ? { grid: w.grid } : {}) },
    filerOrgId: w.filerOrgId, filedBy: `${w.filerOrgId}-community`, communityId: w.communityId, streetId: w.streetId,
    filedAt: new Date(Date.now() - seq * 1000).toISOString(),
  };
  const state = newWhistle(filing, Date.now());
  state.status = w.status;
  state.seenByDepartments = [...w.seenByDepartments];
  state.departments = w.seenByDepartments.map((d, i) => ({ id: d, lead: i === 0, status: 'handling' as const }));
  state.merged = w.merged.map((m, i) => ({ ...m, id: `${id}-dup-${i}`, by: 'wuhang-street', note: null }));
  const projection = projectionOf(state, filing);
  const { centerTools: _named, ...unnamed } = projection.rules!;
  const rules = { none: undefined, centerTools: projection.rules, secondRound: { ...unnamed, secondRound: true } }[w.extras];
  await projectWhistle(stack.pool, { ...projection, rules: rules as typeof projection.rules });
  return id;
}

test('the list shows exactly the whistles canSee allows: every role, matching and other organisations, compounds, grids, merged-in viewers', async () => {
  let round = 0;
  await fc.assert(fc.asyncProperty(
    fc.array(drawnWhistle, { minLength: 1, maxLength: 8 }),
    fc.array(drawnCaller, { minLength: 1, maxLength: 12 }),
    async (whistles, callers) => {
      // A category of this round alone: the list of a round holds its own whistles only.
      const category = `vis-${run}-${++round}`;
      const ids = await Promise.all(whistles.map((w) => written(w, category)));
      const rows = await stack.pool.query<{ id: string; view: never; seen_by_departments: string[]; rules: never }>(
        'SELECT id, view, seen_by_departments, rules FROM whistles WHERE id = ANY($1::text[])', [ids]);
      for (const caller of callers) {
        const allowed = rows.rows.filter((r) => canSee(ruleStateFrom(r.view, r.seen_by_departments, r.rules), caller)).map((r) => r.id);
        const listed = await listWhistles(stack.pool, { visibleTo: caller, category, order: 'filed', limit: 100 });
        expect({ caller, listed: listed.views.map((v) => v.id).sort() }).toEqual({ caller, listed: allowed.sort() });
      }
    },
  ), { numRuns: 40 });
});

test('a community whose whistle was merged into another community\'s finds the original in its list, as it may open it', async () => {
  const original = await fileWhistle(stack, 'dongguan', { title: '东门路灯不亮' });
  const repeat = await fileWhistle(stack, 'xiguan', { title: '东门口路灯坏了' });
  const inList = async () => ((await stack.call('xiguan', 'GET', '/v1/whistles?communityId=dongguan&limit=100')).body.items as Array<{ id: string }>)
    .some((w) => w.id === original.id);
  expect(await inList()).toBe(false);
  expect((await stack.call('xiguan', 'GET', `/v1/whistles/${original.id}`)).status).toBe(404);
  await must(stack, 'wuhang', repeat.id, 'merge', { into: original.id });
  await eventually(async () => (await stack.call('xiguan', 'GET', `/v1/whistles/${original.id}`)).status === 200, 15_000, 'the original opens');
  expect(await inList()).toBe(true);
  // Another community of the street still neither opens nor lists it.
  expect((await stack.call('zhenghe', 'GET', `/v1/whistles/${original.id}`)).status).toBe(404);
  const theirs = (await stack.call('zhenghe', 'GET', '/v1/whistles?communityId=dongguan&limit=100')).body.items as Array<{ id: string }>;
  expect(theirs.map((w) => w.id)).not.toContain(original.id);
});
