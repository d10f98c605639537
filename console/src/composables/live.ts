/**
 * 实时更新: one live-update stream per tab (api/event-stream.ts), shared by every part of the
 * page that wants to hear of changes. It is open while someone listens and a person is signed
 * in, closes when they sign out (and on 401, which leads to the sign-in screen), and closes too
 * after the tab has been hidden for a while (opened again, resuming from its last id, when the
 * tab is shown). An event that comes twice (a reconnection may repeat one) is passed on once.
 */
import { getCurrentScope, onScopeDispose, readonly, ref, watch } from 'vue';
import { openEventStream, type EventStream, type LiveEvent } from '../api/event-stream';
import { expired, session } from '../api/session';

export type { LiveEvent } from '../api/event-stream';

export interface LiveListener {
  event?(event: LiveEvent): void;
  /** The stream is live again; `resumed`: it carried on from where it was, nothing was missed. */
  up?(resumed: boolean): void;
  down?(): void;
}

/** A hidden tab keeps its stream this long (a glance at another tab does not cost a reconnection). */
const HIDDEN_CLOSE_MS = 5 * 60_000;
/** Events remembered to pass on only once. */
const REMEMBERED = 1_000;

const up = ref(false);
const listeners = new Set<LiveListener>();
let stream: EventStream | null = null;
let hiddenTimer: ReturnType<typeof setTimeout> | undefined;
const seen = new Map<string, true>();

/** The key of what an event says: a whistle or help request at a version, a notification by id. */
function keyOf(event: LiveEvent): string | null {
  switch (event.type) {
    case 'whistle':
    case 'help': return `${event.type}:${event.data.id}:${event.data.version}`;
    case 'notification': return `notification:${event.data.id}`;
    default: return null;
  }
}

function firstTime(event: LiveEvent): boolean {
  const key = keyOf(event);
  if (key === null) return true;
  if (seen.has(key)) return false;
  seen.set(key, true);
  if (seen.size > REMEMBERED) seen.delete(seen.keys().next().value as string);
  return true;
}

function each(fn: (l: LiveListener) => void) {
  for (const l of [...listeners]) {
    try { fn(l); } catch (err) { console.warn(err); }
  }
}

function open() {
  if (stream || !session.token || listeners.size === 0) return;
  if (typeof document !== 'undefined' && document.hidden) return;
  stream = openEventStream({ url: '/v1/events', token: () => session.token }, {
    event: (e) => { if (firstTime(e)) each((l) => l.event?.(e)); },
    up: (resumed) => { up.value = true; each((l) => l.up?.(resumed)); },
    down: () => { up.value = false; each((l) => l.down?.()); },
    unauthorized: () => { shut(); expired(); },
  });
}

function shut() {
  const s = stream;
  stream = null;
  s?.close();
}

watch(() => session.token, (token, before) => {
  if (token === before) return;
  shut();
  seen.clear();
  open();
});

if (typeof document !== 'undefined') {
  document.addEventListener('visibilitychange', () => {
    clearTimeout(hiddenTimer);
    if (document.hidden) hiddenTimer = setTimeout(shut, HIDDEN_CLOSE_MS);
    else open();
  });
}

/**
 * Listens to the tab's stream while the calling component (or effect scope) lives; `up` says
 * whether the stream is live now (parts of the page poll only while it is not).
 */
export function useLiveEvents(listener: LiveListener = {}) {
  listeners.add(listener);
  open();
  if (getCurrentScope()) {
    onScopeDispose(() => {
      listeners.delete(listener);
      if (listeners.size === 0) shut();
    });
  }
  return { up: readonly(up) };
}
