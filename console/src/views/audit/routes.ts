/** 审计日志 (auditor): the log with its filters, its chain check and its CSV. */
import type { RouteRecordRaw } from 'vue-router';

export const auditRoutes: RouteRecordRaw[] = [
  { path: 'audit', name: 'audit', component: () => import('./AuditLog.vue'), meta: { title: '审计日志', right: 'audit' } },
];
