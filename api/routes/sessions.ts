/** Signing in and out of the console (登录 / 退出), and who the caller is. */
import type { FastifyInstance } from 'fastify';
import { invalid, notFound } from '../errors';
import { LoginThrottled } from '../services/sessions';
import { Me, SignInBody, SignedIn } from '../schemas/accounts';
import { authed, errors, errorsOnly, publicRoute } from '../schemas/common';

export default async function sessionRoutes(app: FastifyInstance) {
  app.post('/sessions', {
    schema: {
      tags: ['accounts'], operationId: 'signIn',
      summary: 'Sign in with an account id and its password: a session token, valid for SESSION_TTL_HOURS',
      description: 'A wrong account id or password is 401 with the same message for both (so are a disabled account and one without ' +
        'a password). After 5 failed sign-ins for one account id within 15 minutes (from the first failure), every sign-in for it ' +
        'is 429 until those 15 minutes are over, the right password included.',
      ...publicRoute, body: SignInBody,
      response: { 201: SignedIn, ...errorsOnly('validation_failed', 'unauthenticated', 'payload_too_large', 'rate_limited', 'unavailable', 'internal') },
    },
  }, async (request, reply) => {
    const { accountId, password } = request.body as SignInBody;
    try {
      const signedIn = await app.services.sessions.signIn(accountId, password);
      return reply.code(201).header('cache-control', 'no-store').send(signedIn);
    } catch (err) {
      if (err instanceof LoginThrottled) reply.header('retry-after', String(err.retryAfterSeconds));
      throw err;
    }
  });

  app.delete('/sessions/current', {
    onRequest: app.authenticate,
    schema: {
      tags: ['accounts'], operationId: 'signOut',
      summary: 'Sign out: the session token of this request stops working (an API key is 400: keys are rotated by operators)',
      ...authed,
      response: { 204: { type: 'null', description: 'Signed out; the token no longer works' }, ...errors('unauthenticated') },
    },
  }, async (request, reply) => {
    const credential = request.credential!;
    if (credential.kind !== 'session') {
      throw invalid('this request carries an API key, not a session token: keys are replaced with npm run accounts -- rotate-key');
    }
    await app.services.sessions.end(credential.tokenHash);
    return reply.code(204).send();
  });

  app.get('/me', {
    onRequest: app.authenticate,
    schema: {
      tags: ['accounts'], operationId: 'getMe', summary: 'The caller\'s account and organisation unit (any key or session)', ...authed,
      response: { 200: Me, ...errors('unauthenticated') },
    },
  }, async (request, reply) => {
    const { id, role, orgId, name } = request.account!;
    const org = await app.services.directory.org(orgId);
    if (!org) throw notFound(`organisation ${orgId} not found`);
    reply.header('cache-control', 'no-store');
    return { account: { id, role, orgId, name }, org };
  });
}
