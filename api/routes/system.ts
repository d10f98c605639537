/** Service endpoints without authentication: health, readiness, categories. */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { CATEGORIES } from '../../lib/categories';
import { sendError } from '../errors';

const READY_TIMEOUT_MS = 2000;

function within<T>(ms: number, work: Promise<T>): Promise<T> {
  return Promise.race([work, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);
}

export default async function systemRoutes(app: FastifyInstance) {
  app.get('/healthz', {
    schema: { tags: ['service'], summary: 'The process runs', response: { 200: Type.Object({ status: Type.String() }) } },
  }, async () => ({ status: 'ok' }));

  app.get('/readyz', {
    schema: {
      tags: ['service'], summary: 'PostgreSQL and Temporal answer',
      response: {
        200: Type.Object({ status: Type.String(), postgres: Type.String(), temporal: Type.String() }),
        503: Type.Ref('Error'),
      },
    },
  }, async (_request, reply) => {
    const { pool, temporal } = app.deps;
    const [pg, tp] = await Promise.allSettled([
      within(READY_TIMEOUT_MS, pool.query('SELECT 1')),
      within(READY_TIMEOUT_MS, temporal.connection.workflowService.getSystemInfo({})),
    ]);
    if (pg.status === 'fulfilled' && tp.status === 'fulfilled') return { status: 'ready', postgres: 'ok', temporal: 'ok' };
    const down = [pg.status === 'rejected' ? 'PostgreSQL' : null, tp.status === 'rejected' ? 'Temporal' : null].filter(Boolean);
    return sendError(reply, 'unavailable', `not ready: ${down.join(' and ')} not answering`);
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.get('/v1/categories', {
    schema: {
      tags: ['directory'], summary: 'Categories of residents\' matters (Chinese names, English ids)',
      response: { 200: Type.Array(Type.Object({ id: Type.String(), name: Type.String() }), { examples: [[{ id: 'environment', name: '环境卫生' }]] }) },
    },
  }, async () => CATEGORIES);
}
