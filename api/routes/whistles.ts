/** 居事上报 / 吹哨报到: file, read, list, and the actions of the contract. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { authed, described, errors, IdParam } from '../schemas/common';
import { ACTION_BODIES, FileWhistleBody, ListQuery, WhistlePage } from '../schemas/whistles';
import { whistleLogIds } from '../services/whistles';
import { WHISTLE_ACTIONS } from '../../domain';

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
  'request-extension': '延期申请: the street (handling) or the lead department (handling) asks the center for a later deadline, before dueAt',
  'decide-extension': '审批延期: the center approves (the deadline moves to `until`) or rejects a pending extension request',
  merge: '重复件合并: the street (its filed or handling whistles) or the center (escalated) merges a repeated report into an open original',
  callback: '回访: the center calls the reporter back, once per resolution, within callback.within after the latest resolution (resolved or closed)',
};

const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({
    minLength: 1, maxLength: 200, pattern: '^[\\x21-\\x7e]+$',
    description: 'Any printable text chosen by the client; the same key with the same request from the same account returns the first answer ' +
      '(safe retries); the same key with another request is 422 idempotency_conflict',
  })),
});

const WhistleResponse = (description: string) => described(Type.Ref('Whistle'), description);

/** From here on, every line logged for this request (errors, "request completed") names the whistle. */
function logAbout(request: FastifyRequest, reply: FastifyReply, whistleId: string) {
  const ids = whistleLogIds(whistleId);
  request.log = request.log.child(ids);
  reply.log = reply.log.child(ids);
}

export default async function whistleRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  // Before authentication, so that refused requests are logged with the whistle too; only an
  // id of the shape IdParam allows is trusted into the logs.
  app.addHook('onRequest', async (request, reply) => {
    const params: unknown = request.params;
    const id = typeof params === 'object' && params !== null && 'id' in params ? params.id : undefined;
    if (typeof id === 'string' && /^[A-Za-z0-9_-]{1,100}$/.test(id)) logAbout(request, reply, id);
  });
  app.addHook('onRequest', app.authenticate);

  app.post('', {
    schema: {
      tags: ['whistles'], operationId: 'fileWhistle', summary: 'Blow the whistle (吹哨): a community files a matter for its street', ...authed,
      description: 'Role `community`. The whistle goes to the street or town the community belongs to, which must answer first ' +
        '(镇街优先报到). `reporter.phone` is kept for feedback and never shown on the board or in logs.',
      headers: IdempotencyHeaders, body: FileWhistleBody,
      response: { 201: WhistleResponse('The whistle as filed (status `filed`)'), ...errors('unauthenticated', 'forbidden', 'idempotency_conflict') },
    },
  }, async (request, reply) => {
    const view = await app.services.whistles.filing.file(request.account!, request.body, request.headers['idempotency-key']);
    logAbout(request, reply, view.id);
    request.log.info({ status: view.status }, 'whistle filed');
    return reply.code(201).send(view);
  });

  app.get('', {
    schema: {
      tags: ['whistles'], operationId: 'listWhistles', summary: 'Whistles the caller may see, newest first (or by deadline)', ...authed, querystring: ListQuery,
      description: 'An unknown filter value (status, list, or an organisation that does not exist) is a 400, not an empty page. ' +
        '`holder=me` is the caller\'s queue (工作台): what waits for its organisation — it holds the whistle, or is a dispatched ' +
        'department that has not accepted yet, or (the center) an extension request waits for its decision. `sort=due` orders by ' +
        'deadline, overdue first.',
      response: { 200: WhistlePage, ...errors('unauthenticated') },
    },
  }, async (request) => app.services.whistles.reads.list(request.account!, request.query));

  app.get('/:id', {
    schema: {
      tags: ['whistles'], operationId: 'getWhistle', summary: 'One whistle with its timeline', ...authed, params: IdParam,
      description: 'Visible to the filing community, its street, the center, supervisors and the departments it was dispatched to; ' +
        'to anyone else it is `not_found`.',
      response: { 200: WhistleResponse('The whistle with its timeline'), ...errors('unauthenticated', 'not_found') },
    },
  }, async (request) => app.services.whistles.reads.view(request.account!, request.params.id));

  for (const action of WHISTLE_ACTIONS) {
    const body = ACTION_BODIES[action];
    app.post(`/:id/${action}`, {
      schema: {
        tags: ['whistles'], operationId: `${action.replace(/-(\w)/g, (_m, c: string) => c.toUpperCase())}Whistle`, summary: ACTION_SUMMARIES[action], ...authed, params: IdParam,
        headers: IdempotencyHeaders, body,
        response: {
          200: WhistleResponse(`The whistle after \`${action}\``),
          ...errors('unauthenticated', 'forbidden', 'not_found', 'invalid_state', 'idempotency_conflict'),
        },
      },
    }, async (request) => {
      const view = await app.services.whistles.actions.act(request.account!, request.params.id, action, request.body ?? {},
        request.headers['idempotency-key']);
      request.log.info({ action, status: view.status }, 'whistle action');
      return view;
    });
  }
}
