/**
 * The console's pages, under /console/, gathered from the feature folders (views/<feature>/
 * routes.ts). Every page is its own chunk (loaded when first visited), so the sign-in screen
 * loads only what it needs. Everything a page shows is in its URL (filters, quarter, the open
 * dialog), so a reload loses nothing.
 *
 * Which pages an account may open is the server's answer (`GET /v1/me`): each route names the
 * right it needs (`meta.right`), and a page the account may not open is the not-found page, at
 * the same address. A new feature adds its folder with a routes.ts and one line below.
 */
import { createRouter, createWebHistory, type RouteLocationNormalized, type RouteRecordRaw } from 'vue-router';
import { meHasRights, mustChangePassword, session } from '../api/session';
import { homePath, mayOpen, refreshRights } from '../composables/rights';
import { accountPages } from '../views/account/routes';
import { adminRoutes } from '../views/admin/routes';
import { auditRoutes } from '../views/audit/routes';
import { securityRoutes } from '../views/security/routes';
import { calendarRoutes } from '../views/calendar/routes';
import { catalogueRoutes } from '../views/catalogue/routes';
import { helpRoutes } from '../views/help/routes';
import { memberRoutes } from '../views/members/routes';
import { notificationRoutes } from '../views/notifications/routes';
import { practiceRoutes } from '../views/practice/routes';
import { supervisionRoutes } from '../views/supervision/routes';
import { whistleRoutes } from '../views/whistles/routes';
import './meta';

const routes: RouteRecordRaw[] = [
  ...accountPages,
  {
    path: '/',
    component: () => import('../layout/ConsoleLayout.vue'),
    children: [
      // Home is the account's own first page (the server's `home`), resolved by the guard below.
      { path: '', name: 'home', component: () => import('../views/errors/NotFound.vue') },
      ...whistleRoutes,
      ...helpRoutes,
      ...memberRoutes,
      ...catalogueRoutes,
      ...supervisionRoutes,
      ...notificationRoutes,
      ...calendarRoutes,
      ...adminRoutes,
      ...securityRoutes,
      ...auditRoutes,
      ...practiceRoutes,
      { path: ':rest(.*)*', name: 'not-found', component: () => import('../views/errors/NotFound.vue'), meta: { title: '页面不存在' } },
    ],
  },
];

export const router = createRouter({ history: createWebHistory('/console/'), routes });

/** The not-found page at the address asked for (the address stays as it was typed or bookmarked). */
const notFoundAt = (to: RouteLocationNormalized) => ({
  name: 'not-found', params: { rest: to.path.split('/').filter(Boolean) }, query: to.query, hash: to.hash,
});

router.beforeEach(async (to) => {
  if (to.meta.public) return true;
  if (!session.token) return { name: 'signin', query: { next: to.fullPath } };
  // A tab kept from before the rights were part of the account asks for them once.
  if (!meHasRights()) {
    try {
      await refreshRights();
    } catch {
      // Signed out by a 401 (the expiry handler takes the person to sign in) or unreachable.
      if (!session.token) return false;
    }
  }
  // Until the password is changed (an initial one, or one too old), no page but changing it.
  if (mustChangePassword() && to.name !== 'password') return { name: 'password', query: { next: to.fullPath } };
  if (to.name === 'home') return homePath() ?? notFoundAt(to);
  if (to.meta.right && !mayOpen(to.meta.right)) return notFoundAt(to);
  return true;
});

router.afterEach((to) => {
  document.title = `${to.meta.title ?? '工作台'} · 吹哨报到工作台`;
});
