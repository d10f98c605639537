/**
 * Every Chinese word people read for the vocabulary's codes, in the domain's own terms: one
 * source for the server's refusals and messages and for the console's pages.
 */
import type { HelpAction, HelpStatus, HelpTimelineType } from './help';
import type { NotificationKind } from './notifications';
import type { OrgKind, Role } from './roles';
import type {
  DepartmentStatus, List, Outcome, Rating, ReturnRuling, WhistleAction, WhistleSource, WhistleStatus, WhistleTimelineType,
} from './whistle';
import type { ReturnKind } from './whistle-actions';

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
  callback: '回访',
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
  admin: '系统管理员',
  security: '安全管理员',
  auditor: '审计管理员',
};

/**
 * What an account is called by its role and the kind of its unit: a community account on a grid
 * is its grid worker (网格员), on a compound its property office (小区); otherwise the role's name.
 */
export function accountRoleLabel(role: Role, orgKind: OrgKind | undefined): string {
  if (role === 'community' && orgKind === 'grid') return '网格员';
  if (role === 'community' && orgKind === 'compound') return '小区';
  return ROLE_LABELS[role];
}

export const ORG_KIND_LABELS: Record<OrgKind, string> = {
  center: '区中心',
  supervision: '督查室',
  street: '街道（镇）',
  community: '社区',
  compound: '小区',
  grid: '网格',
  department: '职能部门',
};

/**
 * A whistle's status. `resolved` is 办结 by the holder, waiting for the whistle-blower's
 * evaluation: 已办结待评价; `closed` ends the case (evaluated, or the evaluation window passed):
 * 已办结 — the same handling, no longer waiting for anything. Not 已关闭: the matter was
 * handled, and people read 关闭 as shut without handling. The timeline names the moment 结案.
 */
export const STATUS_LABELS: Record<WhistleStatus, string> = {
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

export const LIST_LABELS: Record<List, string> = {
  immediate: '即办清单',
  phased: '阶段性事项清单',
  understanding: '谅解清单',
};

export const DEPARTMENT_STATUS_LABELS: Record<DepartmentStatus, string> = {
  dispatched: '待受理',
  handling: '办理中',
  returned: '已退单',
  resolved: '已办结',
};

export const RATING_LABELS: Record<Rating, string> = {
  satisfied: '满意',
  basically_satisfied: '基本满意',
  unsatisfied: '不满意',
};

export const OUTCOME_LABELS: Record<Outcome, string> = { solved: '已解决', explained: '已解释说明' };

export const RETURN_KIND_LABELS: Record<ReturnKind, string> = {
  not_our_area: '非本单位职责范围',
  not_our_function: '非本单位职能',
  other: '其他',
};

/** 派单异议审核: the center's ruling on a return. */
export const RETURN_RULING_LABELS: Record<ReturnRuling, string> = {
  upheld: '维持退回',
  rejected: '驳回退回',
};

export const SOURCE_LABELS: Record<WhistleSource, string> = {
  community: '社区吹哨',
  open311: 'Open311 上报',
  proactive: '未诉先办',
};

export const EXTENSION_STATUS_LABELS: Record<'requested' | 'approved' | 'rejected' | 'lapsed', string> = {
  requested: '待审批',
  approved: '已批准',
  rejected: '已驳回',
  lapsed: '已失效',
};

export const TIMELINE_LABELS: Record<WhistleTimelineType, string> = {
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
  merge_unconfirmed: '合并未确认',
  deadline_recomputed: '期限重算',
  due_soon: '临期预警',
  return_ruled: '派单异议审核',
  callback: '回访',
};

export const HELP_STATUS_LABELS: Record<HelpStatus, string> = {
  pending_verification: '待社区审核',
  open: '待接单',
  rejected: '未通过审核',
  claimed: '已接单',
  in_service: '服务中',
  completed: '已完成待确认',
  closed: '已结束',
  cancelled: '已取消',
};

export const HELP_TIMELINE_LABELS: Record<HelpTimelineType, string> = {
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
  deadline_recomputed: '期限重算',
};

export const NOTIFICATION_KIND_LABELS: Record<NotificationKind, string> = {
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
  merged_in: '重复件并入',
  help_posted: '新点单待审核',
  help_verification_reminder: '点单审核提醒',
  help_open: '点单已上墙',
  help_rejected: '点单未通过审核',
  help_unclaimed: '点单无人接单',
  help_claimed: '点单已被接单',
  help_no_show: '接单人未报到',
  help_completed: '服务已完成待确认',
  help_rated: '服务评价',
  help_cancelled: '点单已取消',
};

/** 定期验单: the Chinese heading of each column of the quarter's rows (the table and the CSV alike). */
export const ASSESSMENT_COLUMN_LABELS = {
  unitId: '单位编号',
  unitName: '单位',
  kind: '类型',
  received: '接收',
  acceptedOnTime: '按时受理',
  resolved: '办结',
  resolvedOnTime: '按时办结',
  overdue: '超期',
  escalated: '上报',
  returned: '退单',
  urged: '督办',
  evaluated: '评价',
  satisfied: '满意',
  basicallySatisfied: '基本满意',
  unsatisfied: '不满意',
  extended: '延期',
  dueSoonWarned: '临期预警',
  pendingAcceptance: '待受理（未到期）',
  pendingResolution: '待办结（未到期）',
  returnsUpheld: '退单异议成立',
  returnsRejected: '退单异议驳回',
  callbacks: '回访',
  callbacksReached: '回访接通',
  callbackSatisfied: '回访满意',
  responseRate: '响应率',
  resolutionRate: '解决率',
  onTimeRate: '按时办结率',
  satisfactionRate: '满意率',
  callbackSatisfactionRate: '回访满意率',
  score: '得分',
} as const;

export const DELIVERY_LABELS: Record<string, string> = {
  pending: '待发送',
  delivered: '已送达',
  failed: '发送失败',
  inbox: '站内',
};

/** The label of `code` in `table`, the code itself when the table has none, `fallback` for none. */
export const label = (table: Record<string, string>, code: string | null | undefined, fallback = '—'): string =>
  code == null ? fallback : (table[code] ?? code);
