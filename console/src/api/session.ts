/**
 * The signed-in person: the session token (a bearer credential) and the account with what it may
 * open in the console (`GET /v1/me`), kept in sessionStorage only (never a cookie, gone when the
 * tab closes), so a reload keeps the person signed in and another tab signs in on its own.
 */
import { reactive, readonly } from 'vue';
import type { Me, Session } from './types';

const KEY = 'whistle.console.session';

interface State { token: string | null; expiresAt: string | null; me: Me | null }

function load(): State {
  try {
    const saved = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as State | null;
    if (saved && typeof saved.token === 'string') return saved;
  } catch { /* nothing saved */ }
  return { token: null, expiresAt: null, me: null };
}

const state = reactive<State>(load());
/** Whether `me` was asked of the API since this page loaded (else it is what the tab kept). */
let askedThisLoad = false;

function save() {
  if (state.token) sessionStorage.setItem(KEY, JSON.stringify(state));
  else sessionStorage.removeItem(KEY);
}

export const session = readonly(state);

export function signedIn(created: Session, me: Me) {
  state.token = created.token;
  state.expiresAt = created.expiresAt;
  state.me = me;
  askedThisLoad = true;
  save();
}

/** The account as the API answers it now (its menu and rights may have changed since sign-in). */
export function refreshed(me: Me) {
  if (!state.token) return;
  state.me = me;
  askedThisLoad = true;
  save();
  if (me.mustChangePassword) onChangeRequired?.();
}

/** Whether the kept account carries its rights (a tab kept from an older console may not). */
export function meHasRights(): boolean {
  return Array.isArray(state.me?.rights);
}

export function meAskedThisLoad(): boolean {
  return askedThisLoad;
}

export function signedOut() {
  state.token = null;
  state.expiresAt = null;
  state.me = null;
  askedThisLoad = false;
  save();
}

let onExpired: (() => void) | null = null;

/** What happens when the API says the token no longer works (401): set by main.ts (back to sign-in). */
export function whenExpired(handler: () => void) {
  onExpired = handler;
}

/** Whether this session must change its password before anything else (sign-in and `GET /v1/me` say so). */
export function mustChangePassword(): boolean {
  return Boolean(state.token && state.me?.mustChangePassword);
}

let onChangeRequired: (() => void) | null = null;

/** What happens when the API answers 403 password_change_required: set by main.ts (to the change-password page). */
export function whenPasswordChangeRequired(handler: () => void) {
  onChangeRequired = handler;
}

/** The API refused a call until the password is changed: the kept account says so, and the person is taken to change it. */
export function changeRequired() {
  if (!state.token || !state.me) return;
  state.me = { ...state.me, mustChangePassword: true };
  save();
  onChangeRequired?.();
}

export function expired() {
  if (!state.token) return;
  signedOut();
  onExpired?.();
}
