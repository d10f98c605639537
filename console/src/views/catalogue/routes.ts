/** 派单目录: the dispatch catalogue (read by many, edited by the center). */
import type { RouteRecordRaw } from 'vue-router';

export const catalogueRoutes: RouteRecordRaw[] = [
  { path: 'catalogue', name: 'catalogue', component: () => import('./DispatchCatalogue.vue'), meta: { title: '派单目录', right: 'catalogue' } },
];
