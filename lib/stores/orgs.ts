/**
 * Organisations and accounts (tables `orgs`, `accounts`): the tree as the service reads it, an
 * import's units, what blocks a deactivation, and the accounts the directory authenticates. SQL
 * only; changes to accounts are lib/accounts.ts's.
 */
import type { Pool, PoolClient } from 'pg';
import type { Db } from '../db';
import type { Org, Role } from '../../domain';
import type { StoredOrg } from '../org-import/plan';

const OPEN = ['filed', 'street_handling', 'escalated', 'dispatched', 'department_handling'];

/** Every unit, with its state. */
export async function readTree(db: Pool | PoolClient): Promise<Map<string, StoredOrg>> {
  const { rows } = await db.query<StoredOrg>('SELECT id, kind, name, parent_id AS "parentId", active FROM orgs');
  return new Map(rows.map((o) => [o.id, o]));
}

/** Units in the order of the tree (parents first), for an export that imports back as it is. */
export async function treeInOrder(db: Pool | PoolClient): Promise<StoredOrg[]> {
  const { rows } = await db.query<StoredOrg>(
    `WITH RECURSIVE t AS (
       SELECT id, kind, name, parent_id, active, 0 AS depth FROM orgs WHERE parent_id IS NULL
       UNION ALL SELECT o.id, o.kind, o.name, o.parent_id, o.active, t.depth + 1 FROM orgs o JOIN t ON o.parent_id = t.id)
     SELECT id, kind, name, parent_id AS "parentId", active FROM t ORDER BY depth, id`);
  return rows;
}

/**
 * For each of `ids`, how many open whistles it holds (holder, or a dispatched department still to
 * accept) or is the filing place of (filing unit, community, compound, grid).
 */
export async function openWhistlesOf(db: Pool | PoolClient, ids: string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.query<{ id: string; n: number }>(
    `SELECT u.id, count(*)::int AS n
       FROM unnest($1::text[]) AS u(id)
       JOIN whistles w ON w.status = ANY($2::text[])
        AND (w.holder = u.id OR w.waiting_org_ids @> ARRAY[u.id] OR w.filer_org_id = u.id OR w.community_id = u.id
             OR w.compound_id = u.id OR w.view -> 'location' ->> 'grid' = u.id)
      GROUP BY u.id`, [ids, OPEN]);
  return new Map(rows.map((r) => [r.id, r.n]));
}

/** Inserts and updates the units in one statement (the parent keys are checked at its end, whatever the order). */
export async function writeUnits(client: PoolClient, units: StoredOrg[]): Promise<void> {
  if (units.length === 0) return;
  await client.query(
    `INSERT INTO orgs (id, kind, name, parent_id, active)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::boolean[])
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, parent_id = EXCLUDED.parent_id, active = EXCLUDED.active`,
    [units.map((u) => u.id), units.map((u) => u.kind), units.map((u) => u.name), units.map((u) => u.parentId), units.map((u) => u.active)]);
}

export interface AccountRecord { id: string; role: Role; orgId: string; name: string }

/** Every unit with whether it is active (a deactivated one's history is still shown by name). */
export async function allOrgs(db: Db): Promise<Array<Org & { active: boolean }>> {
  const { rows } = await db.query<Org & { active: boolean }>('SELECT id, kind, name, parent_id AS "parentId", active FROM orgs ORDER BY id');
  return rows;
}

/**
 * The supervision offices (督查室) and centers (区中心), who hear of every overdue or escalated
 * whistle, and every unit's name (for the notifications' sentences).
 */
export async function supervisorsAndCenters(db: Db): Promise<{ supervisors: string[]; centers: string[]; names: Map<string, string> }> {
  const { rows } = await db.query<{ id: string; kind: string; name: string }>('SELECT id, kind, name FROM orgs ORDER BY id');
  return {
    supervisors: rows.filter((r) => r.kind === 'supervision').map((r) => r.id),
    centers: rows.filter((r) => r.kind === 'center').map((r) => r.id),
    names: new Map(rows.map((r) => [r.id, r.name])),
  };
}

/** The enabled account of an active unit whose key hashes to `keyHash`, or null. */
export async function accountByKeyHash(db: Db, keyHash: string): Promise<AccountRecord | null> {
  const { rows } = await db.query<AccountRecord>(
    `SELECT a.id, a.role, a.org_id AS "orgId", a.name FROM accounts a JOIN orgs o ON o.id = a.org_id
      WHERE key_hash = $1 AND a.disabled_at IS NULL AND o.active`, [keyHash]);
  return rows[0] ?? null;
}

/** An account by id, enabled or not, or null. */
export async function accountById(db: Db, id: string): Promise<AccountRecord | null> {
  const { rows } = await db.query<AccountRecord>('SELECT id, role, org_id AS "orgId", name FROM accounts WHERE id = $1', [id]);
  return rows[0] ?? null;
}

/** The name and role of each account among `ids` (unknown ids are left out). */
export async function accountsByIds(db: Db, ids: string[]): Promise<Map<string, { name: string; role: string }>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.query<{ id: string; name: string; role: string }>(
    'SELECT id, name, role FROM accounts WHERE id = ANY($1::text[])', [ids]);
  return new Map(rows.map((r) => [r.id, { name: r.name, role: r.role }]));
}

/** An account as the administrators' list shows it (no key, no password; when it last signed in). */
export interface AccountListing extends AccountRecord {
  disabled: boolean; hasPassword: boolean; mustChangePassword: boolean; lastSignInAt: Date | null;
}

/** Every account, with whether its password must be changed (initial, or older than `passwordMaxAgeDays` when above 0). */
export async function accountListings(db: Db, passwordMaxAgeDays: number): Promise<AccountListing[]> {
  const { rows } = await db.query<AccountListing>(
    `SELECT id, role, org_id AS "orgId", name, disabled_at IS NOT NULL AS disabled, password_hash IS NOT NULL AS "hasPassword",
            password_hash IS NOT NULL AND (must_change_password
              OR ($1::int > 0 AND password_set_at < now() - make_interval(days => $1::int))) AS "mustChangePassword",
            last_sign_in_at AS "lastSignInAt"
       FROM accounts ORDER BY id`, [passwordMaxAgeDays]);
  return rows;
}

/** A unit's kind and parent (a community's street), or null when there is no such unit. */
export async function unitAndParent(db: Db, id: string): Promise<{ kind: string; parentId: string | null; name: string; active: boolean } | null> {
  const { rows } = await db.query<{ kind: string; parentId: string | null; name: string; active: boolean }>(
    'SELECT kind, parent_id AS "parentId", name, active FROM orgs WHERE id = $1', [id]);
  return rows[0] ?? null;
}
