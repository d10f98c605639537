/**
 * Refreshing without a reload: `run` now, then every `everyMs` while the page is visible (and
 * at once when it becomes visible again). Requests revalidate with their ETag, so an unchanged
 * answer is a 304 without a body.
 */
import { onBeforeUnmount, onMounted } from 'vue';

export const POLL_MS = 5_000;

export function usePoll(run: () => Promise<unknown>, everyMs = POLL_MS) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let running: Promise<unknown> | null = null;

  const tick = async () => {
    if (running) return running;
    running = run().catch(() => undefined).finally(() => { running = null; });
    await running;
  };
  const schedule = () => {
    clearTimeout(timer);
    if (stopped) return;
    timer = setTimeout(async () => {
      if (!document.hidden) await tick();
      schedule();
    }, everyMs);
  };
  const onVisible = () => { if (!document.hidden) void tick(); };

  onMounted(() => {
    void tick();
    schedule();
    document.addEventListener('visibilitychange', onVisible);
  });
  onBeforeUnmount(() => {
    stopped = true;
    clearTimeout(timer);
    document.removeEventListener('visibilitychange', onVisible);
  });
  return { refresh: tick };
}
