/**
 * Authentication: `Authorization: Bearer <api key or session token>` → the account, or 401.
 * Routes opt in with `onRequest: app.authenticate`; role checks use `requireRole`.
 * `request.account` is the account whatever the credential; `request.credential` says which
 * kind it was (a session's token hash is what sign-out ends).
 */
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpError, forbidden } from '../errors';
import type { Account } from '../services/directory';
import type { Credential, Credentials } from '../services/credentials';
import { sessionEnded } from '../services/sessions';
import type { Role } from '../../workflows/messages';

declare module 'fastify' {
  interface FastifyRequest { account?: Account; credential?: Credential }
  interface FastifyInstance { authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void> }
}

export default fp<{ credentials: Credentials }>(async (app, { credentials }) => {
  app.decorateRequest('account', undefined);
  app.decorateRequest('credential', undefined);
  app.decorate('authenticate', async (request: FastifyRequest) => {
    const found = await credentials.of(request);
    if ('refused' in found) {
      if (found.refused === 'missing') throw new HttpError('unauthenticated', 'send Authorization: Bearer <api key or session token>');
      if (found.refused === 'session_ended') throw sessionEnded();
      throw new HttpError('unauthenticated', 'unknown API key');
    }
    request.account = found.account;
    request.credential = found;
    request.log = request.log.child({ accountId: found.account.id });
  });
}, { name: 'auth' });

export function requireRole(request: FastifyRequest, ...roles: Role[]): Account {
  const account = request.account!;
  if (!roles.includes(account.role)) throw forbidden(`this needs one of the roles: ${roles.join(', ')}`);
  return account;
}
