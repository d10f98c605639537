/** Every word the console shows for the API's codes, in the domain's own Chinese terms. */
import type { HelpAction, Role, WhistleAction } from './api/types';

/** The buttons' labels (contract, "Console"). */
export const ACTION_LABELS: Record<WhistleAction, string> = {
  accept: '受理',
  progress: '反馈进展',
  resolve: '办结',
  escalate: '上报区中心',
  triage: '分拨派单',
  return: '退单',
  urge: '督办',
  evaluate: '评价',
  withdraw: '撤回',
  'request-extension': '申请延期',
  'decide-extension': '审批延期',
  merge: '合并',
};

export const HELP_ACTION_LABELS: Record<HelpAction, string> = {
  verify: '审核下单',
  claim: '接单',
  'check-in': '报到',
  complete: '完成服务',
  confirm: '确认评价',
  cancel: '取消点单',
};

export const ROLE_LABELS: Record<Role, string> = {
  community: '社区',
  street: '街道（镇）',
  center: '区中心',
  department: '职能部门',
  supervisor: '督查',
  member: '党员',
  resident: '居民',
};

export const STATUS_LABELS: Record<string, string> = {
  filed: '待街道受理',
  street_handling: '街道办理中',
  escalated: '待区中心派单',
  dispatched: '待部门受理',
  department_handling: '部门办理中',
  resolved: '已办结待评价',
  closed: '已办结',
  withdrawn: '已撤回',
  merged: '已合并',
};

export const LIST_LABELS: Record<string, string> = {
  immediate: '即办清单',
  phased: '阶段性事项清单',
  understanding: '谅解清单',
};

export const DEPARTMENT_STATUS_LABELS: Record<string, string> = {
  dispatched: '待受理',
  handling: '办理中',
  returned: '已退单',
  resolved: '已办结',
};

export const RATING_LABELS: Record<string, string> = {
  satisfied: '满意',
  basically_satisfied: '基本满意',
  unsatisfied: '不满意',
};

export const OUTCOME_LABELS: Record<string, string> = { solved: '已解决', explained: '已解释说明' };

export const RETURN_KIND_LABELS: Record<string, string> = {
  not_our_area: '非本单位职责范围',
  not_our_function: '非本单位职能',
  other: '其他',
};

export const EXTENSION_STATUS_LABELS: Record<string, string> = {
  requested: '待审批',
  approved: '已批准',
  rejected: '已驳回',
  lapsed: '已失效',
};

export const TIMELINE_LABELS: Record<string, string> = {
  filed: '吹哨',
  accepted: '受理（报到）',
  progress: '反馈进展',
  resolved: '办结',
  escalated: '上报区中心',
  deadline_escalation: '超时自动上报区中心',
  triaged: '分拨派单',
  returned: '退单',
  urged: '督办',
  overdue: '超期',
  reminder: '进展提醒',
  evaluated: '评价',
  reopened: '重新办理',
  closed: '结案',
  evaluation_expired: '评价期满自动结案',
  withdrawn: '撤回',
  extension_requested: '申请延期',
  extension_approved: '批准延期',
  extension_rejected: '驳回延期',
  extension_lapsed: '延期申请失效',
  merged: '合并为重复件',
  merged_in: '并入重复件',
  deadline_recomputed: '期限重算',
  due_soon: '临期预警',
};

export const HELP_STATUS_LABELS: Record<string, string> = {
  pending_verification: '待社区审核',
  open: '待接单',
  rejected: '未通过审核',
  claimed: '已接单',
  in_service: '服务中',
  completed: '已完成待确认',
  closed: '已结束',
  cancelled: '已取消',
};

export const HELP_TIMELINE_LABELS: Record<string, string> = {
  posted: '点单',
  verification_reminder: '审核提醒',
  verified: '社区下单',
  rejected: '审核未通过',
  unclaimed_notice: '无人接单提醒',
  claimed: '接单',
  no_show: '未按时报到',
  checked_in: '报到',
  completed: '完成服务',
  confirmed: '确认评价',
  confirmation_expired: '确认期满',
  cancelled: '取消',
};

export const NOTIFICATION_KIND_LABELS: Record<string, string> = {
  whistle_filed: '新吹哨',
  whistle_to_center: '上报区中心',
  whistle_dispatched: '派单',
  overdue: '超期',
  urged: '督办',
  progress_reminder: '进展提醒',
  feedback: '办理结果反馈',
  evaluated: '评价',
  withdrawn: '撤回',
  due_soon: '临期预警',
  extension_requested: '延期申请',
  extension_decided: '延期审批结果',
};

export const DELIVERY_LABELS: Record<string, string> = {
  pending: '待发送',
  delivered: '已送达',
  failed: '发送失败',
  inbox: '站内',
};

export const label = (table: Record<string, string>, code: string | null | undefined, fallback = '—') =>
  code == null ? fallback : (table[code] ?? code);
