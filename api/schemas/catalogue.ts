/** Schemas of the dispatch catalogue (派单目录). */
import { Type, type Static } from '@sinclair/typebox';
import { CATEGORY_IDS } from '../../lib/categories';
import { LISTS } from '../../domain';

const OrgId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });

export const CatalogueEntry = Type.Object({
  category: Type.String({ enum: [...CATEGORY_IDS] }),
  list: Type.Unsafe<string | null>({ type: 'string', enum: [...LISTS, null], nullable: true, description: 'null: no entry yet' }),
  departmentIds: Type.Array(Type.String()),
  leadDepartmentId: Type.Union([Type.String(), Type.Null()]),
}, { examples: [{ category: 'utilities', list: 'immediate', departmentIds: ['water', 'housing'], leadDepartmentId: 'water' }] });

export const CatalogueBody = Type.Object({
  list: Type.String({ enum: [...LISTS] }),
  departmentIds: Type.Array(OrgId, { minItems: 1, maxItems: 20, uniqueItems: true }),
  leadDepartmentId: Type.Optional(OrgId),
}, { additionalProperties: false, examples: [{ list: 'immediate', departmentIds: ['water', 'housing'], leadDepartmentId: 'water' }] });
export type CatalogueBody = Static<typeof CatalogueBody>;

export const CategoryParam = Type.Object({
  category: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z_]+$', description: 'A category id of GET /v1/categories' }),
}, { additionalProperties: false });
