/**
 * The signed-in person: the session token (a bearer credential) and the account, kept in
 * sessionStorage only (never a cookie, gone when the tab closes), so a reload keeps the person
 * signed in and another tab signs in on its own.
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

function save() {
  if (state.token) sessionStorage.setItem(KEY, JSON.stringify(state));
  else sessionStorage.removeItem(KEY);
}

export const session = readonly(state);

export function signedIn(created: Session, me: Me) {
  state.token = created.token;
  state.expiresAt = created.expiresAt;
  state.me = me;
  save();
}

export function signedOut() {
  state.token = null;
  state.expiresAt = null;
  state.me = null;
  save();
}

let onExpired: (() => void) | null = null;

/** What happens when the API says the token no longer works (401): set by main.ts (back to sign-in). */
export function whenExpired(handler: () => void) {
  onExpired = handler;
}

export function expired() {
  if (!state.token) return;
  signedOut();
  onExpired?.();
}
