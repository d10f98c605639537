/** 居事上报 / 吹哨报到: file, read, list, and the actions of the contract. */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { authed, errors, IdParam } from '../schemas/common';
import { ACTION_BODIES, FileWhistleBody, ListQuery, WhistlePage } from '../schemas/whistles';
import { WHISTLE_ACTIONS } from '../../workflows/messages';

const ACTION_SUMMARIES: Record<(typeof WHISTLE_ACTIONS)[number], string> = {
  accept: '报到: the street (filed) or a dispatched department (dispatched) takes the whistle',
  progress: 'The current holder reports progress',
  resolve: 'The street or the lead department resolves; feedback sent, posted on the board',
  escalate: 'The street or a supervisor escalates to the district service center',
  triage: 'The center sorts into a list (三单) and dispatches departments with a lead',
  return: 'A dispatched department returns it to the center',
  urge: '督办: a supervisor urges the holder',
  evaluate: '群众评单: the filing community evaluates; unsatisfied may reopen',
  withdraw: 'The filing community withdraws it',
};

const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '^[\\x21-\\x7e]+$' })),
});

export default async function whistleRoutes(app: FastifyInstance) {
  app.addHook('onRequest', app.authenticate);

  app.post('', {
    schema: {
      tags: ['whistles'], summary: 'Blow the whistle (吹哨): a community files a matter for its street', ...authed,
      headers: IdempotencyHeaders, body: FileWhistleBody,
      response: { 201: Type.Ref('Whistle'), ...errors('unauthenticated', 'forbidden') },
    },
  }, async (request, reply) => {
    const key = request.headers['idempotency-key'] as string | undefined;
    const view = await app.services.whistles.file(request.account!, request.body as FileWhistleBody, key);
    request.log.info({ whistleId: view.id, workflowId: `whistle-${view.id}` }, 'whistle filed');
    return reply.code(201).send(view);
  });

  app.get('', {
    schema: {
      tags: ['whistles'], summary: 'Whistles the caller may see, newest first', ...authed, querystring: ListQuery,
      response: { 200: WhistlePage, ...errors('unauthenticated') },
    },
  }, async (request) => app.services.whistles.list(request.account!, request.query as ListQuery));

  app.get('/:id', {
    schema: {
      tags: ['whistles'], summary: 'One whistle with its timeline', ...authed, params: IdParam,
      response: { 200: Type.Ref('Whistle'), ...errors('unauthenticated', 'not_found') },
    },
  }, async (request) => app.services.whistles.view(request.account!, (request.params as { id: string }).id));

  for (const action of WHISTLE_ACTIONS) {
    const body = ACTION_BODIES[action];
    app.post(`/:id/${action}`, {
      schema: {
        tags: ['whistles'], summary: ACTION_SUMMARIES[action], ...authed, params: IdParam,
        ...(action === 'accept' ? {} : { body }),
        response: { 200: Type.Ref('Whistle'), ...errors('unauthenticated', 'forbidden', 'not_found', 'invalid_state') },
      },
    }, async (request) => {
      const { id } = request.params as { id: string };
      if (action === 'accept' && request.body !== undefined && request.body !== null
        && (typeof request.body !== 'object' || Object.keys(request.body as object).length > 0)) {
        const err = new Error('accept takes no body') as Error & { validation: unknown[]; validationContext: string };
        err.validation = [{ instancePath: '', message: 'accept takes no fields' }];
        err.validationContext = 'body';
        throw err;
      }
      const view = await app.services.whistles.act(request.account!, id, action, (request.body ?? {}) as Record<string, unknown>);
      request.log.info({ whistleId: id, workflowId: `whistle-${id}`, action, status: view.status }, 'whistle action');
      return view;
    });
  }
}
