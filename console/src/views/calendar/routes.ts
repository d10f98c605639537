/** 工作日历: the holiday calendar (节假日安排) by month, for every account. */
import type { RouteRecordRaw } from 'vue-router';

export const calendarRoutes: RouteRecordRaw[] = [
  { path: 'calendar', name: 'calendar', component: () => import('./HolidayCalendar.vue'), meta: { title: '工作日历', right: 'calendar' } },
];
