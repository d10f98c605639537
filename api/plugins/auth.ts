/**
 * Authentication: `Authorization: Bearer <api key>` → the account, or 401. Routes opt in with
 * `onRequest: app.authenticate`; role checks use `requireRole`.
 */
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpError, forbidden } from '../errors';
import type { Account, Directory } from '../services/directory';
import type { Role } from '../../workflows/messages';

declare module 'fastify' {
  interface FastifyRequest { account?: Account }
  interface FastifyInstance { authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void> }
}

export default fp<{ directory: Directory }>(async (app, { directory }) => {
  app.decorateRequest('account', undefined);
  app.decorate('authenticate', async (request: FastifyRequest) => {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S{1,512})$/i.exec(header.trim()) : null;
    if (!match) throw new HttpError('unauthenticated', 'send Authorization: Bearer <api key>');
    const account = await directory.authenticate(match[1]);
    if (!account) throw new HttpError('unauthenticated', 'unknown API key');
    request.account = account;
    request.log = request.log.child({ accountId: account.id });
  });
}, { name: 'auth' });

export function requireRole(request: FastifyRequest, ...roles: Role[]): Account {
  const account = request.account!;
  if (!roles.includes(account.role)) throw forbidden(`this needs one of the roles: ${roles.join(', ')}`);
  return account;
}
