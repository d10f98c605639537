/**
 * The organisation tree (组织架构) as the system administrator keeps it: an import of the
 * district's own file (all or nothing, audited) and the export in the same format. The work is
 * lib/org-import's; here its refusals become the contract's errors, and the directory forgets the
 * tree it cached.
 */
import type { Pool } from 'pg';
import { exportOrgs, importOrgs, ImportRefused } from '../../lib/org-import';
import type { FileFormat } from '../../lib/org-import/records';
import { importRefused } from './accounts';
import type { Directory } from './directory';

export class OrgService {
  constructor(private readonly pool: Pool, private readonly directory: Directory) {}

  async import(content: Buffer, format: FileFormat, o: { dryRun: boolean; actor: string; address: string }) {
    try {
      return await importOrgs(this.pool, content, format, o);
    } catch (err) {
      if (err instanceof ImportRefused) throw importRefused(err);
      throw err;
    } finally {
      this.directory.forgetOrgs();
    }
  }

  export(format: 'csv' | 'json'): Promise<string> {
    return exportOrgs(this.pool, format);
  }
}
