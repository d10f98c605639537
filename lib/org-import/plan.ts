/**
 * An organisation file against the tree on record: every error of the file, or what it changes.
 * Pure: the store reads the tree (and which units hold open whistles) and applies the plan.
 *
 * Rules (CONTRACT.md, "Setting up a district"): ids match ^[a-z0-9][a-z0-9-]{1,62}$ and never
 * change (nor does a unit's kind); the kind fixes the parent's kind; exactly one center; no id
 * twice; no cycle; a unit left out stays as it is; `active: false` deactivates, refused while the
 * unit holds or is the filing place of an open whistle, or has active children.
 */
import { ORG_KINDS, PARENT_KIND, KIND_ZH, type OrgKind } from '../units';
import type { ImportError, OrgRecord } from './records';
import type { TableRecord } from './table';

export const ORG_COLUMNS = { required: ['id', 'kind', 'name', 'parentId'], optional: ['active'] } as const;
const ORG_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;

export interface StoredOrg { id: string; kind: OrgKind; name: string; parentId: string | null; active: boolean }

export interface OrgPlan {
  created: StoredOrg[];
  updated: StoredOrg[];
  deactivated: StoredOrg[];
  unchanged: number;
}

const TRUE = ['true', '1', 'yes', 'y', '是', '启用'];
const FALSE = ['false', '0', 'no', 'n', '否', '停用'];

/** Records from the table's cells; errors for what cannot even be read (an `active` that is no yes/no). */
export function orgRecords(records: TableRecord[], errors: ImportError[]): OrgRecord[] {
  return records.map(({ row, cells }) => {
    const r: OrgRecord = { row, id: cells.id ?? '', kind: cells.kind ?? '', name: cells.name ?? '', parentId: cells.parentId ?? null };
    const active = cells.active?.toLowerCase();
    if (active !== undefined && active !== null) {
      if (TRUE.includes(active)) r.active = true;
      else if (FALSE.includes(active)) r.active = false;
      else errors.push({ row, id: r.id || null, field: 'active', message: `active must be true or false, got "${cells.active}"`, messageZh: `active 须为 true 或 false，实际为“${cells.active}”` });
    }
    return r;
  });
}

/** The plan, its errors, and the units it would deactivate (to be checked against open whistles). */
export function planOrgImport(records: OrgRecord[], existing: Map<string, StoredOrg>): { plan: OrgPlan; errors: ImportError[]; deactivating: string[] } {
  const errors: ImportError[] = [];
  const err = (r: OrgRecord, field: string, message: string, messageZh: string) => errors.push({ row: r.row, id: r.id || null, field, message, messageZh });
  const firstRow = new Map<string, number>();
  const fileRecords: OrgRecord[] = [];
  for (const r of records) {
    let ok = true;
    if (!ORG_ID.test(r.id)) {
      ok = false;
      err(r, 'id', `id "${r.id}" must be 2 to 63 lower-case letters, digits or -, starting with a letter or digit`, `编码“${r.id}”须为 2 至 63 个小写字母、数字或 -，以字母或数字开头`);
    } else if (firstRow.has(r.id)) {
      ok = false;
      err(r, 'id', `id "${r.id}" is repeated (first in row ${firstRow.get(r.id)})`, `编码“${r.id}”重复（首次出现在第 ${firstRow.get(r.id)} 行）`);
    } else {
      firstRow.set(r.id, r.row);
    }
    if (!ORG_KINDS.includes(r.kind as OrgKind)) {
      ok = false;
      err(r, 'kind', `kind must be one of ${ORG_KINDS.join(', ')}, got "${r.kind}"`, `类型须为 ${ORG_KINDS.join('、')} 之一，实际为“${r.kind}”`);
    } else if (existing.get(r.id) && existing.get(r.id)!.kind !== r.kind) {
      ok = false;
      const was = existing.get(r.id)!.kind;
      err(r, 'kind', `unit ${r.id} is a ${was}; a unit's kind never changes`, `单位“${r.id}”是${KIND_ZH[was]}，类型不能更改`);
    }
    if (!r.name) { ok = false; err(r, 'name', 'name is required', '名称不能为空'); }
    else if ([...r.name].length > 100) { ok = false; err(r, 'name', 'name may have at most 100 characters', '名称最多 100 个字符'); }
    if (ok) fileRecords.push(r);
  }

  // The tree after the import: the units on record, each replaced by its record in the file.
  const after = new Map(existing);
  for (const r of fileRecords) {
    const before = existing.get(r.id);
    after.set(r.id, { id: r.id, kind: r.kind as OrgKind, name: r.name, parentId: r.parentId, active: r.active ?? before?.active ?? true });
  }

  for (const r of fileRecords) {
    const unit = after.get(r.id)!;
    const wanted = PARENT_KIND[unit.kind];
    if (wanted === null) {
      if (unit.parentId !== null) err(r, 'parentId', 'the center has no parent', '区中心没有上级单位');
      continue;
    }
    if (unit.parentId === null) { err(r, 'parentId', `a ${unit.kind} needs a parent (a ${wanted})`, `${KIND_ZH[unit.kind]}须有上级单位（${KIND_ZH[wanted]}）`); continue; }
    if (inCycle(unit.id, after)) { err(r, 'parentId', `parentId "${unit.parentId}" makes a cycle`, `上级单位“${unit.parentId}”形成循环`); continue; }
    const parent = after.get(unit.parentId);
    if (!parent) { err(r, 'parentId', `unknown parent "${unit.parentId}"`, `上级单位“${unit.parentId}”不存在`); continue; }
    if (parent.kind !== wanted) {
      err(r, 'parentId', `the parent of a ${unit.kind} must be a ${wanted}; "${parent.id}" is a ${parent.kind}`,
        `${KIND_ZH[unit.kind]}的上级须为${KIND_ZH[wanted]}，“${parent.id}”是${KIND_ZH[parent.kind]}`);
      continue;
    }
    if (unit.active && !parent.active) err(r, 'parentId', `parent "${parent.id}" is deactivated`, `上级单位“${parent.name}”已停用`);
  }

  const centers = [...after.values()].filter((o) => o.kind === 'center');
  if (centers.length !== 1) {
    const extra = fileRecords.filter((r) => r.kind === 'center' && !existing.has(r.id));
    if (centers.length === 0) errors.push({ row: 0, id: null, field: 'kind', message: 'the tree needs exactly one center; the file names none', messageZh: '须有且只有一个区中心，文件中没有' });
    for (const r of extra.length ? extra : fileRecords.filter((x) => x.kind === 'center')) {
      err(r, 'kind', `there must be exactly one center; ${centers.map((c) => c.id).join(', ')} would be ${centers.length}`, `须有且只有一个区中心，导入后将有 ${centers.length} 个`);
    }
  }

  const plan: OrgPlan = { created: [], updated: [], deactivated: [], unchanged: 0 };
  for (const r of fileRecords) {
    const unit = after.get(r.id)!;
    const before = existing.get(r.id);
    if (!before) plan.created.push(unit);
    else if (before.active && !unit.active) plan.deactivated.push(unit);
    else if (before.name !== unit.name || before.parentId !== unit.parentId || before.active !== unit.active) plan.updated.push(unit);
    else plan.unchanged++;
  }
  for (const unit of plan.deactivated) {
    const activeChildren = [...after.values()].filter((o) => o.parentId === unit.id && o.active).map((o) => o.id);
    if (activeChildren.length) {
      const r = fileRecords.find((x) => x.id === unit.id)!;
      err(r, 'active', `${unit.id} cannot be deactivated while it has active units under it: ${activeChildren.slice(0, 5).join(', ')}${activeChildren.length > 5 ? ' …' : ''}`,
        `“${unit.name}”下仍有启用的单位（${activeChildren.slice(0, 5).join('、')}${activeChildren.length > 5 ? '等' : ''}），不能停用`);
    }
  }
  return { plan, errors, deactivating: plan.deactivated.map((o) => o.id) };
}

/** Whether following parents from `id` comes back to it. */
function inCycle(id: string, tree: Map<string, StoredOrg>): boolean {
  const seen = new Set<string>();
  for (let at = tree.get(id)?.parentId ?? null; at !== null; at = tree.get(at)?.parentId ?? null) {
    if (at === id) return true;
    if (seen.has(at)) return false;
    seen.add(at);
  }
  return false;
}

/** The errors of deactivations refused because the unit holds or is the filing place of open whistles. */
export function blockedErrors(records: OrgRecord[], blocked: Map<string, number>): ImportError[] {
  return [...blocked].map(([id, count]) => {
    const r = records.find((x) => x.id === id)!;
    return { row: r.row, id, field: 'active', message: `${id} cannot be deactivated: it holds or filed ${count} open whistle${count === 1 ? '' : 's'}`,
      messageZh: `“${r.name}”仍有 ${count} 件未办结的事项（承办或吹哨），不能停用` };
  });
}
