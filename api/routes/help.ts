/** 邻里搭把手 (neighbour help): post, the board, one request, and the actions of the contract. */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { signedInRoutes } from '../plugins/auth';
import { authed, errors, IdParam } from '../schemas/common';
import { HELP_ACTION_BODIES, HelpListQuery, HelpPage, HelpView, PostHelpBody } from '../schemas/help';
import { forCaller, helpLogIds } from '../services/help';
import { HELP_ACTIONS, type HelpAction } from '../../domain';

const ACTION_SUMMARIES: Record<HelpAction, string> = {
  verify: '社区下单: the community verifies the request (open on the board) or rejects it with a reason',
  claim: '接单: a party member, or the street office of the community, takes it with a time and a place',
  'check-in': '报到: the claimer arrives (before the appointment plus the grace period)',
  complete: 'The claimer reports the service done',
  confirm: 'The requester confirms and rates the service (1–5 stars)',
  cancel: 'The requester cancels it before it is taken',
};

const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '^[\\x21-\\x7e]+$' })),
});

export default async function helpRoutes(fastify: FastifyInstance) {
  const app = signedInRoutes(fastify);

  app.post('', {
    schema: {
      tags: ['help'], operationId: 'postHelpRequest', summary: '居民点单: any account posts a need for a community (waits for its verification)', ...authed,
      headers: IdempotencyHeaders, body: PostHelpBody,
      response: { 201: { ...HelpView, description: 'The new help request, pending verification' }, ...errors('unauthenticated', 'idempotency_conflict') },
    },
  }, async (request, reply) => {
    const key = request.headers['idempotency-key'];
    if (key) await app.services.idempotency.claim(request.account!.id, key, 'POST', '/v1/help-requests', request.body);
    const view = await app.services.help.post(request.account!, request.body, key);
    request.log.info(helpLogIds(view.id), 'help request posted');
    return reply.code(201).send(await app.services.people.named(forCaller(request.account!, await app.services.help.withPhotos(view)), request.account!));
  });

  app.get('', {
    schema: {
      tags: ['help'], operationId: 'listHelpRequests',
      summary: 'The board: help requests, newest first; `waitingFor=me`: those waiting for the caller\'s action (邻里搭把手待办)', ...authed, querystring: HelpListQuery,
      response: { 200: { ...HelpPage, description: 'A page of help requests and the cursor of the next' }, ...errors('unauthenticated') },
    },
  }, async (request) => {
    const page = await app.services.help.list(request.account!, request.query);
    return { ...page, items: page.items.map((view) => forCaller(request.account!, view)) };
  });

  app.get('/:id', {
    schema: {
      tags: ['help'], operationId: 'getHelpRequest', summary: 'One help request with its timeline', ...authed, params: IdParam,
      response: { 200: { ...HelpView, description: 'The help request' }, ...errors('unauthenticated', 'not_found') },
    },
  }, async (request) => app.services.people.named(
    forCaller(request.account!, await app.services.help.withPhotos(await app.services.help.view(request.account!, request.params.id))), request.account!));

  for (const action of HELP_ACTIONS) {
    app.post(`/:id/${action}`, {
      schema: {
        tags: ['help'], operationId: `${action.replace(/-(\w)/g, (_m: string, c: string) => c.toUpperCase())}HelpRequest`, summary: ACTION_SUMMARIES[action], ...authed, params: IdParam,
        body: HELP_ACTION_BODIES[action],
        response: { 200: { ...HelpView, description: `The help request after \`${action}\`` }, ...errors('unauthenticated', 'forbidden', 'not_found', 'invalid_state') },
      },
    }, async (request) => {
      const { id } = request.params;
      const view = await app.services.help.act(request.account!, id, action, request.body ?? {});
      request.log.info({ ...helpLogIds(id), action, status: view.status }, 'help action');
      return app.services.people.named(forCaller(request.account!, await app.services.help.withPhotos(view)), request.account!);
    });
  }
}
