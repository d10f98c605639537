/**
 * Who is who: the roles of accounts and the kinds of organisation units, where each unit hangs in
 * the tree and which role fits which unit. The vocabulary's leaf: nothing here imports anything
 * of the project.
 */

export type WorkRole = 'community' | 'street' | 'center' | 'department' | 'supervisor' | 'member' | 'resident';
/** 三员分立: the system administrator, the security administrator and the auditor; they never act on cases. */
export type SystemRole = 'admin' | 'security' | 'auditor';
export type Role = WorkRole | SystemRole;

const WORK_ROLES: readonly WorkRole[] = ['community', 'street', 'center', 'department', 'supervisor', 'member', 'resident'];
const SYSTEM_ROLES: readonly SystemRole[] = ['admin', 'security', 'auditor'];
export const ROLES: readonly Role[] = [...WORK_ROLES, ...SYSTEM_ROLES];

export function isSystemRole(role: string): role is SystemRole {
  return (SYSTEM_ROLES as readonly string[]).includes(role);
}

/** Roles of people rather than units: their notifications are their own. */
export function isPersonRole(role: string): boolean {
  return role === 'member' || role === 'resident';
}

/** Who acts: an authenticated account, passed by the API with every action. */
export interface Actor { accountId: string; role: Role; orgId: string }

export type OrgKind = 'center' | 'supervision' | 'street' | 'community' | 'compound' | 'grid' | 'department';
export const ORG_KINDS: readonly OrgKind[] = ['center', 'supervision', 'street', 'community', 'compound', 'grid', 'department'];

/** An organisation unit (区中心, 督查室, 镇街, 社区, 小区, 网格, 职能部门). */
export interface Org { id: string; kind: OrgKind; name: string; parentId: string | null }

/** The kind of a unit's parent: center → (supervision, street, department); street → community → (compound, grid). */
export const PARENT_KIND: Readonly<Record<OrgKind, OrgKind | null>> = {
  center: null, supervision: 'center', street: 'center', department: 'center', community: 'street', compound: 'community', grid: 'community',
};

/** The role of a unit's own account (专属账号). */
export const ROLE_OF_KIND: Readonly<Record<OrgKind, WorkRole>> = {
  center: 'center', supervision: 'supervisor', street: 'street', community: 'community', compound: 'community', grid: 'community',
  department: 'department',
};

/**
 * Whether an account of `role` may belong to a unit of `kind`: the unit's own role; party members
 * and residents on a community; the three administrators on the center.
 */
export function roleFitsUnit(role: Role, kind: OrgKind): boolean {
  if (role === 'member' || role === 'resident') return kind === 'community';
  if (isSystemRole(role)) return kind === 'center';
  return ROLE_OF_KIND[kind] === role;
}
