/**
 * 智能分派 while a matter is typed: once the title and description stop changing for a moment, the
 * API's suggestion for them (the likely categories, departments and list). A suggestion only helps:
 * a text too short to judge asks nothing, and a failure leaves the last suggestion out of sight.
 */
import { onBeforeUnmount, shallowRef, watch, type WatchSource } from 'vue';
import { suggest, worthSuggesting, type Suggestion } from '../api/practice-calls';

/** How long the typing must rest before the API is asked. */
const QUIET_MS = 600;

export function useSuggestion(text: WatchSource<{ title: string; description: string }>, options: { immediate?: boolean } = {}) {
  const suggestion = shallowRef<Suggestion | null>(null);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let asked = 0;

  async function ask(title: string, description: string) {
    const n = ++asked;
    if (!worthSuggesting(`${title}${description}`)) {
      suggestion.value = null;
      return;
    }
    try {
      // The API's limits (200 and 5000 characters): a longer text is still judged by its beginning.
      const answer = await suggest([...title].slice(0, 200).join(''), [...description].slice(0, 5000).join(''));
      if (n === asked) suggestion.value = answer;
    } catch {
      if (n === asked) suggestion.value = null;
    }
  }

  watch(text, ({ title, description }) => {
    clearTimeout(timer);
    timer = setTimeout(() => void ask(title.trim(), description.trim()), QUIET_MS);
  }, { deep: true, immediate: options.immediate });
  onBeforeUnmount(() => clearTimeout(timer));
  return { suggestion };
}
