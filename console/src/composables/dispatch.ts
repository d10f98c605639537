/**
 * 派单: the list (三单分类), the departments and, when there are several, the lead (牵头单位), as
 * the center's triage, a proactive round and the dispatch catalogue choose them.
 */
import type { FormItemRule } from 'element-plus';
import { required } from './rules';

export interface DispatchChoice {
  list: '' | 'immediate' | 'phased' | 'understanding';
  departmentIds: string[];
  leadDepartmentId: string;
}

/** The shape a dispatch must have: a list, a department, and a lead among several. */
export const dispatchRules = (choice: DispatchChoice): Record<keyof DispatchChoice, FormItemRule[]> => ({
  list: [required('请选择清单')],
  departmentIds: [required('请选择承办部门')],
  leadDepartmentId: choice.departmentIds.length > 1 ? [required('多个部门时请指定牵头单位')] : [],
});

/** The lead stays one of the departments; a single department leads itself. */
export function keepLead(choice: DispatchChoice) {
  if (choice.leadDepartmentId && !choice.departmentIds.includes(choice.leadDepartmentId)) choice.leadDepartmentId = '';
  if (choice.departmentIds.length === 1) choice.leadDepartmentId = choice.departmentIds[0];
}

/** The lead to send: only one of the chosen departments. */
export const leadOf = (choice: DispatchChoice): { leadDepartmentId?: string } =>
  (choice.leadDepartmentId && choice.departmentIds.includes(choice.leadDepartmentId) ? { leadDepartmentId: choice.leadDepartmentId } : {});
