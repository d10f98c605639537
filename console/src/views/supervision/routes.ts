/** 督查考核: the overdue board, the quarter's assessment and the district's statistics. */
import type { RouteRecordRaw } from 'vue-router';

export const supervisionRoutes: RouteRecordRaw[] = [
  { path: 'overdue', name: 'overdue', component: () => import('./OverdueBoard.vue'), meta: { title: '超期预警', right: 'overdue' } },
  { path: 'assessment', name: 'assessment', component: () => import('./QuarterAssessment.vue'), meta: { title: '定期验单', right: 'assessment' } },
  { path: 'stats', name: 'stats', component: () => import('./DistrictStats.vue'), meta: { title: '统计', right: 'stats' } },
];
