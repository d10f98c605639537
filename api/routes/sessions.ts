/** Signing in and out of the console (登录 / 退出), who the caller is, and changing one's own password. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AccountError } from '../../lib/accounts';
import { HttpError, invalid, notFound } from '../errors';
import { LoginThrottled } from '../services/sessions';
import { Me, SignInBody, SignedIn } from '../schemas/accounts';
import { PasswordChangeBody } from '../schemas/setup';
import { authed, errors, errorsOnly, publicRoute } from '../schemas/common';
import { consoleAccess } from '../services/menus';

export default async function sessionRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post('/sessions', {
    schema: {
      tags: ['accounts'], operationId: 'signIn',
      summary: 'Sign in with an account id and its password: a session token, valid for SESSION_TTL_HOURS',
      description: 'A wrong account id or password is 401 with the same message for both (so are a disabled account and one without ' +
        'a password). Failures are throttled before any password is checked: 5 for one account from one address within 15 minutes ' +
        '(from the first) → 429 for that pair until those 15 minutes are over, the right password included; 20 from one address → 429 ' +
        'for every sign-in from it. `mustChangePassword: true`: the session can only change its password (POST /v1/me/password) first.',
      ...publicRoute, body: SignInBody,
      response: { 201: SignedIn, ...errorsOnly('validation_failed', 'unauthenticated', 'payload_too_large', 'rate_limited', 'unavailable', 'internal') },
    },
  }, async (request, reply) => {
    const { accountId, password } = request.body;
    try {
      const signedIn = await app.services.sessions.signIn(accountId, password, request.ip);
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
      throw invalid('this request carries an API key, not a session token: keys are replaced with npm run accounts -- rotate-key',
        '此请求使用的是接口密钥，不是登录会话，不能退出登录');
    }
    await app.services.sessions.end(credential.tokenHash, request.ip);
    return reply.code(204).send();
  });

  app.get('/me', {
    onRequest: app.authenticate,
    schema: {
      tags: ['accounts'], operationId: 'getMe', summary: 'The caller\'s account and organisation unit, and what it opens in the console (any key or session)', ...authed,
      response: { 200: Me, ...errors('unauthenticated') },
    },
  }, async (request, reply) => {
    const { id, role, orgId, name } = request.account!;
    const org = await app.services.directory.org(orgId);
    if (!org) throw notFound(`organisation ${orgId} not found`, '本账号所属的单位不存在');
    const credential = request.credential!;
    reply.header('cache-control', 'no-store');
    return {
      mustChangePassword: credential.kind === 'session' && credential.mustChangePassword,
      account: { id, role, orgId, name }, org: { id: org.id, kind: org.kind, name: org.name, parentId: org.parentId },
      ...consoleAccess({ id, role }),
    };
  });

  app.post('/me/password', {
    onRequest: app.authenticate,
    schema: {
      tags: ['accounts'], operationId: 'changeMyPassword', ...authed, body: PasswordChangeBody,
      summary: 'Changes the caller\'s own password (a session): every other session of the account ends; audited',
      description: 'The new password: at least 10 characters with three of lower case, upper case, digits and other characters, not ' +
        'containing the account id, none of the account\'s last 5 (else 400 naming the rule). A wrong current password is 400 and ' +
        'counts as a failed sign-in. With an API key: 400.',
      response: { 204: { type: 'null', description: 'Changed; this session goes on, every other one has ended' }, ...errors('unauthenticated') },
    },
  }, async (request, reply) => {
    const credential = request.credential!;
    if (credential.kind !== 'session') throw invalid('change a password from a session (sign in first), not with an API key', '请登录后修改密码');
    const account = request.account!;
    try {
      if (!(await app.services.sessions.checkPassword(account.id, request.body.currentPassword, request.ip))) {
        throw invalid('the current password is wrong', '当前密码不正确');
      }
      await app.services.accounts.changeOwnPassword({ actor: account.id, address: request.ip }, account.id, request.body.newPassword, credential.tokenHash);
      // This process knows at once (the others when PostgreSQL announces it, within milliseconds).
      app.services.sessions.forgetCached();
    } catch (err) {
      if (err instanceof LoginThrottled) reply.header('retry-after', String(err.retryAfterSeconds));
      if (err instanceof AccountError) throw new HttpError(err.kind, err.message, err.messageZh);
      throw err;
    }
    return reply.code(204).send();
  });
}
