/** Schemas of the knowledge base (知识库, GB/T 44191-2024). */
import { Type, type Static } from '@sinclair/typebox';
import { CATEGORY_IDS } from '../../lib/categories';

/** The longest article body: a long policy document fits; a pasted book does not. */
const BODY_MAX_CHARS = 50_000;
/** A request may carry that much Chinese text (3 bytes a character) with a reply template and JSON escapes. */
export const KNOWLEDGE_BODY_LIMIT_BYTES = 512 * 1024;

const Category = Type.String({ enum: [...CATEGORY_IDS], description: 'A category id of GET /v1/categories' });

export const ArticleBody = Type.Object({
  title: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S', description: '标题' }),
  body: Type.String({ minLength: 1, maxLength: BODY_MAX_CHARS, pattern: '\\S', description: '正文: policy, answer or procedure, at most 50,000 characters' }),
  categories: Type.Array(Category, { maxItems: 13, uniqueItems: true, description: 'The categories of matters it answers' }),
  replyTemplate: Type.Optional(Type.Union([Type.String({ maxLength: 5000 }), Type.Null()], { description: '答复模板: a reply clerks start from' })),
}, {
  additionalProperties: false,
  examples: [{
    title: '化粪池满溢怎么办',
    body: '小区化粪池满溢、污水外溢时，物业服务企业应在24小时内组织清掏……',
    categories: ['environment', 'property'],
    replyTemplate: '您好，您反映的化粪池满溢问题已转物业公司清掏，预计……',
  }],
});
export type ArticleBody = Static<typeof ArticleBody>;

export const Article = Type.Object({
  id: Type.String(),
  title: Type.String(),
  body: Type.String(),
  categories: Type.Array(Type.String()),
  replyTemplate: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  createdBy: Type.String({ description: 'account id' }),
  updatedAt: Type.String({ format: 'date-time' }),
  updatedBy: Type.String({ description: 'account id' }),
});

export const ArticleList = Type.Object({
  items: Type.Array(Type.Object({
    ...Article.properties,
    matched: Type.Optional(Type.Integer({ minimum: 1, description: 'With `q`: how many of the search\'s words the article has' })),
  })),
}, { description: 'With `q`: articles having any of its words, the most words first; without: the newest change first' });

export const KnowledgeQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Words to find (Chinese is segmented: 路灯不亮 → 路灯, 不亮); empty: no search' })),
  category: Type.Optional(Category),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'At most this many' })),
}, { additionalProperties: false });
export type KnowledgeQuery = Static<typeof KnowledgeQuery>;

export const ArticleParam = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' }),
}, { additionalProperties: false });
