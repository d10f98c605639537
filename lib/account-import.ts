/**
 * Many accounts at once (账号批量导入) from the district's list of people: CSV `id,role,orgId,name`
 * (or the same in JSON `{ "accounts": [...] }`, or an .xlsx sheet). All or nothing: every error of
 * the file (an existing or repeated id, an unknown unit, a role that does not fit its unit, …), or
 * every account created in one transaction, each with its key and initial password (shown once),
 * each audited (`account_created`) and the whole once (`accounts_imported`).
 */
import type { Pool, PoolClient } from 'pg';
import { recordAudit } from './audit';
import { AccountError, checkNewAccount, insertAccounts, prepareAccount, type Caller } from './accounts';
import { ImportRefused, type FileFormat, type ImportError } from './org-import/records';
import { readTable, type TableRecord } from './org-import/table';
import { inTransaction } from './db';
import type { OrgKind, Role } from './units';

const ACCOUNT_COLUMNS = { required: ['id', 'role', 'orgId', 'name'], optional: [] } as const;

export interface ImportedAccount { id: string; key: string; initialPassword: string }

export async function importAccounts(pool: Pool, pepper: string, content: Buffer, format: FileFormat, caller: Caller): Promise<{ created: ImportedAccount[] }> {
  const table = await readTable(content, format, ACCOUNT_COLUMNS, 'accounts');
  const errors: ImportError[] = [...table.errors];
  if (table.records.length === 0) throw new ImportRefused(errors);
  // Checked against the tree, then hashed (in parallel, outside any transaction), then written together: an id
  // taken meanwhile fails the insert (unique), and nothing of the file is written.
  const accepted = await inTransaction(pool, (client) => checkRecords(client, table.records, errors, caller));
  if (errors.length) throw new ImportRefused(errors.sort((a, b) => a.row - b.row));
  const prepared = await Promise.all(accepted.map((a) => prepareAccount(pepper, a)));
  return inTransaction(pool, async (client) => {
    await insertAccounts(client, prepared);
    await client.query(
      `INSERT INTO audit_log (type, actor, subject, note, address)
       SELECT 'account_created', $1, s, n, $2 FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS e(s, n, i) ORDER BY i`,
      [caller.actor, caller.address ?? null, accepted.map((a) => a.id), accepted.map((a) => `${a.role} of ${a.orgId} (imported)`)]);
    await recordAudit(client, { type: 'accounts_imported', actor: caller.actor, subject: null, address: caller.address ?? null,
      note: `${prepared.length} account${prepared.length === 1 ? '' : 's'} created: ${prepared.slice(0, 20).map((c) => c.id).join(', ')}${prepared.length > 20 ? ' …' : ''}` });
    return { created: prepared.map(({ id, key, initialPassword }) => ({ id, key, initialPassword })) };
  });
}

type Accepted = { id: string; role: Role; orgId: string; name: string };

/** Every record against the units and the accounts on record: the accepted ones; the errors added to `errors`. */
async function checkRecords(client: PoolClient, records: TableRecord[], errors: ImportError[], caller: Caller): Promise<Accepted[]> {
  const orgIds = [...new Set(records.map((r) => r.cells.orgId).filter((v): v is string => Boolean(v)))];
  const ids = records.map((r) => r.cells.id).filter((v): v is string => Boolean(v));
  const [{ rows: orgs }, { rows: taken }] = await Promise.all([
    client.query<{ id: string; kind: OrgKind; name: string; active: boolean }>('SELECT id, kind, name, active FROM orgs WHERE id = ANY($1::text[])', [orgIds]),
    client.query<{ id: string }>('SELECT id FROM accounts WHERE id = ANY($1::text[])', [ids]),
  ]);
  const orgById = new Map(orgs.map((o) => [o.id, o]));
  const existing = new Set(taken.map((t) => t.id));
  const firstRow = new Map<string, number>();
  const accepted: Array<{ id: string; role: Role; orgId: string; name: string }> = [];
  for (const { row, cells } of records) {
    const id = cells.id ?? '';
    const err = (field: string, message: string, messageZh: string) => errors.push({ row, id: id || null, field, message, messageZh });
    let ok = true;
    if (!id) { err('id', 'id is required', '账号不能为空'); ok = false; }
    else if (existing.has(id)) { err('id', `an account with id "${id}" already exists`, `账号“${id}”已存在`); ok = false; }
    else if (firstRow.has(id)) { err('id', `id "${id}" is repeated (first in row ${firstRow.get(id)})`, `账号“${id}”重复（首次出现在第 ${firstRow.get(id)} 行）`); ok = false; }
    else firstRow.set(id, row);
    if (!cells.role) { err('role', 'role is required', '角色不能为空'); ok = false; }
    if (!cells.orgId) { err('orgId', 'orgId is required', '所属单位不能为空'); ok = false; }
    if (!ok) continue;
    try {
      const name = checkNewAccount({ id, role: cells.role!, org: cells.orgId!, name: cells.name ?? undefined }, orgById.get(cells.orgId!), caller);
      accepted.push({ id, role: cells.role as Role, orgId: cells.orgId!, name });
    } catch (e) {
      if (!(e instanceof AccountError)) throw e;
      err(e.field ?? 'id', e.message, e.messageZh ?? e.message);
    }
  }
  return accepted;
}
