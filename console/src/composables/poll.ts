/**
 * Keeping a part of the page current without a reload: `run` now, then again whenever the tab's
 * live-update stream (live.ts) brings an event that `concerns` says is about it, or `reset`, or
 * comes back after missing something. Only while the stream is down (not yet open, refused,
 * broken) does it poll, every `POLL_MS` while the page is visible (and at once when it becomes
 * visible again). Requests revalidate with their ETag, so an unchanged answer is a 304 without
 * a body.
 *
 * Events close together make one reload: the first waits `SETTLE_MS` for its twins, and reloads
 * start at most once every `GAP_MS` (a district's stream may bring several events a second to
 * an account that sees every whistle). A reload asked for while one runs follows it.
 */
import { onBeforeUnmount, onMounted } from 'vue';
import { useLiveEvents, type LiveEvent } from './live';

const POLL_MS = 5_000;
const SETTLE_MS = 100;
const GAP_MS = 500;

/** Which events concern this part of the page (none when a kind is not given). */
export interface LiveInterest {
  whistle?: (e: Extract<LiveEvent, { type: 'whistle' }>['data']) => boolean;
  help?: (e: Extract<LiveEvent, { type: 'help' }>['data']) => boolean;
  notification?: (e: Extract<LiveEvent, { type: 'notification' }>['data']) => boolean;
}

function concerns(interest: LiveInterest, e: LiveEvent): boolean {
  switch (e.type) {
    case 'whistle': return interest.whistle?.(e.data) ?? false;
    case 'help': return interest.help?.(e.data) ?? false;
    case 'notification': return interest.notification?.(e.data) ?? false;
    case 'reset': return true;
  }
}

export function usePoll(run: () => Promise<unknown>, interest: LiveInterest = {}) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let soon: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let running: Promise<unknown> | null = null;
  let again = false;
  let startedAt = 0;
  /** A reload wanted while the page was hidden: done when it is shown. */
  let owed = false;

  const tick = async (): Promise<unknown> => {
    if (running) {
      again = true;
      return running;
    }
    startedAt = Date.now();
    running = run().catch(() => undefined).finally(() => { running = null; });
    await running;
    if (again && !stopped) {
      again = false;
      return tick();
    }
    return undefined;
  };

  /** A reload soon: after SETTLE_MS, and not sooner than GAP_MS after the last one started. */
  const reload = () => {
    if (stopped) return;
    if (document.hidden) {
      owed = true;
      return;
    }
    if (soon !== undefined) return;
    const wait = Math.max(SETTLE_MS, startedAt + GAP_MS - Date.now());
    soon = setTimeout(() => { soon = undefined; void tick(); }, wait);
  };

  const stopPolling = () => { clearTimeout(timer); timer = undefined; };
  const poll = () => {
    stopPolling();
    if (stopped || live.up.value) return;
    timer = setTimeout(async () => {
      timer = undefined;
      if (!document.hidden) await tick();
      poll();
    }, POLL_MS);
  };

  const live = useLiveEvents({
    event: (e) => { if (concerns(interest, e)) reload(); },
    up: (resumed) => {
      stopPolling();
      // A stream that did not carry on from a last id may have started after a change the page
      // has not seen yet.
      if (!resumed) reload();
    },
    down: () => poll(),
  });

  const onVisible = () => {
    if (document.hidden) return;
    if (owed || !live.up.value) {
      owed = false;
      void tick();
    }
  };

  onMounted(() => {
    void tick();
    poll();
    document.addEventListener('visibilitychange', onVisible);
  });
  onBeforeUnmount(() => {
    stopped = true;
    stopPolling();
    clearTimeout(soon);
    document.removeEventListener('visibilitychange', onVisible);
  });
  return { refresh: tick };
}
