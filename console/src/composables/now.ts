/** One clock for every deadline badge on the page, ticking each 15 seconds. */
import { onBeforeUnmount, ref } from 'vue';

const now = ref(Date.now());
let users = 0;
let timer: ReturnType<typeof setInterval> | undefined;

export function useNow() {
  if (users++ === 0) timer = setInterval(() => { now.value = Date.now(); }, 15_000);
  onBeforeUnmount(() => {
    if (--users === 0) clearInterval(timer);
  });
  return now;
}
