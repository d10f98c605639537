/** 知识库 (knowledge base, GB/T 44191-2024): the center writes, the handling roles search. */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { requireRole, signedInRoutes } from '../plugins/auth';
import { authed, described, errors } from '../schemas/common';
import { Article, ArticleBody, ArticleList, ArticleParam, KNOWLEDGE_BODY_LIMIT_BYTES, KnowledgeQuery } from '../schemas/knowledge';

const READERS = ['community', 'street', 'center', 'department', 'supervisor'] as const;

export default async function knowledgeRoutes(fastify: FastifyInstance) {
  const app = signedInRoutes(fastify);

  app.get('/knowledge', {
    schema: {
      tags: ['knowledge'], operationId: 'searchKnowledge', ...authed, querystring: KnowledgeQuery,
      summary: '知识库: find articles by words (community, street, center, department, supervisor)',
      description: 'The Chinese words of `q` (segmented: 路灯不亮 → 路灯, 不亮) are matched against each article\'s words; an article with any ' +
        'of them is found, the most words first. A `q` of punctuation or function words alone finds nothing (an empty list).',
      response: { 200: ArticleList, ...errors('unauthenticated', 'forbidden') },
    },
  }, async (request) => {
    requireRole(request, ...READERS);
    return app.services.knowledge.search(request.query);
  });

  app.get('/knowledge/:id', {
    schema: {
      tags: ['knowledge'], operationId: 'getKnowledgeArticle', ...authed, params: ArticleParam,
      summary: 'One article of the knowledge base (the roles that search it)',
      response: { 200: described(Article, 'The article'), ...errors('unauthenticated', 'forbidden', 'not_found') },
    },
  }, async (request) => {
    requireRole(request, ...READERS);
    return app.services.knowledge.get(request.params.id);
  });

  app.post('/knowledge', {
    bodyLimit: KNOWLEDGE_BODY_LIMIT_BYTES,
    schema: {
      tags: ['knowledge'], operationId: 'createKnowledgeArticle', ...authed, body: ArticleBody,
      summary: 'Adds an article to the knowledge base (the center); audited',
      response: { 201: described(Article, 'The article as stored'), ...errors('unauthenticated', 'forbidden') },
    },
  }, async (request, reply) => {
    const account = requireRole(request, 'center');
    return reply.code(201).send(await app.services.knowledge.create(account.id, request.body));
  });

  app.put('/knowledge/:id', {
    bodyLimit: KNOWLEDGE_BODY_LIMIT_BYTES,
    schema: {
      tags: ['knowledge'], operationId: 'updateKnowledgeArticle', ...authed, params: ArticleParam, body: ArticleBody,
      summary: 'Replaces an article (the center); audited',
      response: { 200: described(Article, 'The article as stored'), ...errors('unauthenticated', 'forbidden', 'not_found') },
    },
  }, async (request) => {
    const account = requireRole(request, 'center');
    return app.services.knowledge.update(account.id, request.params.id, request.body);
  });

  app.delete('/knowledge/:id', {
    schema: {
      tags: ['knowledge'], operationId: 'deleteKnowledgeArticle', ...authed, params: ArticleParam,
      summary: 'Removes an article (the center); audited',
      response: { 204: Type.Null({ description: 'Removed' }), ...errors('unauthenticated', 'forbidden', 'not_found') },
    },
  }, async (request, reply) => {
    const account = requireRole(request, 'center');
    await app.services.knowledge.remove(account.id, request.params.id);
    return reply.code(204).send(null);
  });
}
