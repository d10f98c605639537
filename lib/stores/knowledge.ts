/**
 * The knowledge base's table (知识库, migrations/031): SQL only. The words and the `tsvector`
 * text come from lib/knowledge.ts; here they are stored and searched.
 */
import type { Pool, PoolClient } from 'pg';

export interface Article {
  id: string;
  title: string;
  body: string;
  categories: string[];
  replyTemplate: string | null;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

export interface ArticleFields { title: string; body: string; categories: string[]; replyTemplate: string | null }

type Db = Pool | PoolClient;

const COLUMNS = `id, title, body, categories, reply_template, created_at, created_by, updated_at, updated_by`;

interface Row {
  id: string; title: string; body: string; categories: string[]; reply_template: string | null;
  created_at: Date; created_by: string; updated_at: Date; updated_by: string;
}

function articleOf(r: Row): Article {
  return {
    id: r.id, title: r.title, body: r.body, categories: r.categories, replyTemplate: r.reply_template,
    createdAt: r.created_at.toISOString(), createdBy: r.created_by, updatedAt: r.updated_at.toISOString(), updatedBy: r.updated_by,
  };
}

export async function insertArticle(db: Db, id: string, a: ArticleFields, search: string, actor: string): Promise<Article> {
  const { rows } = await db.query<Row>(
    `INSERT INTO knowledge_articles (id, title, body, categories, reply_template, search, created_by, updated_by)
     VALUES ($1, $2, $3, $4, $5, $6::tsvector, $7, $7) RETURNING ${COLUMNS}`,
    [id, a.title, a.body, a.categories, a.replyTemplate, search, actor]);
  return articleOf(rows[0]);
}

/** The article as changed, or null when there is none with this id. */
export async function updateArticle(db: Db, id: string, a: ArticleFields, search: string, actor: string): Promise<Article | null> {
  const { rows } = await db.query<Row>(
    `UPDATE knowledge_articles SET title = $2, body = $3, categories = $4, reply_template = $5, search = $6::tsvector,
            updated_at = now(), updated_by = $7
      WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, a.title, a.body, a.categories, a.replyTemplate, search, actor]);
  return rows[0] ? articleOf(rows[0]) : null;
}

/** The deleted article's title, or null when there was none. */
export async function deleteArticle(db: Db, id: string): Promise<string | null> {
  const { rows } = await db.query<{ title: string }>('DELETE FROM knowledge_articles WHERE id = $1 RETURNING title', [id]);
  return rows[0]?.title ?? null;
}

export async function articleById(db: Db, id: string): Promise<Article | null> {
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM knowledge_articles WHERE id = $1`, [id]);
  return rows[0] ? articleOf(rows[0]) : null;
}

/** Newest change first, of one category or of all. */
export async function latestArticles(db: Db, category: string | null, limit: number): Promise<Article[]> {
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM knowledge_articles
      WHERE ($1::text IS NULL OR categories @> ARRAY[$1::text])
      ORDER BY updated_at DESC, id DESC LIMIT $2`, [category, limit]);
  return rows.map(articleOf);
}

/**
 * Articles having any of the words (`anyWords`: a tsquery text; `eachWord`: one tsquery text per
 * word), best first: the most of the words, then PostgreSQL's rank (title words weigh more, words
 * that occur often), then the newest change. The GIN index finds the candidates.
 */
export async function searchArticles(db: Db, q: { anyWords: string; eachWord: string[]; category: string | null; limit: number }):
  Promise<Array<Article & { matched: number }>> {
  const { rows } = await db.query<Row & { matched: number }>(
    `SELECT ${COLUMNS}, m.matched
       FROM knowledge_articles k
      CROSS JOIN LATERAL (SELECT count(*)::int AS matched FROM unnest($2::text[]) AS w(q) WHERE k.search @@ w.q::tsquery) m
      WHERE k.search @@ $1::tsquery AND ($3::text IS NULL OR k.categories @> ARRAY[$3::text])
      ORDER BY m.matched DESC, ts_rank(k.search, $1::tsquery) DESC, k.updated_at DESC, k.id DESC
      LIMIT $4`,
    [q.anyWords, q.eachWord, q.category, q.limit]);
  return rows.map((r) => ({ ...articleOf(r), matched: r.matched }));
}

/**
 * Articles related to a matter: those of its category and those sharing at least two of its words,
 * scored by the words they share plus two for the category; at most `limit`.
 */
export async function relatedTo(db: Db, q: { category: string; anyWords: string | null; eachWord: string[]; limit: number }):
  Promise<Array<{ id: string; title: string }>> {
  const { rows } = await db.query<{ id: string; title: string }>(
    `SELECT k.id, k.title
       FROM knowledge_articles k
      CROSS JOIN LATERAL (SELECT count(*)::int AS matched FROM unnest($3::text[]) AS w(q) WHERE k.search @@ w.q::tsquery) m
      CROSS JOIN LATERAL (SELECT k.categories @> ARRAY[$1::text] AS tagged) t
      WHERE t.tagged OR ($2::text IS NOT NULL AND k.search @@ $2::tsquery AND m.matched >= 2)
      ORDER BY m.matched + CASE WHEN t.tagged THEN 2 ELSE 0 END DESC, k.updated_at DESC, k.id DESC
      LIMIT $4`,
    [q.category, q.anyWords, q.eachWord, q.limit]);
  return rows;
}
