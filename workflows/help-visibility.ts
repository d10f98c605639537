/**
 * Who may see a neighbour-help request (邻里搭把手) and its place: `canSeeHelp` and `canSeeHelpPlace`
 * over the request's facts, and beside them the same rule as a SQL condition over the read
 * model's `help_requests` rows (`helpVisibleCondition`, for the board), so the two cannot
 * disagree. Pure: the API, the stores and the live updates use it alike.
 *
 * - A request not yet verified (`pending_verification`) or turned down (`rejected`) is seen only
 *   by its parties: the requester, its community, its street and the center. Every other
 *   request is on the board for every account that works with help requests.
 * - Where the service happens (`place`) is shown only to those parties and the claimer.
 * - The three administrators (三员分立) never see help requests.
 */
import type { Actor, Role } from '../domain';

/** The facts of a request that say who may see it (its view has them all). */
export interface HelpSeenFacts {
  status: string;
  communityId: string;
  streetId: string;
  requesterId: string;
  claimerId?: string | null;
}

/** Statuses in which a request is seen by its parties alone. */
export const HELP_HIDDEN_STATUSES: readonly string[] = ['pending_verification', 'rejected'];

/** Roles that never see help requests. */
const NEVER: ReadonlySet<Role> = new Set<Role>(['admin', 'security', 'auditor']);

/** The requester, the request's community, its street, the center. */
function isParty(h: HelpSeenFacts, actor: Actor): boolean {
  return actor.accountId === h.requesterId
    || actor.role === 'center'
    || (actor.role === 'community' && actor.orgId === h.communityId)
    || (actor.role === 'street' && actor.orgId === h.streetId);
}

export function canSeeHelp(h: HelpSeenFacts, actor: Actor): boolean {
  if (NEVER.has(actor.role)) return false;
  return !HELP_HIDDEN_STATUSES.includes(h.status) || isParty(h, actor);
}

export function canSeeHelpPlace(h: HelpSeenFacts, actor: Actor): boolean {
  if (!canSeeHelp(h, actor)) return false;
  return isParty(h, actor) || (!!h.claimerId && h.claimerId === actor.accountId);
}

/**
 * `canSeeHelp` as a condition over the read model's `help_requests` rows (migration 002): true of
 * exactly the rows `canSeeHelp` allows `actor`. `param` adds a parameter and answers its
 * placeholder; nothing of the actor is written into the text itself.
 */
export function helpVisibleCondition(actor: Actor, param: (value: unknown) => string): string {
  if (NEVER.has(actor.role)) return 'FALSE';
  if (actor.role === 'center') return 'TRUE';
  const or = [`status <> ALL(${param([...HELP_HIDDEN_STATUSES])}::text[])`, `requester_id = ${param(actor.accountId)}`];
  if (actor.role === 'community') or.push(`community_id = ${param(actor.orgId)}`);
  if (actor.role === 'street') or.push(`street_id = ${param(actor.orgId)}`);
  return `(${or.join(' OR ')})`;
}
