/**
 * Who may see a whistle: `canSee` over the whistle's facts, and beside it the same rule as a SQL
 * condition over the read model's rows (`visibleToCondition`, for the list), both read from one
 * table of facts by role, so the two cannot disagree. Pure: the workflows' validators (through
 * ./rules.ts), the API and the stores use it alike.
 */
import type { Actor, Role } from '../domain';

/** The facts of a whistle that say who may see it (a RuleState has them all). */
export interface SeenFacts {
  streetId: string;
  filerOrgId: string;
  communityId: string;
  /** Every department the whistle was ever dispatched to. */
  seenByDepartments: readonly string[];
  /** `location.compoundId`: the compound (小区) it was filed for. */
  compoundId?: string;
  /** `location.grid`: a grid's id when a grid (网格) filed it, or the grid its community named. */
  grid?: string;
  /** Filing organisations and communities of the whistles merged into this one (they may view it). */
  duplicateViewers?: readonly string[];
}

/** A fact of a whistle that names organisations which may see it. */
type VisibilityFact = 'streetId' | 'filerOrgId' | 'communityId' | 'compoundId' | 'grid' | 'duplicateViewers' | 'seenByDepartments';

/**
 * Who sees a whistle, by role: every whistle, or those whose facts name the caller's organisation
 * — the street its own; a community-role account (a community, a compound's, a grid's) those its
 * unit filed, those of its community, compound or grid (ids of units never repeat), and those its
 * own whistles were merged into; a department those it was ever dispatched to. The three
 * administrators (三员分立) never see cases.
 */
const SEEN_THROUGH: Record<Role, 'all' | readonly VisibilityFact[]> = {
  center: 'all',
  supervisor: 'all',
  street: ['streetId'],
  community: ['filerOrgId', 'communityId', 'compoundId', 'grid', 'duplicateViewers'],
  department: ['seenByDepartments'],
  member: [],
  resident: [],
  admin: [],
  security: [],
  auditor: [],
};

function orgsNamedBy(w: SeenFacts, fact: VisibilityFact): readonly string[] {
  switch (fact) {
    case 'streetId': return [w.streetId];
    case 'filerOrgId': return [w.filerOrgId];
    case 'communityId': return [w.communityId];
    case 'compoundId': return w.compoundId === undefined ? [] : [w.compoundId];
    case 'grid': return w.grid === undefined ? [] : [w.grid];
    case 'duplicateViewers': return w.duplicateViewers ?? [];
    case 'seenByDepartments': return w.seenByDepartments;
  }
}

export function canSee(w: SeenFacts, actor: Actor): boolean {
  const through = SEEN_THROUGH[actor.role] ?? [];
  return through === 'all' || through.some((fact) => orgsNamedBy(w, fact).includes(actor.orgId));
}

/** hasCenterTools (workflows/whistle/state.ts) over the stored `rules`: `centerTools` when the row has it, else `secondRound`. */
const HAS_CENTER_TOOLS = `CASE WHEN rules ? 'centerTools' THEN rules @> '{"centerTools": true}'::jsonb`
  + ` ELSE rules @> '{"secondRound": true}'::jsonb END`;

/**
 * The same facts as the read model's `whistles` row holds them (migrations 001 and 010): one
 * condition per fact for the caller's organisation (`orgId`, its placeholder `org`). `rules` is
 * the row's StoredRuleExtras: its `merged` list names the filing organisation and community of
 * each whistle merged into this one, read (as ruleStateFrom reads them) only when the row says the
 * whistle has the center's tools — `centerTools: true`, or `secondRound: true` on rows written
 * before the field had that name; the `<> '[]'` is the predicate of the partial index
 * whistles_merged_viewers_idx, so the planner may use it. The compound and grid conditions have
 * their indexes too (migration 018).
 */
const FACT_SQL: Record<VisibilityFact, (orgId: string, org: string, param: (value: unknown) => string) => string> = {
  streetId: (_orgId, org) => `street_id = ${org}`,
  filerOrgId: (_orgId, org) => `filer_org_id = ${org}`,
  communityId: (_orgId, org) => `community_id = ${org}`,
  // The compound column is the view's location.compoundId (kept by the trigger of migration 017).
  compoundId: (_orgId, org) => `compound_id = ${org}`,
  grid: (_orgId, org) => `view -> 'location' ->> 'grid' = ${org}`,
  duplicateViewers: (orgId, _org, param) => `(rules -> 'merged' <> '[]'::jsonb AND ${HAS_CENTER_TOOLS}`
    + ` AND (rules -> 'merged' @> ${param(JSON.stringify([{ filerOrgId: orgId }]))}::jsonb`
    + ` OR rules -> 'merged' @> ${param(JSON.stringify([{ communityId: orgId }]))}::jsonb))`,
  seenByDepartments: (_orgId, org) => `seen_by_departments @> ARRAY[${org}]::text[]`,
};

/**
 * `canSee` as a condition over the read model's `whistles` rows, for the list: true of exactly
 * the rows `canSee` allows `actor`. Built from the same table of facts, so the two cannot
 * disagree (test/whistle-visibility.test.ts holds them together). `param` adds a parameter and
 * answers its placeholder (`$n`); nothing of the actor is written into the text itself.
 */
export function visibleToCondition(actor: Actor, param: (value: unknown) => string): string {
  const through = SEEN_THROUGH[actor.role] ?? [];
  if (through === 'all') return 'TRUE';
  if (through.length === 0) return 'FALSE';
  const org = param(actor.orgId);
  return `(${through.map((fact) => FACT_SQL[fact](actor.orgId, org, param)).join(' OR ')})`;
}
