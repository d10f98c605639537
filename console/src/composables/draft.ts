/**
 * A form that survives a reload: its fields are kept in sessionStorage under `key` until the
 * form is sent (`clear`), together with the nonce of its idempotency key.
 */
import { reactive, watch } from 'vue';
import { newNonce } from '../api/client';
import { session } from '../api/session';

const PREFIX = 'whistle.console.draft.';

/** Signing out forgets every draft of the tab (a session that expires keeps them for the next sign-in). */
export function forgetDrafts() {
  for (const key of Object.keys(sessionStorage)) if (key.startsWith(PREFIX)) sessionStorage.removeItem(key);
}

export function useDraft<T extends object>(key: string, initial: () => T) {
  // Each account has its own drafts: another person signing in on this tab never sees them.
  const storageKey = `${PREFIX}${session.me?.account.id ?? '-'}.${key}`;
  let saved: { form: T; nonce: string } | null = null;
  try {
    saved = JSON.parse(sessionStorage.getItem(storageKey) ?? 'null');
  } catch { /* none */ }
  const form = reactive({ ...initial(), ...(saved?.form ?? {}) }) as T;
  const state = { nonce: saved?.nonce ?? newNonce() };
  const stop = watch(form, () => {
    sessionStorage.setItem(storageKey, JSON.stringify({ form, nonce: state.nonce }));
  }, { deep: true });
  return {
    form,
    nonce: () => state.nonce,
    clear() {
      stop();
      sessionStorage.removeItem(storageKey);
      Object.assign(form, initial());
      state.nonce = newNonce();
    },
    stop,
  };
}
