/**
 * 上线: a district's organisation tree from its own file (CSV, JSON or .xlsx), for the command
 * (`npm run orgs -- import`) and the API (`POST /v1/orgs/import`) alike.
 *
 * One transaction: the tree is read, checked and written under a lock that keeps other imports
 * out, and the audit entry is its last statement. A process killed half-way leaves the tree as
 * it was before (PostgreSQL rolls back what never committed); there is no state between. With any
 * error nothing is written (ImportRefused carries every error). The same file twice changes
 * nothing the second time and writes no audit entry.
 */
import type { Pool, PoolClient } from 'pg';
import { recordAudit } from '../audit';
import { inTransaction } from '../db';
import { openWhistlesOf, readTree, treeInOrder, writeUnits } from '../stores/orgs';
import { blockedErrors, ORG_COLUMNS, orgRecords, planOrgImport, type StoredOrg } from './plan';
import { ImportRefused, type FileFormat } from './records';
import { readTable } from './table';

export { ImportRefused, formatOf, type FileFormat } from './records';

export interface OrgImportResult {
  dryRun: boolean;
  created: string[];
  updated: string[];
  deactivated: string[];
  unchanged: number;
  errors: [];
}

export interface OrgImportOptions {
  dryRun?: boolean;
  actor: string;
  address?: string | null;
  /** Called inside the transaction after the units are written, before the commit (tests of a killed import). */
  beforeCommit?: () => Promise<void>;
}

/** Keeps concurrent imports (and the dev seed) from checking against a tree another is changing. */
async function lockTree(client: PoolClient): Promise<void> {
  await client.query('LOCK TABLE orgs IN SHARE ROW EXCLUSIVE MODE');
}

class DryRun extends Error {
  constructor(readonly result: OrgImportResult) { super('dry run'); }
}

export async function importOrgs(pool: Pool, content: Buffer, format: FileFormat, o: OrgImportOptions): Promise<OrgImportResult> {
  const table = await readTable(content, format, ORG_COLUMNS, 'orgs');
  const errors = [...table.errors];
  const records = orgRecords(table.records, errors);
  if (table.records.length === 0) throw new ImportRefused(errors);
  try {
    return await inTransaction(pool, async (client) => {
      await lockTree(client);
      const existing = await readTree(client);
      const { plan, errors: planErrors, deactivating } = planOrgImport(records, existing);
      // A cell already refused (a formula) is not refused again for being empty.
      const refusedCells = new Set(errors.map((e) => `${e.row}:${e.field}`));
      errors.push(...planErrors.filter((e) => !refusedCells.has(`${e.row}:${e.field}`)), ...blockedErrors(records, await openWhistlesOf(client, deactivating)));
      if (errors.length) throw new ImportRefused(errors.sort((a, b) => a.row - b.row));
      const result: OrgImportResult = {
        dryRun: Boolean(o.dryRun), created: plan.created.map((u) => u.id), updated: plan.updated.map((u) => u.id),
        deactivated: plan.deactivated.map((u) => u.id), unchanged: plan.unchanged, errors: [],
      };
      // A dry run leaves through a rollback: nothing it looked at was written.
      if (o.dryRun) throw new DryRun(result);
      const changed = [...plan.created, ...plan.updated, ...plan.deactivated];
      if (changed.length === 0) return result;
      await writeUnits(client, changed);
      await o.beforeCommit?.();
      await recordAudit(client, {
        type: 'orgs_imported', actor: o.actor, subject: null, address: o.address ?? null,
        note: `${plan.created.length} created, ${plan.updated.length} updated, ${plan.deactivated.length} deactivated, ${plan.unchanged} unchanged`,
      });
      return result;
    });
  } catch (err) {
    if (err instanceof DryRun) return err.result;
    throw err;
  }
}

export type ExportFormat = 'csv' | 'json';

/** The tree in the import's own format (parents first), so that importing it back changes nothing. */
export async function exportOrgs(db: Pool, format: ExportFormat): Promise<string> {
  const units = await treeInOrder(db);
  if (format === 'json') return `${JSON.stringify({ orgs: units.map(exported) }, null, 2)}\n`;
  const { stringify } = await import('csv-stringify');
  return new Promise((resolve, reject) => stringify(
    units.map((u) => [u.id, u.kind, u.name, u.parentId ?? '', String(u.active)]),
    { header: true, columns: ['id', 'kind', 'name', 'parentId', 'active'] },
    (err, out) => (err ? reject(err) : resolve(out)),
  ));
}

const exported = (u: StoredOrg) => ({ id: u.id, kind: u.kind, name: u.name, parentId: u.parentId, active: u.active });
