/**
 * 知识库 (knowledge base): the center writes articles, every handling role searches them by
 * words. Each change is audited in its own transaction (knowledge_created / _updated / _deleted).
 */
import { randomBytes } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { recordAudit } from '../../lib/audit';
import { inTransaction } from '../../lib/db';
import { articleVector, queryOf } from '../../lib/knowledge';
import * as store from '../../lib/stores/knowledge';
import { notFound } from '../errors';
import type { ArticleBody, KnowledgeQuery } from '../schemas/knowledge';

const articleNotFound = () => notFound('no such knowledge article', '知识库中没有这篇文章');

function fieldsOf(body: ArticleBody): store.ArticleFields {
  return { title: body.title.trim(), body: body.body, categories: [...body.categories], replyTemplate: body.replyTemplate ?? null };
}

export class KnowledgeService {
  constructor(private readonly pool: Pool) {}

  private inTransaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, work);
  }

  async create(actor: string, body: ArticleBody): Promise<store.Article> {
    const fields = fieldsOf(body);
    const vector = articleVector(fields);
    return this.inTransaction(async (client) => {
      const article = await store.insertArticle(client, randomBytes(8).toString('hex'), fields, vector, actor);
      await recordAudit(client, { type: 'knowledge_created', actor, subject: article.id, note: article.title });
      return article;
    });
  }

  async update(actor: string, id: string, body: ArticleBody): Promise<store.Article> {
    const fields = fieldsOf(body);
    const vector = articleVector(fields);
    return this.inTransaction(async (client) => {
      const article = await store.updateArticle(client, id, fields, vector, actor);
      if (!article) throw articleNotFound();
      await recordAudit(client, { type: 'knowledge_updated', actor, subject: id, note: article.title });
      return article;
    });
  }

  async remove(actor: string, id: string): Promise<void> {
    await this.inTransaction(async (client) => {
      const title = await store.deleteArticle(client, id);
      if (title === null) throw articleNotFound();
      await recordAudit(client, { type: 'knowledge_deleted', actor, subject: id, note: title });
    });
  }

  async get(id: string): Promise<store.Article> {
    return (await store.articleById(this.pool, id)) ?? Promise.reject(articleNotFound());
  }

  /**
   * With words in `q`: the articles having any of them, the most first. A `q` with no word in it
   * (only punctuation or function words) finds nothing: an empty list, not a refusal, as a search
   * box typed into answers. Without `q`: the newest changes.
   */
  async search(q: KnowledgeQuery): Promise<{ items: Array<store.Article & { matched?: number }> }> {
    const limit = q.limit ?? 20;
    const category = q.category ?? null;
    if (q.q === undefined || q.q.trim() === '') return { items: await store.latestArticles(this.pool, category, limit) };
    const query = queryOf(q.q);
    if (!query) return { items: [] };
    return { items: await store.searchArticles(this.pool, { ...query, category, limit }) };
  }
}
