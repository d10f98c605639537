/** What every route of the console says about itself (vue-router's RouteMeta). */
import type { ConsoleRight } from '../api/types';

declare module 'vue-router' {
  interface RouteMeta {
    /** The page's Chinese title (the browser tab's). */
    title?: string;
    /** The right (GET /v1/me `rights`) an account needs to open the page; none: every signed-in account. */
    right?: ConsoleRight;
    /** Open before signing in. */
    public?: boolean;
  }
}

export {};
