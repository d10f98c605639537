/** Service endpoints without authentication: health, readiness, categories. */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { CATEGORIES } from '../../lib/categories';
import { sendError } from '../errors';
import { described, errorsOnly, publicRoute } from '../schemas/common';

const READY_TIMEOUT_MS = 2000;

function within<T>(ms: number, work: Promise<T>): Promise<T> {
  return Promise.race([work, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);
}

export default async function systemRoutes(app: FastifyInstance) {
  app.get('/healthz', {
    schema: {
      tags: ['service'], operationId: 'getHealth', summary: 'The process runs (liveness)', ...publicRoute,
      response: {
        200: Type.Object({ status: Type.String({ enum: ['ok'] }) }, { description: 'The process runs', examples: [{ status: 'ok' }] }),
        ...errorsOnly('rate_limited'),
      },
    },
  }, async () => ({ status: 'ok' }));

  app.get('/readyz', {
    schema: {
      tags: ['service'], operationId: 'getReadiness', summary: 'PostgreSQL and Temporal answer (readiness)', ...publicRoute,
      response: {
        200: Type.Object({
          status: Type.String({ enum: ['ready'] }), postgres: Type.String({ enum: ['ok'] }), temporal: Type.String({ enum: ['ok'] }),
          limits: Type.String({
            enum: ['shared', 'per-process'],
            description: '`shared`: rate limits and login throttling are counted in Redis for every API process; `per-process`: ' +
              'without REDIS_URL, or while Redis is unreachable (readiness does not depend on it)',
          }),
        }, { description: 'Both answered within 2 seconds', examples: [{ status: 'ready', postgres: 'ok', temporal: 'ok', limits: 'shared' }] }),
        ...errorsOnly('rate_limited', 'unavailable'),
      },
    },
  }, async (_request, reply) => {
    const { pool, temporal } = app.deps;
    const [pg, tp] = await Promise.allSettled([
      within(READY_TIMEOUT_MS, pool.query('SELECT 1')),
      within(READY_TIMEOUT_MS, temporal.connection.workflowService.getSystemInfo({})),
    ]);
    if (pg.status === 'fulfilled' && tp.status === 'fulfilled') {
      return { status: 'ready', postgres: 'ok', temporal: 'ok', limits: app.services.limits.mode };
    }
    const down = [pg.status === 'rejected' ? 'PostgreSQL' : null, tp.status === 'rejected' ? 'Temporal' : null].filter(Boolean);
    return sendError(reply, 'unavailable', `not ready: ${down.join(' and ')} not answering`);
  });

  app.get('/openapi.json', {
    schema: {
      tags: ['service'], operationId: 'getOpenApi', summary: 'This document (OpenAPI 3), generated from the route schemas', ...publicRoute,
      response: {
        200: Type.Object({}, { additionalProperties: true, description: 'The OpenAPI 3 document; `GET /docs` shows it as a page' }),
        ...errorsOnly('rate_limited'),
      },
    },
  }, async () => app.swagger());

  app.get('/v1/categories', {
    schema: {
      tags: ['directory'], operationId: 'listCategories', summary: 'Categories of residents\' matters (Chinese names, English ids)', ...publicRoute,
      response: {
        200: described(Type.Array(Type.Object({ id: Type.String(), name: Type.String() }), {
          examples: [[{ id: 'environment', name: '环境卫生' }, { id: 'utilities', name: '水电燃气' }]],
        }), 'Every category; `category` of a whistle is one of these ids'),
        ...errorsOnly('rate_limited'),
      },
    },
  }, async () => CATEGORIES);
}
