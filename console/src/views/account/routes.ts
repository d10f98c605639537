/** 账号: signing in (and, with the account's own settings, what comes next: changing the password). */
import type { RouteRecordRaw } from 'vue-router';

/** Pages outside the console's frame (no menu). */
export const accountPages: RouteRecordRaw[] = [
  { path: '/signin', name: 'signin', component: () => import('./SignIn.vue'), meta: { public: true, title: '登录' } },
  // Outside the frame: a session that must change its password first opens nothing else (no menu, no queue).
  { path: '/password', name: 'password', component: () => import('./ChangePassword.vue'), meta: { title: '修改密码', right: 'password' } },
];
