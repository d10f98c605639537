/**
 * A page's filters, and the dialog it has open, live in the URL, so that a link or a reload shows
 * the same page.
 */
import type { LocationQuery } from 'vue-router';

/** `query` with `values` set and the rest kept; an empty value (null, undefined, '') removes its parameter. */
export function withQuery(query: LocationQuery, values: Record<string, string | number | null | undefined>): LocationQuery {
  const next = { ...query };
  for (const [k, v] of Object.entries(values)) {
    if (v === null || v === undefined || v === '') delete next[k];
    else next[k] = String(v);
  }
  return next;
}
