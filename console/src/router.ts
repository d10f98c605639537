/**
 * The console's pages, under /console/. Every page is its own chunk (loaded when first
 * visited), so the sign-in screen loads only what it needs. Everything a page shows is in its
 * URL (filters, quarter, the open dialog), so a reload loses nothing.
 */
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { session } from './api/session';
import type { Role } from './api/types';

/** Where each role starts after signing in. */
export const HOME: Record<Role, string> = {
  community: '/queue', street: '/queue', center: '/queue', department: '/queue',
  supervisor: '/overdue', member: '/help', resident: '/help',
};

const routes: RouteRecordRaw[] = [
  { path: '/signin', name: 'signin', component: () => import('./views/common/SignIn.vue'), meta: { public: true, title: '登录' } },
  {
    path: '/',
    component: () => import('./components/ConsoleLayout.vue'),
    children: [
      // Home is the role's own page; before signing in there is none to come back to.
      { path: '', name: 'home', redirect: () => (session.me ? HOME[session.me.account.role] : { name: 'signin' }) },
      { path: 'queue', name: 'queue', component: () => import('./views/common/QueuePage.vue'), meta: { title: '待办' } },
      { path: 'whistles', name: 'whistles', component: () => import('./views/common/WhistleList.vue'), meta: { title: '事项查询' } },
      { path: 'whistles/new', name: 'file', component: () => import('./views/community/FileWhistle.vue'), meta: { title: '吹哨' } },
      { path: 'whistles/:id', name: 'whistle', component: () => import('./views/common/WhistleDetail.vue'), meta: { title: '事项详情' } },
      { path: 'notifications', name: 'notifications', component: () => import('./views/common/NotificationInbox.vue'), meta: { title: '通知' } },
      { path: 'help', name: 'help', component: () => import('./views/common/HelpBoard.vue'), meta: { title: '邻里搭把手' } },
      { path: 'help/new', name: 'help-new', component: () => import('./views/common/PostHelp.vue'), meta: { title: '点单' } },
      { path: 'help/:id', name: 'help-request', component: () => import('./views/common/HelpDetail.vue'), meta: { title: '点单详情' } },
      { path: 'members/:id/record', name: 'record', component: () => import('./views/member/MemberRecord.vue'), meta: { title: '服务记录' } },
      { path: 'catalogue', name: 'catalogue', component: () => import('./views/center/DispatchCatalogue.vue'), meta: { title: '派单目录' } },
      { path: 'overdue', name: 'overdue', component: () => import('./views/supervisor/OverdueBoard.vue'), meta: { title: '超期预警' } },
      { path: 'assessment', name: 'assessment', component: () => import('./views/supervisor/QuarterAssessment.vue'), meta: { title: '定期验单' } },
      { path: 'stats', name: 'stats', component: () => import('./views/supervisor/DistrictStats.vue'), meta: { title: '统计' } },
      { path: ':rest(.*)*', name: 'not-found', component: () => import('./views/common/NotFound.vue'), meta: { title: '页面不存在' } },
    ],
  },
];

export const router = createRouter({ history: createWebHistory('/console/'), routes });

router.beforeEach((to) => {
  if (to.meta.public) return true;
  if (!session.token) return { name: 'signin', query: { next: to.fullPath } };
  return true;
});

router.afterEach((to) => {
  document.title = `${(to.meta.title as string | undefined) ?? '工作台'} · 吹哨报到工作台`;
});
