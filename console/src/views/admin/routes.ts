/** 系统管理 (admin): the organisation tree with its import and export, and the accounts (security sees their state, unlocks and ends sessions). */
import type { RouteRecordRaw } from 'vue-router';

export const adminRoutes: RouteRecordRaw[] = [
  { path: 'admin/orgs', name: 'orgs', component: () => import('./OrgsPage.vue'), meta: { title: '机构管理', right: 'orgs' } },
  { path: 'admin/accounts', name: 'accounts', component: () => import('./AccountsPage.vue'), meta: { title: '账号管理', right: 'accounts' } },
];
