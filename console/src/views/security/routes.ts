/** 安全管理 (security; the auditor reads too): the sign-in records and the accounts locked now. */
import type { RouteRecordRaw } from 'vue-router';

export const securityRoutes: RouteRecordRaw[] = [
  { path: 'security/sign-ins', name: 'sign-ins', component: () => import('./SignInsPage.vue'), meta: { title: '登录记录', right: 'sign-ins' } },
];
