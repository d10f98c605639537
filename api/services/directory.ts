/**
 * Organisations and accounts: authentication by hashed key, the org tree, and the facts the
 * API checks input against. Organisations change rarely, so they are cached briefly; what a key
 * resolved to is cached for seconds only and forgotten when an account changes
 * (credential-cache.ts), so a rotated key or a disabled account stops working at once.
 */
import type { Pool } from 'pg';
import { hashKey } from '../../lib/keys';
import { accountByKeyHash, allOrgs, type AccountRecord } from '../../lib/stores/orgs';
import { CredentialCache } from './credential-cache';
import type { Actor, Org, OrgKind } from '../../domain';

export type Account = AccountRecord;

/** A unit as the directory holds it: deactivated ones too (their history is still shown by name). */
export interface DirectoryOrg extends Org { active: boolean }

const ORG_TTL_MS = 30_000;

export class Directory {
  private orgs: { at: number; byId: Map<string, DirectoryOrg> } | null = null;

  constructor(
    private readonly pool: Pool,
    private readonly pepper: string,
    private readonly production = false,
    private readonly credentials = new CredentialCache(),
  ) {}

  async authenticate(key: string): Promise<Account | null> {
    // Production refuses the development keys even where a dev seed was once loaded.
    if (this.production && key.startsWith('dev-')) return null;
    const hash = hashKey(this.pepper, key);
    const cached = this.credentials.get<Account | null>(`k:${hash}`);
    if (cached !== undefined) return cached;
    // A disabled account's key answers nothing (its row stays, so `enable` brings the key back).
    // So does the key of an account whose unit was deactivated.
    const account = await accountByKeyHash(this.pool, hash);
    this.credentials.set(`k:${hash}`, account);
    return account;
  }

  async orgMap(): Promise<Map<string, DirectoryOrg>> {
    if (this.orgs && Date.now() - this.orgs.at < ORG_TTL_MS) return this.orgs.byId;
    const rows = await allOrgs(this.pool);
    this.orgs = { at: Date.now(), byId: new Map(rows.map((o) => [o.id, o])) };
    return this.orgs.byId;
  }

  /**
   * Forgets the cached tree (an import here, or a change announced by PostgreSQL), and the cached
   * credentials with it: a unit deactivated here shuts its accounts out at once in this process
   * too, not only when the announcement arrives.
   */
  forgetOrgs(): void {
    this.orgs = null;
    this.credentials.clear();
  }

  /** Active units (`{ id, kind, name, parentId }`); with `all`, every unit with its `active`. */
  async listOrgs(options: { all?: boolean } = {}): Promise<Array<Org & { active?: boolean }>> {
    const units = [...(await this.orgMap()).values()];
    if (options.all) return units;
    return units.filter((o) => o.active).map(({ active: _active, ...o }) => o);
  }

  async org(id: string): Promise<DirectoryOrg | undefined> {
    return (await this.orgMap()).get(id);
  }

  async isKind(id: string, kind: OrgKind): Promise<boolean> {
    return (await this.org(id))?.kind === kind;
  }

  /** The community an account belongs to: its own org, or the parent of a compound or a grid. */
  async communityOf(orgId: string): Promise<Org | undefined> {
    const org = await this.org(orgId);
    if (org?.kind === 'community') return org;
    if ((org?.kind === 'compound' || org?.kind === 'grid') && org.parentId) return this.org(org.parentId);
    return undefined;
  }
}

export function actorOf(account: Account): Actor {
  return { accountId: account.id, role: account.role, orgId: account.orgId };
}
