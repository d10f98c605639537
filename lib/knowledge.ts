/**
 * 知识库 (knowledge base) words: what an article is indexed by and what a search or a matter is
 * matched with, segmented the same way (lib/text/words.ts), and `relatedArticles`, the articles a
 * whistle's page offers its holder and the center.
 */
import type { Pool, PoolClient } from 'pg';
import { distinctWords, words } from './text/words';
import { anyWordQuery, tsvectorText } from './text/tsearch';
import { relatedTo, type ArticleFields } from './stores/knowledge';

/** A search uses at most this many of its words (a pasted paragraph stays a quick search). */
const MAX_QUERY_WORDS = 32;
/** A matter's text (title and description) is matched by its first this many distinct words. */
const MAX_MATTER_WORDS = 64;

/** The article's `tsvector` input text: title A, body B, reply template C. */
export function articleVector(a: Pick<ArticleFields, 'title' | 'body' | 'replyTemplate'>): string {
  return tsvectorText([
    { words: words(a.title), weight: 'A' },
    { words: words(a.body, 30_000), weight: 'B' },
    { words: words(a.replyTemplate ?? ''), weight: 'C' },
  ]);
}

/** A search's words as tsquery texts: any of them, and each alone (to count how many an article has). */
export function queryOf(text: string, max = MAX_QUERY_WORDS): { anyWords: string; eachWord: string[] } | null {
  const found = distinctWords(text).slice(0, max);
  if (found.length === 0) return null;
  return { anyWords: anyWordQuery(found), eachWord: found.map((w) => anyWordQuery([w])) };
}

/**
 * At most `limit` articles `{ id, title }` related to a matter of `category` with this text (the
 * whistle's title and description): those of its category and those sharing at least two of its
 * words, the most shared words first (the category counts as two).
 */
export async function relatedArticles(db: Pool | PoolClient, category: string, text: string, limit = 5): Promise<Array<{ id: string; title: string }>> {
  const q = queryOf(text, MAX_MATTER_WORDS);
  return relatedTo(db, { category, anyWords: q?.anyWords ?? null, eachWord: q?.eachWord ?? [], limit });
}
