/** Service endpoints without authentication: health, readiness, categories. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { CATEGORIES } from '../../lib/categories';
import { ERROR_STATUS } from '../errors';
import { CalendarCoverage } from '../schemas/calendar';
import { described, errorsOnly, publicRoute } from '../schemas/common';

export default async function systemRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
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
          calendar: CalendarCoverage,
        }, {
          description: 'Both answered within 2 seconds. `calendar` says how far ahead the official holiday schedule is known; `limits` how requests are counted',
          examples: [{ status: 'ready', postgres: 'ok', temporal: 'ok', calendar: { coveredThrough: '2027-12-31', warning: null }, limits: 'shared' }],
        }),
        ...errorsOnly('rate_limited'),
        503: { ...errorsOnly('unavailable')[503], description: 'PostgreSQL or Temporal unreachable (unavailable); the body carries `calendar` as the 200 does' },
      },
    },
  }, async (_request, reply) => {
    const { down, calendar, limits } = await app.services.readiness.check();
    if (down.length === 0) return { status: 'ready', postgres: 'ok', temporal: 'ok', calendar, limits };
    // The error shape with `calendar` beside it, sent as text: the Error schema has no `calendar`
    // and the serializer would drop it.
    const body = { error: { code: 'unavailable', message: `not ready: ${down.join(' and ')} not answering` }, calendar };
    return reply.code(ERROR_STATUS.unavailable).type('application/json; charset=utf-8').send(JSON.stringify(body));
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
  }, async () => [...CATEGORIES]);
}
