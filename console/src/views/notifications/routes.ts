/** 通知: the account's inbox. */
import type { RouteRecordRaw } from 'vue-router';

export const notificationRoutes: RouteRecordRaw[] = [
  { path: 'notifications', name: 'notifications', component: () => import('./NotificationInbox.vue'), meta: { title: '通知', right: 'notifications' } },
];
