/**
 * A list of whistles kept current (poll.ts: by the live-update stream, polling only while it is
 * down) with its ETag: `items` change only when the API's answer does. A whistle's event reloads
 * the list when the whistle is in it or may enter it (any status, or the one the list asks
 * for). Overdue items come first, then those due soon (the API's flags), each group in the API's
 * order.
 */
import { computed, ref, shallowRef, type Ref } from 'vue';
import { listWhistles } from '../api/calls';
import { wordsOf } from '../api/client';
import type { WhistleItem as Whistle, WhistleListQuery } from '../api/types';
import { usePoll } from './poll';

export function useWhistleList(query: Ref<WhistleListQuery>, options: { urgentFirst?: boolean } = {}) {
  const page = shallowRef<{ items: Whistle[]; nextCursor: string | null } | null>(null);
  const error = ref('');
  const refreshedAt = ref<Date | null>(null);
  let etag: string | null = null;
  let asked = '';

  async function load() {
    const key = JSON.stringify(query.value);
    if (key !== asked) etag = null;
    try {
      const answer = await listWhistles(query.value, etag);
      if (key !== JSON.stringify(query.value)) return;
      asked = key;
      etag = answer.etag;
      if (answer.changed) page.value = answer.data;
      refreshedAt.value = new Date();
      error.value = '';
    } catch (err) {
      error.value = wordsOf(err);
    }
  }
  const { refresh } = usePoll(load, {
    whistle: (e) => (page.value?.items ?? []).some((w) => w.id === e.id) || !query.value.status || query.value.status === e.status,
  });

  const items = computed(() => {
    const all = page.value?.items ?? [];
    if (!options.urgentFirst) return all;
    const rank = (w: Whistle) => (w.overdue ? 0 : w.dueSoon ? 1 : 2);
    return all.map((w, i) => ({ w, i })).sort((a, b) => rank(a.w) - rank(b.w) || a.i - b.i).map(({ w }) => w);
  });
  return { items, page, error, refreshedAt, refresh, loading: computed(() => page.value === null && !error.value) };
}
