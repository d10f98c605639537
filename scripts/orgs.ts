/**
 * `npm run orgs -- <command>`: the district's organisation tree from its own files (上线).
 *
 *   npm run orgs -- import FILE [--dry-run]     FILE: .csv, .json or .xlsx (lib/org-import)
 *   npm run orgs -- export [--format csv|json]  the tree in the same format, on standard output
 *
 * An import is all or nothing: with any error it prints every one (row, id, field, the reason in
 * Chinese and English) and exits 2, nothing applied. Audited (`orgs_imported`, actor `cli:<user>`)
 * when it changed something.
 */
import fs from 'node:fs';
import path from 'node:path';
import { withDatabase } from './database';
import { cliActor } from '../lib/audit';
import { commandLine } from './command-line';
import { ImportRefused, exportOrgs, formatOf, importOrgs } from '../lib/org-import';

const USAGE = `usage:
  npm run orgs -- import FILE [--dry-run]      add, update or deactivate units from FILE (.csv, .json or .xlsx)
  npm run orgs -- export [--format csv|json]   print the tree in the import's format (csv by default)
FILE's columns: id,kind,name,parentId[,active] (JSON: {"orgs": [{"id", "kind", "name", "parentId", "active"?}]});
kinds: center, supervision, street, community, compound, grid, department.`;

const cli = commandLine(USAGE, ['import', 'export'] as const);
const fail: (message: string) => never = cli.fail;

async function main() {
  const [command, rest] = cli.read();
  const { values, positionals } = cli.options(rest, { 'dry-run': { type: 'boolean' }, format: { type: 'string' } }, true);
  if (command === 'import') {
    const file = positionals[0];
    if (!file || positionals.length > 1) fail('import needs exactly one FILE');
    const format = formatOf(file);
    if (!format) fail(`${file}: the file must end in .csv, .json or .xlsx`);
    if (!fs.existsSync(file)) fail(`${file}: no such file`);
    const content = fs.readFileSync(file);
    await withDatabase(async (pool) => {
      try {
        const r = await importOrgs(pool, content, format, { dryRun: values['dry-run'], actor: cliActor() });
        const changed = r.created.length + r.updated.length + r.deactivated.length;
        console.log(`${path.basename(file)}${r.dryRun ? ' (dry run: nothing written)' : ''}: ${r.created.length} created, ` +
          `${r.updated.length} updated, ${r.deactivated.length} deactivated, ${r.unchanged} unchanged`);
        for (const [what, ids] of [['created', r.created], ['updated', r.updated], ['deactivated', r.deactivated]] as const) {
          if (ids.length) console.log(`  ${what}: ${ids.join(', ')}`);
        }
        if (!changed) console.log('nothing changed; no audit entry written');
      } catch (err) {
        if (!(err instanceof ImportRefused)) throw err;
        console.error(`${path.basename(file)}: ${err.errors.length} error(s); nothing was applied`);
        for (const e of err.errors) console.error(`  row ${e.row}${e.id ? ` (${e.id})` : ''} ${e.field}: ${e.messageZh} — ${e.message}`);
        process.exitCode = 2;
      }
    });
    return;
  }
  {
    const format = values.format ?? 'csv';
    if (format !== 'csv' && format !== 'json') fail('--format must be csv or json');
    if (positionals.length) fail('export takes no FILE: redirect its output');
    await withDatabase(async (pool) => {
      process.stdout.write(await exportOrgs(pool, format));
    });
  }
}

main().catch((err) => {
  console.error(err?.message ?? err);
  process.exit(1);
});
