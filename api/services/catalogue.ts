/**
 * 派单目录 (dispatch catalogue): for each category, which departments usually handle it, the
 * lead, and the list. It suggests (the view's `suggestion`, preselected in the console's triage);
 * triage still names its departments. Changes are audited.
 */
import type { Pool } from 'pg';
import { recordAudit } from '../../lib/audit';
import { inTransaction } from '../../lib/db';
import { catalogueRows, putCatalogueEntry } from '../../lib/stores/catalogue';
import { CATEGORIES, CATEGORY_IDS } from '../../lib/categories';
import { bodyRefusal } from '../../workflows/rules';
import type { List } from '../../domain';
import { invalid } from '../errors';
import type { CatalogueBody } from '../schemas/catalogue';
import type { Directory } from './directory';

export interface CatalogueEntry { category: string; list: List | null; departmentIds: string[]; leadDepartmentId: string | null }
export interface Suggestion { list: List; departmentIds: string[]; leadDepartmentId: string | null }

/** How long the catalogue is reused before it is read again (a change made here is seen at once). */
const TTL_MS = 10_000;

export class CatalogueService {
  private cached: { at: number; byCategory: Map<string, Suggestion> } | null = null;

  constructor(private readonly pool: Pool, private readonly directory: Directory) {}

  private async entries(): Promise<Map<string, Suggestion>> {
    if (this.cached && Date.now() - this.cached.at < TTL_MS) return this.cached.byCategory;
    const rows = await catalogueRows(this.pool);
    const byCategory = new Map(rows.map((r) => [r.category, { list: r.list, departmentIds: r.department_ids, leadDepartmentId: r.lead_department_id }]));
    this.cached = { at: Date.now(), byCategory };
    return byCategory;
  }

  /** One entry per category, in the order of GET /v1/categories; a category without one has `list: null`. */
  async list(): Promise<CatalogueEntry[]> {
    const entries = await this.entries();
    return CATEGORIES.map(({ id }) => {
      const e = entries.get(id);
      return e ? { category: id, ...e, departmentIds: [...e.departmentIds] } : { category: id, list: null, departmentIds: [], leadDepartmentId: null };
    });
  }

  /** The suggestion for a category, or null when the catalogue has none. */
  async suggestionFor(category: string): Promise<Suggestion | null> {
    const e = (await this.entries()).get(category);
    return e ? { ...e, departmentIds: [...e.departmentIds] } : null;
  }

  /** Whether a dispatch is the catalogue's suggestion for the category (same list, departments and lead). */
  async follows(category: string, dispatch: { list: string; departmentIds: string[]; leadDepartmentId?: string }): Promise<boolean | undefined> {
    const s = await this.suggestionFor(category);
    if (!s) return undefined;
    const lead = dispatch.leadDepartmentId ?? dispatch.departmentIds[0];
    return s.list === dispatch.list && s.leadDepartmentId === lead && s.departmentIds.length === dispatch.departmentIds.length
      && s.departmentIds.every((id) => dispatch.departmentIds.includes(id));
  }

  /** Sets a category's entry (the center), audited in the same transaction. */
  async put(actor: string, category: string, body: CatalogueBody): Promise<CatalogueEntry> {
    if (!CATEGORY_IDS.includes(category)) throw invalid(`unknown category "${category}"`, `未知的事项类别“${category}”`);
    for (const id of body.departmentIds) {
      if (!(await this.directory.isKind(id, 'department'))) throw invalid(`departmentIds: unknown department "${id}"`, `未知的部门“${id}”`);
    }
    const refused = bodyRefusal('triage', body as unknown as Record<string, unknown>);
    if (refused) throw invalid(refused.message, refused.messageZh);
    const lead = body.leadDepartmentId ?? body.departmentIds[0];
    await inTransaction(this.pool, async (client) => {
      await putCatalogueEntry(client, { category, list: body.list, departmentIds: body.departmentIds, lead, actor });
      await recordAudit(client, {
        type: 'catalogue_changed', actor, subject: category,
        note: `${body.list}: ${body.departmentIds.join(', ')} (lead ${lead})`,
      });
    });
    this.cached = null;
    return { category, list: body.list as List, departmentIds: [...body.departmentIds], leadDepartmentId: lead };
  }
}
