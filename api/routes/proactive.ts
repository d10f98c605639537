/** 未诉先办 (proactive rounds): the center's recurring inspections, each a Temporal Schedule `proactive-<id>`. */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { requireRole, signedInRoutes } from '../plugins/auth';
import { authed, described, errors } from '../schemas/common';
import { Round, RoundBody, RoundList, RoundParam } from '../schemas/proactive';

export default async function proactiveRoutes(fastify: FastifyInstance) {
  const app = signedInRoutes(fastify);

  app.post('/proactive', {
    schema: {
      tags: ['proactive'], operationId: 'createProactiveRound', ...authed, body: RoundBody,
      summary: '未诉先办: a round that files one whistle per community at each of its times (the center); audited',
      description: 'A Temporal Schedule `proactive-<id>` files, at each time (Asia/Shanghai), one whistle per community, ' +
        '`source: "proactive"`, filed by the center and dispatched at once to the departments (the lead as at triage). ' +
        'Each (round, occurrence, community) files once, whatever the retries. Unknown categories, communities or departments are 400.',
      response: { 201: described(Round, 'The round, with its id and nextRunAt'), ...errors('unauthenticated', 'forbidden', 'validation_failed') },
    },
  }, async (request, reply) => {
    const account = requireRole(request, 'center');
    return reply.code(201).send(await app.services.proactive.create(account.id, request.body, request.ip));
  });

  app.get('/proactive', {
    schema: {
      tags: ['proactive'], operationId: 'listProactiveRounds', ...authed,
      summary: '未诉先办: every round, newest first (the center)',
      response: { 200: RoundList, ...errors('unauthenticated', 'forbidden') },
    },
  }, async (request) => {
    requireRole(request, 'center');
    return app.services.proactive.list();
  });

  for (const [action, paused] of [['pause', true], ['unpause', false]] as const) {
    app.post(`/proactive/:id/${action}`, {
      schema: {
        tags: ['proactive'], operationId: `${action}ProactiveRound`, ...authed, params: RoundParam,
        summary: `${paused ? 'Pauses' : 'Unpauses'} a round and its Schedule (the center); audited`,
        response: { 200: described(Round, 'The round'), ...errors('unauthenticated', 'forbidden', 'not_found') },
      },
    }, async (request) => {
      const account = requireRole(request, 'center');
      return app.services.proactive.setPaused(account.id, request.params.id, paused, request.ip);
    });
  }

  app.delete('/proactive/:id', {
    schema: {
      tags: ['proactive'], operationId: 'deleteProactiveRound', ...authed, params: RoundParam,
      summary: 'Deletes a round and its Schedule (the center); the whistles it filed stay; audited',
      response: { 204: Type.Null({ description: 'Deleted' }), ...errors('unauthenticated', 'forbidden', 'not_found') },
    },
  }, async (request, reply) => {
    const account = requireRole(request, 'center');
    await app.services.proactive.remove(account.id, request.params.id, request.ip);
    return reply.code(204).send(null);
  });
}
