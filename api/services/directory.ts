/**
 * Organisations and accounts: authentication by hashed key, the org tree, and the facts the
 * API checks input against. Organisations change rarely, so they are cached briefly; what a key
 * resolved to is cached for seconds only and forgotten when an account changes
 * (credential-cache.ts), so a rotated key or a disabled account stops working at once.
 */
import type { Pool } from 'pg';
import { hashKey } from '../../lib/keys';
import { CredentialCache } from './credential-cache';
import type { Org, OrgKind } from '../../lib/seed';
import type { Actor, Role } from '../../workflows/messages';

export interface Account { id: string; role: Role; orgId: string; name: string }

const ORG_TTL_MS = 30_000;

export class Directory {
  private orgs: { at: number; byId: Map<string, Org> } | null = null;

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
    const { rows } = await this.pool.query<Account>(
      'SELECT id, role, org_id AS "orgId", name FROM accounts WHERE key_hash = $1 AND disabled_at IS NULL', [hash]);
    const account = rows[0] ?? null;
    this.credentials.set(`k:${hash}`, account);
    return account;
  }

  async orgMap(): Promise<Map<string, Org>> {
    if (this.orgs && Date.now() - this.orgs.at < ORG_TTL_MS) return this.orgs.byId;
    const { rows } = await this.pool.query<Org>('SELECT id, kind, name, parent_id AS "parentId" FROM orgs ORDER BY id');
    this.orgs = { at: Date.now(), byId: new Map(rows.map((o) => [o.id, o])) };
    return this.orgs.byId;
  }

  async listOrgs(): Promise<Org[]> {
    return [...(await this.orgMap()).values()];
  }

  async org(id: string): Promise<Org | undefined> {
    return (await this.orgMap()).get(id);
  }

  async isKind(id: string, kind: OrgKind): Promise<boolean> {
    return (await this.org(id))?.kind === kind;
  }

  /** The community an account belongs to: its own org, or the parent of a compound. */
  async communityOf(orgId: string): Promise<Org | undefined> {
    const org = await this.org(orgId);
    if (org?.kind === 'community') return org;
    if (org?.kind === 'compound' && org.parentId) return this.org(org.parentId);
    return undefined;
  }

  async listAccounts(): Promise<Account[]> {
    const { rows } = await this.pool.query<Account>('SELECT id, role, org_id AS "orgId", name FROM accounts ORDER BY id');
    return rows;
  }
}

export function actorOf(account: Account): Actor {
  return { accountId: account.id, role: account.role, orgId: account.orgId };
}
