/**
 * 派单目录 of the development seed: for every category, the list and the seeded departments that
 * usually handle it, with the lead (牵头单位) first. The center edits it in the console or with
 * PUT /v1/dispatch-catalogue/:category.
 */
import type { PoolClient } from 'pg';
import type { List } from '../domain';

export const DEV_CATALOGUE: ReadonlyArray<{ category: string; list: List; departmentIds: string[] }> = [
  { category: 'environment', list: 'immediate', departmentIds: ['urban', 'environment'] },
  { category: 'property', list: 'phased', departmentIds: ['housing'] },
  { category: 'roads', list: 'immediate', departmentIds: ['transport', 'urban'] },
  { category: 'utilities', list: 'immediate', departmentIds: ['water', 'housing'] },
  { category: 'housing', list: 'phased', departmentIds: ['housing', 'planning'] },
  { category: 'public_safety', list: 'immediate', departmentIds: ['police'] },
  { category: 'elderly_care', list: 'phased', departmentIds: ['civil', 'health'] },
  { category: 'disputes', list: 'phased', departmentIds: ['civil', 'police'] },
  { category: 'noise', list: 'immediate', departmentIds: ['environment', 'police'] },
  { category: 'greening', list: 'immediate', departmentIds: ['urban'] },
  { category: 'parking', list: 'immediate', departmentIds: ['transport', 'police'] },
  { category: 'social_security', list: 'understanding', departmentIds: ['civil'] },
  { category: 'other', list: 'immediate', departmentIds: ['urban'] },
];

export async function seedCatalogue(client: PoolClient): Promise<void> {
  for (const e of DEV_CATALOGUE) {
    await client.query(
      `INSERT INTO dispatch_catalogue (category, list, department_ids, lead_department_id, updated_by)
       VALUES ($1, $2, $3, $4, 'seed') ON CONFLICT (category) DO NOTHING`,
      [e.category, e.list, e.departmentIds, e.departmentIds[0]]);
  }
}
