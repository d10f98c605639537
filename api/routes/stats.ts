/** Statistics like the seed reports them: matters handled, by list, by status, evaluations. */
import type { FastifyInstance } from 'fastify';
import { signedInRoutes } from '../plugins/auth';
import { authed, errors } from '../schemas/common';
import { Stats, StatsQuery } from '../schemas/supervision';

export default async function statsRoutes(fastify: FastifyInstance) {
  const app = signedInRoutes(fastify);
  app.get('/stats', {
    schema: {
      tags: ['supervision'],
      summary: 'District figures of the whistles filed from `from` to `to` (Asia/Shanghai days, inclusive; all time by default); any account',
      ...authed, querystring: StatsQuery,
      response: { 200: Stats, ...errors('unauthenticated') },
    },
  }, async (request) => {
    // The seed publishes these figures; they hold counts only, so every account may read them.
    return app.services.stats.stats(request.query);
  });
}
