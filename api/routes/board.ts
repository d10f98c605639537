/**
 * 公示栏, public (no authentication): a community's resolved and closed whistles as JSON, and the
 * same board as a Chinese page for a screen or a printer. Cached briefly by anyone (public): it
 * holds nothing personal beyond the masked reporter's name.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { renderBoardPage } from '../board-page';
import { errors, IdParam } from '../schemas/common';
import { BoardPage, BoardPageQuery, BoardQuery, CommunityParam } from '../schemas/supervision';

const CACHE_CONTROL = 'public, max-age=60';

export default async function boardRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/v1/communities/:id/board', {
    schema: {
      tags: ['board'],
      summary: '公示栏: resolved and closed whistles of a community, newest resolution first (no authentication)',
      description: 'Pages of `limit` (1..100, default 20); pass `nextCursor` as `cursor` for the next page. ' +
        'The reporter\'s name is masked (李大爷 → 李*); phones are never shown.',
      params: IdParam, querystring: BoardQuery,
      response: { 200: BoardPage, ...errors('not_found') },
    },
  }, async (request, reply) => {
    const board = await app.services.board.page(request.params.id, request.query);
    reply.header('cache-control', CACHE_CONTROL);
    return board;
  });

  app.get('/board/:communityId', {
    schema: {
      tags: ['board'],
      summary: '公示栏 as a page in Chinese for a screen or a printer (no authentication)',
      description: 'The newest `limit` (1..200, default 50) items, with a link to the next page; same masking as the JSON board.',
      params: CommunityParam, querystring: BoardPageQuery, produces: ['text/html'],
      response: {
        200: { description: 'HTML page (text/html; charset=utf-8)', content: { 'text/html': { schema: Type.String() } } },
        ...errors('not_found'),
      },
    },
  }, async (request, reply) => {
    const { communityId } = request.params;
    const query = request.query;
    const board = await app.services.board.page(communityId, query);
    const nextHref = board.nextCursor
      ? `/board/${encodeURIComponent(communityId)}?${new URLSearchParams({ ...(query.limit ? { limit: String(query.limit) } : {}), cursor: board.nextCursor })}`
      : null;
    return reply
      .header('cache-control', CACHE_CONTROL)
      .type('text/html; charset=utf-8')
      .send(renderBoardPage(board, new Date(), nextHref));
  });
}
