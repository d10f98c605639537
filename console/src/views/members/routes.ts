/** 党员: a party member's service record. */
import type { RouteRecordRaw } from 'vue-router';

export const memberRoutes: RouteRecordRaw[] = [
  { path: 'members/:id/record', name: 'record', component: () => import('./MemberRecord.vue'), meta: { title: '服务记录', right: 'record' } },
];
