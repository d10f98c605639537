/**
 * Phone or desk: one breakpoint for the whole console. Below it (a phone, or a desk browser at
 * 200 % zoom, whose page is then half as many CSS pixels wide) the menu folds into a drawer,
 * form labels stand above their fields, lists become cards and dialogs fill the screen.
 */
import { computed, readonly, ref } from 'vue';

/** Narrower than this many CSS pixels is a phone. */
const PHONE_MAX_WIDTH = 767;

const query = typeof window !== 'undefined' && window.matchMedia
  ? window.matchMedia(`(max-width: ${PHONE_MAX_WIDTH}px)`)
  : null;
const phone = ref(query?.matches ?? false);
query?.addEventListener('change', (e) => { phone.value = e.matches; });

export function useLayout() {
  return {
    /** True on a phone-sized screen. */
    phone: readonly(phone),
    /** Element Plus forms: labels above their fields on a phone, beside them on a desk. */
    labelPosition: computed(() => (phone.value ? 'top' : 'right') as 'top' | 'right'),
  };
}
