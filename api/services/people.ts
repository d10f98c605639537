/**
 * People by name in the answers that say who did what on a help request (邻里搭把手): the
 * requester, the claimer and each timeline entry's actor. A party member's or a resident's name
 * is personal: the requester, the claimer, the request's community (or a compound or grid of
 * it), its street and the center read it whole; everyone else reads it masked (王建国 → 王*), as
 * the notice board shows reporters. Accounts of offices (社区, 街道, 部门 …) are named as they are.
 */
import type { Pool } from 'pg';
import type { HelpView } from '../../domain';
import { accountsByIds } from '../../lib/stores/orgs';
import { maskName } from './board';
import type { Account, Directory } from './directory';

interface Person { name: string; role: string }

const PERSONAL_ROLES = new Set(['member', 'resident']);

export class People {
  constructor(private readonly pool: Pool, private readonly directory: Directory) {}

  private byId(ids: string[]): Promise<Map<string, Person>> {
    return accountsByIds(this.pool, [...new Set(ids.filter((id) => id && id !== 'system'))]);
  }

  /** Whether `viewer` reads the names of this request's people whole. */
  private async knowsPeopleOf(view: HelpView, viewer: Account): Promise<boolean> {
    if (viewer.id === view.requester.accountId || viewer.id === view.claimer?.accountId) return true;
    if (viewer.role === 'center') return true;
    if (viewer.role === 'street') return viewer.orgId === view.streetId;
    if (viewer.role !== 'community') return false;
    if (viewer.orgId === view.communityId) return true;
    return (await this.directory.org(viewer.orgId))?.parentId === view.communityId;
  }

  /** The request with `name` on its requester and claimer and `actorName` on each timeline entry. */
  async named<V extends HelpView>(view: V, viewer: Account): Promise<V> {
    const people = await this.byId([view.requester.accountId, view.claimer?.accountId ?? '', ...view.timeline.map((e) => e.actor)]);
    const whole = await this.knowsPeopleOf(view, viewer);
    const nameOf = (id: string | undefined): string | null => {
      const person = id ? people.get(id) : undefined;
      if (!person) return null;
      return whole || !PERSONAL_ROLES.has(person.role) ? person.name : maskName(person.name);
    };
    return {
      ...view,
      requester: { ...view.requester, name: nameOf(view.requester.accountId) },
      claimer: view.claimer ? { ...view.claimer, name: nameOf(view.claimer.accountId) } : null,
      timeline: view.timeline.map((e) => ({ ...e, actorName: e.actor === 'system' ? null : nameOf(e.actor) })),
    };
  }
}
