/**
 * What this account may open in the console, as the server says it (`GET /v1/me`: `menus`,
 * `rights`, `home`). Pages and parts of pages ask here, never by role: which role opens which
 * page is the server's knowledge alone (api/services/menus.ts). What the account may *do* on a
 * page is each resource's `allowedActions`.
 */
import { computed } from 'vue';
import { me as fetchMe } from '../api/calls';
import { refreshed, session } from '../api/session';
import type { ConsoleRight, MenuEntry } from '../api/types';

/** The side menu, in the server's order. */
export const menus = computed<readonly MenuEntry[]>(() => session.me?.menus ?? []);

/** Whether the account may open this page, or see this part of a page. */
export function mayOpen(right: ConsoleRight): boolean {
  return session.me?.rights?.includes(right) ?? false;
}

/** The account's menu entry for a page (its title and path), when the page is in its menu. */
export function menuEntry(key: ConsoleRight): MenuEntry | undefined {
  return menus.value.find((m) => m.key === key);
}

/** Where the account starts. */
export function homePath(): string | undefined {
  return session.me?.home;
}

/** Asks the API again (the rights may have changed since the tab signed in). */
export async function refreshRights(): Promise<void> {
  refreshed(await fetchMe());
}
