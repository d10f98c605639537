/**
 * PostgreSQL full-text search over words segmented here (lib/text/words.ts): PostgreSQL has no
 * Chinese parser of its own (its default parser would take a whole run of Chinese characters for
 * one word), so the `tsvector` and the `tsquery` are written out lexeme by lexeme in their input
 * syntax and cast, and PostgreSQL's parser never sees the text.
 */

/** A lexeme in the input syntax of tsvector and tsquery: quoted, `'` doubled, `\` escaped. */
function lexeme(word: string): string {
  return `'${word.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** PostgreSQL keeps positions 1..16383 and at most 256 per lexeme; a few are enough for ranking. */
const MAX_POSITION = 16_383;
const POSITIONS_PER_WORD = 32;

/**
 * The `tsvector` input text of several parts in order, each part's words with its weight
 * (A: title, B: body, C: reply template): `'化粪池':1A,9B '满溢':2B …`.
 */
export function tsvectorText(parts: Array<{ words: string[]; weight: 'A' | 'B' | 'C' | 'D' }>): string {
  const positions = new Map<string, string[]>();
  let at = 0;
  for (const part of parts) {
    for (const word of part.words) {
      at = Math.min(at + 1, MAX_POSITION);
      const list = positions.get(word) ?? [];
      if (list.length < POSITIONS_PER_WORD) list.push(`${at}${part.weight}`);
      positions.set(word, list);
    }
  }
  return [...positions].map(([word, list]) => `${lexeme(word)}:${list.join(',')}`).join(' ');
}

/** The `tsquery` input text matching any of the words: `'路灯' | '不亮'`. */
export function anyWordQuery(words: string[]): string {
  return words.map(lexeme).join(' | ');
}
