/**
 * A page reading from the API: `loading` while a read runs, and `error` in the API's words when it
 * fails (what was read before stays shown), cleared by the next read that succeeds.
 */
import { ref, shallowRef } from 'vue';
import { wordsOf } from '../api/client';

export function useReading(options: { loading?: boolean } = {}) {
  const loading = ref(options.loading ?? false);
  const error = ref('');
  async function read(task: () => Promise<void>) {
    loading.value = true;
    try {
      await task();
      error.value = '';
    } catch (err) {
      error.value = wordsOf(err);
    } finally {
      loading.value = false;
    }
  }
  return { loading, error, read };
}

/** A list read a page at a time, newest first: `load()` reads it afresh, `load(true)` adds the next page (加载更多). */
export function usePages<T>(page: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>) {
  const items = shallowRef<T[]>([]);
  const next = ref<string | null>(null);
  const { loading, error, read } = useReading();
  const load = (more = false) => read(async () => {
    const answer = await page(more && next.value ? next.value : undefined);
    items.value = more ? [...items.value, ...answer.items] : answer.items;
    next.value = answer.nextCursor;
  });
  return { items, next, loading, error, load };
}
