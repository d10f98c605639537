/** The center's insights: 高频诉求 / 每月一题 (recurring matters). */
import type { FastifyInstance } from 'fastify';
import { requireRole, signedInRoutes } from '../plugins/auth';
import { authed, errors } from '../schemas/common';
import { RecurringPage, RecurringQuery } from '../schemas/insights';

export default async function insightsRoutes(fastify: FastifyInstance) {
  const app = signedInRoutes(fastify);

  app.get('/insights/recurring', {
    schema: {
      tags: ['practice'], operationId: 'recurringMatters', ...authed, querystring: RecurringQuery,
      summary: '高频诉求: the same kind of matter in the same place again and again (center, supervisor)',
      description: 'Whistles filed from `from` to `to` (Asia/Shanghai days, both included; by default the last 30 days) grouped by ' +
        'place (`level`: compound, community or street; compound leaves out whistles filed without one) and category; a whistle counts ' +
        'its `reports` (duplicates merged into it), merged whistles do not count on their own. `previousCount` is the period of the ' +
        'same length just before. At most 366 days between `from` and `to`.',
      response: { 200: RecurringPage, ...errors('unauthenticated', 'forbidden') },
    },
  }, async (request) => {
    requireRole(request, 'center', 'supervisor');
    return app.services.insights.recurring(request.query);
  });
}
