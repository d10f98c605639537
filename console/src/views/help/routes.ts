/** 邻里搭把手: the board, posting a request (点单) and one request's page. */
import type { RouteRecordRaw } from 'vue-router';

export const helpRoutes: RouteRecordRaw[] = [
  { path: 'help', name: 'help', component: () => import('./HelpBoard.vue'), meta: { title: '邻里搭把手', right: 'help' } },
  { path: 'help/new', name: 'help-new', component: () => import('./PostHelp.vue'), meta: { title: '点单', right: 'help-new' } },
  { path: 'help/:id', name: 'help-request', component: () => import('./HelpDetail.vue'), meta: { title: '点单详情', right: 'help-request' } },
];
