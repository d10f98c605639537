/** 吹哨事项: the queue (待办), the list, a whistle's page and the filing form. */
import type { RouteRecordRaw } from 'vue-router';

export const whistleRoutes: RouteRecordRaw[] = [
  { path: 'queue', name: 'queue', component: () => import('./QueuePage.vue'), meta: { title: '待办', right: 'queue' } },
  { path: 'whistles', name: 'whistles', component: () => import('./WhistleList.vue'), meta: { title: '事项查询', right: 'whistles' } },
  { path: 'whistles/new', name: 'file', component: () => import('./FileWhistle.vue'), meta: { title: '吹哨', right: 'file' } },
  { path: 'whistles/:id', name: 'whistle', component: () => import('./WhistleDetail.vue'), meta: { title: '事项详情', right: 'whistle' } },
];
