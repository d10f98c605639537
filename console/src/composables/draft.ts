/**
 * A form that survives a reload: its fields are kept in sessionStorage under `key` until the
 * form is sent (`clear`), together with the nonce of its idempotency key.
 */
import { reactive, watch } from 'vue';
import { newNonce } from '../api/client';

const PREFIX = 'whistle.console.draft.';

export function useDraft<T extends object>(key: string, initial: () => T) {
  const storageKey = PREFIX + key;
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
      sessionStorage.removeItem(storageKey);
      Object.assign(form, initial());
      state.nonce = newNonce();
      sessionStorage.removeItem(storageKey);
    },
    stop,
  };
}
