/** 派单目录 (table `dispatch_catalogue`): for each category the usual list, departments and lead. SQL only. */
import type { Db } from '../db';
import type { List } from '../../domain';

export interface CatalogueRow { category: string; list: List; department_ids: string[]; lead_department_id: string | null }

export async function catalogueRows(db: Db): Promise<CatalogueRow[]> {
  const { rows } = await db.query<CatalogueRow>('SELECT category, list, department_ids, lead_department_id FROM dispatch_catalogue');
  return rows;
}

/** Sets a category's entry, noting who changed it and when. */
export async function putCatalogueEntry(db: Db, e: { category: string; list: string; departmentIds: string[]; lead: string; actor: string }): Promise<void> {
  await db.query(
    `INSERT INTO dispatch_catalogue (category, list, department_ids, lead_department_id, updated_at, updated_by)
     VALUES ($1, $2, $3, $4, now(), $5)
     ON CONFLICT (category) DO UPDATE SET list = EXCLUDED.list, department_ids = EXCLUDED.department_ids,
       lead_department_id = EXCLUDED.lead_department_id, updated_at = now(), updated_by = EXCLUDED.updated_by`,
    [e.category, e.list, e.departmentIds, e.lead, e.actor]);
}
