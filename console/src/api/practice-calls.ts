/**
 * The calls of the center's practice whose schemas the API's document holds (the generated
 * types): 高频诉求, 知识库, 智能分派. The parts not in the document yet are in center-practice.ts.
 */
import { api, ok } from './client';
import type { operations } from './schema';
import type { BodyOf } from './types';

type Ok<O> = O extends { responses: { 200: { content: { 'application/json': infer T } } } } ? T
  : O extends { responses: { 201: { content: { 'application/json': infer T } } } } ? T : never;

export type RecurringQuery = NonNullable<operations['recurringMatters']['parameters']['query']>;
export type RecurringPage = Ok<operations['recurringMatters']>;
export type RecurringItem = RecurringPage['items'][number];
export type KnowledgeQuery = NonNullable<operations['searchKnowledge']['parameters']['query']>;
export type Article = Ok<operations['getKnowledgeArticle']>;
export type FoundArticle = Ok<operations['searchKnowledge']>['items'][number];
export type ArticleBody = BodyOf<operations['createKnowledgeArticle']>;
export type Suggestion = Ok<operations['suggestFromText']>;

// ---- 高频诉求 -----------------------------------------------------------------------------------

export const recurring = (query: RecurringQuery): Promise<RecurringPage> =>
  ok(api.GET('/v1/insights/recurring', { params: { query } }));

// ---- 知识库 -------------------------------------------------------------------------------------

export const searchKnowledge = (query: KnowledgeQuery): Promise<{ items: FoundArticle[] }> =>
  ok(api.GET('/v1/knowledge', { params: { query } }));
export const article = (id: string): Promise<Article> => ok(api.GET('/v1/knowledge/{id}', { params: { path: { id } } }));
export const createArticle = (body: ArticleBody): Promise<Article> => ok(api.POST('/v1/knowledge', { body }));
export const updateArticle = (id: string, body: ArticleBody): Promise<Article> =>
  ok(api.PUT('/v1/knowledge/{id}', { params: { path: { id } }, body }));
export const deleteArticle = (id: string): Promise<unknown> => ok(api.DELETE('/v1/knowledge/{id}', { params: { path: { id } } }));

// ---- 智能分派 -----------------------------------------------------------------------------------

/** Whether a text has enough in it to ask for a suggestion (the API refuses a text without a word). */
export const worthSuggesting = (text: string): boolean => (text.match(/[\p{Script=Han}\p{L}\p{N}]/gu) ?? []).length >= 2;

export const suggest = (title: string, description: string): Promise<Suggestion> =>
  ok(api.POST('/v1/suggest', { body: { title, description } }));
