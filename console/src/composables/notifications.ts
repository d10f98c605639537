/**
 * 通知: the newest page of the account's notifications, shared by the menu's badge and the
 * inbox, kept current by the live-update stream (`notification` events; polling while it is
 * down, poll.ts). The badge counts the notifications newer than the newest one the person has
 * seen in the inbox (remembered in this browser per account; a browser that remembers nothing
 * starts counting from now).
 */
import { computed, ref, shallowRef } from 'vue';
import { notifications } from '../api/calls';
import { wordsOf } from '../api/client';
import { session } from '../api/session';
import type { Notification } from '../api/types';
import { usePoll } from './poll';

interface Page { items: Notification[]; nextCursor: string | null }

const first = shallowRef<Page | null>(null);
const error = ref('');
const seenAt = ref<string | null>(null);
let etag: string | null = null;
let owner: string | null = null;
let inflight: Promise<void> | null = null;

const seenKey = (accountId: string) => `whistle.console.notifications-seen.${accountId}`;
const newest = (page: Page) => page.items.reduce<string | null>((a, n) => (a === null || n.createdAt > a ? n.createdAt : a), null);

function remember(at: string | null) {
  seenAt.value = at;
  if (owner && at) localStorage.setItem(seenKey(owner), at);
}

/** The page as the API has it now (one request at a time, shared by whoever asks meanwhile). */
function load(): Promise<void> {
  inflight ??= (async () => {
    const account = session.me?.account.id ?? null;
    if (account !== owner) {
      owner = account;
      first.value = null;
      etag = null;
      seenAt.value = account ? localStorage.getItem(seenKey(account)) : null;
    }
    try {
      const answer = await notifications(undefined, etag);
      etag = answer.etag;
      if (answer.changed) first.value = answer.data;
      if (seenAt.value === null && first.value) remember(newest(first.value) ?? new Date(0).toISOString());
      error.value = '';
    } catch (err) {
      error.value = wordsOf(err);
    }
  })().finally(() => { inflight = null; });
  return inflight;
}

/** The shared page, kept current while the calling component lives. */
export function useNotifications() {
  usePoll(load, { notification: () => true });
  const unread = computed(() => {
    const since = seenAt.value;
    if (since === null) return 0;
    return (first.value?.items ?? []).filter((n) => n.createdAt > since).length;
  });
  /** The person has seen every notification of the page (the inbox shows them). */
  const markSeen = () => {
    const at = first.value ? newest(first.value) : null;
    if (at && (seenAt.value === null || at > seenAt.value)) remember(at);
  };
  return { first, error, unread, markSeen };
}
