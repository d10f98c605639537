/**
 * Text PostgreSQL can store: NUL, and surrogates that are not part of a pair, are refused in
 * text and jsonb alike.
 */

// eslint-disable-next-line no-control-regex -- NUL is exactly what PostgreSQL refuses
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * The value with every string (and key) made storable: each NUL or lone surrogate becomes
 * U+FFFD. The API refuses such text, but a whistle that carries it anyway (an operator's
 * signal, a whistle filed before the API checked) must not stop its projection for good.
 */
export function storable<T>(value: T): T {
  if (typeof value === 'string') return value.replace(UNSTORABLE, '\ufffd') as T;
  if (Array.isArray(value)) return value.map((v) => storable(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[storable(k)] = storable(v);
    return out as T;
  }
  return value;
}
