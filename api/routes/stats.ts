/** Statistics like the seed reports them: matters handled, by list, by status, evaluations. */
import type { FastifyInstance } from 'fastify';
import { requireRole } from '../plugins/auth';
import { authed, errors } from '../schemas/common';
import { Stats, StatsQuery } from '../schemas/supervision';

export default async function statsRoutes(app: FastifyInstance) {
  app.get('/stats', {
    onRequest: app.authenticate,
    schema: {
      tags: ['supervision'],
      summary: 'Figures of the whistles filed from `from` to `to` (Asia/Shanghai days, inclusive; all time by default)',
      ...authed, querystring: StatsQuery,
      response: { 200: Stats, ...errors('unauthenticated', 'forbidden') },
    },
  }, async (request) => {
    requireRole(request, 'center', 'supervisor');
    return app.services.stats.stats(request.query as StatsQuery);
  });
}
