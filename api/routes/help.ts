/** 邻里搭把手 (neighbour help): post, the board, one request, and the actions of the contract. */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { authed, errors, IdParam } from '../schemas/common';
import { HELP_ACTION_BODIES, HelpListQuery, HelpPage, HelpView, PostHelpBody } from '../schemas/help';
import { HELP_ACTIONS, helpWorkflowId, type HelpAction, type HelpView as View } from '../../workflows/help-messages';
import { helpAllowedActions, helpRuleStateOf } from '../../workflows/help-rules';
import { actorOf, type Account } from '../services/directory';

/** The request as this caller sees it: with the actions it may perform now. */
function forCaller(account: Account, view: View): View & { allowedActions: HelpAction[] } {
  return { ...view, allowedActions: helpAllowedActions(helpRuleStateOf(view), actorOf(account)) };
}

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

function refuseBody(action: string): never {
  const err = new Error(`${action} takes no body`) as Error & { validation: unknown[]; validationContext: string };
  err.validation = [{ instancePath: '', message: `${action} takes no fields` }];
  err.validationContext = 'body';
  throw err;
}

export default async function helpRoutes(app: FastifyInstance) {
  app.addHook('onRequest', app.authenticate);

  app.post('', {
    schema: {
      tags: ['help'], operationId: 'postHelpRequest', summary: '居民点单: any account posts a need for a community (waits for its verification)', ...authed,
      headers: IdempotencyHeaders, body: PostHelpBody,
      response: { 201: { ...HelpView, description: 'The new help request, pending verification' }, ...errors('unauthenticated', 'idempotency_conflict') },
    },
  }, async (request, reply) => {
    const key = request.headers['idempotency-key'] as string | undefined;
    if (key) await app.services.idempotency.claim(request.account!.id, key, 'POST', '/v1/help-requests', request.body);
    const view = await app.services.help.post(request.account!, request.body as PostHelpBody, key);
    request.log.info({ helpId: view.id, workflowId: helpWorkflowId(view.id) }, 'help request posted');
    return reply.code(201).send(forCaller(request.account!, view));
  });

  app.get('', {
    schema: {
      tags: ['help'], operationId: 'listHelpRequests', summary: 'The board: help requests, newest first', ...authed, querystring: HelpListQuery,
      response: { 200: { ...HelpPage, description: 'A page of help requests and the cursor of the next' }, ...errors('unauthenticated') },
    },
  }, async (request) => {
    const page = await app.services.help.list(request.query as HelpListQuery);
    return { ...page, items: page.items.map((view) => forCaller(request.account!, view)) };
  });

  app.get('/:id', {
    schema: {
      tags: ['help'], operationId: 'getHelpRequest', summary: 'One help request with its timeline', ...authed, params: IdParam,
      response: { 200: { ...HelpView, description: 'The help request' }, ...errors('unauthenticated', 'not_found') },
    },
  }, async (request) => forCaller(request.account!, await app.services.help.view((request.params as { id: string }).id)));

  for (const action of HELP_ACTIONS) {
    const noBody = action === 'check-in';
    app.post(`/:id/${action}`, {
      schema: {
        tags: ['help'], operationId: `${action.replace(/-(\w)/g, (_m: string, c: string) => c.toUpperCase())}HelpRequest`, summary: ACTION_SUMMARIES[action], ...authed, params: IdParam,
        ...(noBody ? {} : { body: HELP_ACTION_BODIES[action] }),
        response: { 200: { ...HelpView, description: `The help request after \`${action}\`` }, ...errors('unauthenticated', 'forbidden', 'not_found', 'invalid_state') },
      },
    }, async (request) => {
      const { id } = request.params as { id: string };
      const body = request.body;
      if (noBody && body !== undefined && body !== null && (typeof body !== 'object' || Object.keys(body as object).length > 0)) {
        refuseBody(action);
      }
      const view = await app.services.help.act(request.account!, id, action, (body ?? {}) as Record<string, unknown>);
      request.log.info({ helpId: id, workflowId: helpWorkflowId(id), action, status: view.status }, 'help action');
      return forCaller(request.account!, view);
    });
  }
}
