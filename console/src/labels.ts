/**
 * Every word the console shows for the API's codes: the vocabulary's own Chinese labels
 * (domain/labels.ts), the same the server's refusals and notifications use, so the console and
 * the API never call one status by two names.
 */
import type { AuditEntry, SignInRecord } from './api/types';

export * from '../../domain/labels';
export { noteForPeople } from '../../domain/timeline-notes';

/** 审计日志: what each entry records. */
export const AUDIT_TYPE_LABELS: Record<AuditEntry['type'], string> = {
  account_created: '创建账号', key_rotated: '更换接口密钥', account_disabled: '停用账号', account_enabled: '启用账号',
  password_set: '设置密码', calendar_imported: '导入节假日', catalogue_changed: '修改派单目录', notification_retried: '重发通知',
  assessment_published: '发布考核结果', knowledge_created: '新增知识条目', knowledge_updated: '修改知识条目', knowledge_deleted: '删除知识条目',
  suggestions_retrained: '重新训练分类建议', signed_in: '登录', sign_in_failed: '登录失败', signed_out: '退出登录',
  password_changed: '修改密码', password_reset: '重置密码', orgs_imported: '导入组织机构', accounts_imported: '批量创建账号',
  account_unlocked: '解除锁定', sessions_ended: '强制下线', audit_purged: '清理到期审计记录',
  proactive_created: '新建未诉先办', proactive_paused: '暂停未诉先办', proactive_unpaused: '恢复未诉先办', proactive_deleted: '删除未诉先办',
};

/** 登录记录: how a sign-in attempt ended. */
export const SIGN_IN_OUTCOME_LABELS: Record<SignInRecord['outcome'], string> = {
  ok: '成功', wrong: '账号或密码错误', throttled: '失败过多被限制', disabled: '账号已停用',
};
