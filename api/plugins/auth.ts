/**
 * Authentication: `Authorization: Bearer <api key or session token>` → the account, or 401.
 * Routes opt in with `onRequest: app.authenticate`, a route module for signed-in accounts only with
 * `signedInRoutes`; role checks use `requireRole`.
 * `request.account` is the account whatever the credential; `request.credential` says which
 * kind it was (a session's token hash is what sign-out ends).
 *
 * Two rules hold for every authenticated route, here and nowhere else:
 * - 三员分立: the system, security and audit administrators reach only what runs the system
 *   (their own account and sessions, organisations, accounts, sign-in records, the audit log, the
 *   calendar); every other route, whistles, help requests, photos, knowledge and whatever is
 *   added later, answers them 403. A list of what they may open, not of what they may not, so a
 *   new route is closed to them until it is named here.
 * - forced password change: a session that must change its password reaches only GET /v1/me,
 *   POST /v1/me/password and DELETE /v1/sessions/current (403 password_change_required); API
 *   keys are not affected.
 */
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { HttpError, forbidden } from '../errors';
import type { Account } from '../services/directory';
import type { Credential, Credentials } from '../services/credentials';
import { sessionEnded } from '../services/sessions';
import { isSystemRole, ROLE_LABELS, type Role } from '../../domain';

declare module 'fastify' {
  interface FastifyRequest { account?: Account; credential?: Credential }
  interface FastifyInstance { authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void> }
}

/** What the three administrators may open: these paths and what lies under them. */
const SYSTEM_ROLE_PATHS = ['/v1/me', '/v1/sessions', '/v1/orgs', '/v1/accounts', '/v1/sign-ins', '/v1/audit', '/v1/calendar'];

/** What a session that must change its password may still call. */
const WHILE_PASSWORD_MUST_CHANGE = ['GET /v1/me', 'POST /v1/me/password', 'DELETE /v1/sessions/current'];

const under = (url: string, path: string) => url === path || url.startsWith(`${path}/`);

function systemRoleMayOpen(routeUrl: string): boolean {
  return SYSTEM_ROLE_PATHS.some((p) => under(routeUrl, p));
}

const passwordChangeRequired = () => new HttpError('password_change_required',
  'the password must be changed first: POST /v1/me/password', '请先修改密码（初始密码或密码已过期）');

export default fp<{ credentials: Credentials }>(async (app, { credentials }) => {
  app.decorateRequest('account', undefined);
  app.decorateRequest('credential', undefined);
  app.decorate('authenticate', async (request: FastifyRequest) => {
    const found = await credentials.of(request);
    if ('refused' in found) {
      if (found.refused === 'missing') throw new HttpError('unauthenticated', 'send Authorization: Bearer <api key or session token>', '请先登录');
      if (found.refused === 'session_ended') throw sessionEnded();
      throw new HttpError('unauthenticated', 'unknown API key', '登录凭据无效，请重新登录');
    }
    request.account = found.account;
    request.credential = found;
    request.log = request.log.child({ accountId: found.account.id });
    const route = request.routeOptions.url ?? request.url.split('?')[0];
    if (found.kind === 'session' && found.mustChangePassword && !WHILE_PASSWORD_MUST_CHANGE.includes(`${request.method} ${route}`)) {
      throw passwordChangeRequired();
    }
    if (isSystemRole(found.account.role) && !systemRoleMayOpen(route)) {
      throw forbidden('the system, security and audit administrators do not act on or see cases (三员分立)',
        '系统管理员、安全管理员和审计管理员不能办理或查看事项（三员分立）');
    }
  });
}, { name: 'auth' });

export function requireRole(request: FastifyRequest, ...roles: Role[]): Account {
  const account = request.account!;
  if (!roles.includes(account.role)) {
    throw forbidden(`this needs one of the roles: ${roles.join(', ')}`, `只有${roles.map((r) => ROLE_LABELS[r]).join('、')}账号可以进行此操作`);
  }
  return account;
}

/**
 * A route module for signed-in accounts only: its routes typed by their TypeBox schemas, every
 * request authenticated before anything else (401 before a byte of the body is read).
 */
export function signedInRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', app.authenticate);
  return app;
}
