/**
 * Accounts (账号管理): the list (center, supervisor, admin, security), the lifecycle for the system
 * administrator (create one or many, disable, enable, rotate a key, reset a password), and for the
 * security administrator unlocking throttled sign-ins and ending sessions. Each change is audited
 * with the account as subject and the caller's address.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Caller } from '../../lib/accounts';
import { requireRole, signedInRoutes } from '../plugins/auth';
import { authed, described, errors } from '../schemas/common';
import {
  AccountIdParam, AccountImportBody, AccountState, CreatedAccount, DisableBody, IMPORT_MAX_BYTES, ImportedAccounts, NewAccountBody,
} from '../schemas/setup';
import { acceptFiles, uploadedFile } from './orgs';

const callerOf = (request: FastifyRequest): Caller => ({ actor: request.account!.id, address: request.ip });
const changed = (what: string) => described(AccountState, `The account after ${what}`);

export default async function accountRoutes(fastify: FastifyInstance) {
  const app = signedInRoutes(fastify);
  acceptFiles(fastify);
  const accounts = () => app.services.accounts;

  app.get('/accounts', {
    schema: {
      tags: ['accounts'], operationId: 'listAccounts', ...authed,
      summary: 'Accounts with their state (center, supervisor, admin, security); keys and passwords are never shown',
      response: { 200: described(Type.Array(AccountState), 'Every account'), ...errors('unauthenticated', 'forbidden') },
    },
  }, async (request) => {
    requireRole(request, 'center', 'supervisor', 'admin', 'security');
    return accounts().list();
  });

  app.post('/accounts', {
    schema: {
      tags: ['accounts'], operationId: 'createAccount', ...authed, body: NewAccountBody,
      summary: 'Creates an account (admin): its key and a random initial password, shown in this answer only; audited',
      description: 'The role must fit the unit (center → center, supervision → supervisor, street → street, community, compound and grid → ' +
        'community, department → department; member and resident on a community). Administrators (admin, security, auditor) are made ' +
        'only with npm run accounts (403).',
      response: { 201: CreatedAccount, ...errors('unauthenticated', 'forbidden') },
    },
  }, async (request, reply) => {
    requireRole(request, 'admin');
    return reply.code(201).header('cache-control', 'no-store').send(await accounts().create(callerOf(request), request.body));
  });

  app.post('/accounts/import', {
    bodyLimit: IMPORT_MAX_BYTES,
    schema: {
      tags: ['accounts'], operationId: 'importAccounts', ...authed, body: AccountImportBody,
      summary: 'Creates many accounts from a file (admin), all or nothing; each with its key and initial password, shown in this answer only',
      description: 'An existing or repeated id, an unknown unit or a role that does not fit its unit is an error; every error of the file ' +
        'is in `error.errors` and nothing is created.',
      response: { 201: ImportedAccounts, ...errors('unauthenticated', 'forbidden') },
    },
  }, async (request, reply) => {
    requireRole(request, 'admin');
    const { content, format } = uploadedFile(request);
    return reply.code(201).header('cache-control', 'no-store').send(await accounts().import(callerOf(request), content, format));
  });

  app.post('/accounts/:id/disable', {
    schema: {
      tags: ['accounts'], operationId: 'disableAccount', ...authed, params: AccountIdParam, body: DisableBody,
      summary: 'Disables an account (admin): its key and every session stop working; nobody disables themselves',
      response: { 200: changed('disabling'), ...errors('unauthenticated', 'forbidden', 'not_found') },
    },
  }, async (request) => {
    requireRole(request, 'admin');
    return accounts().disable(callerOf(request), request.params.id, request.body.reason);
  });

  // The account's lifecycle without a body, in the order the API document lists it. A new key or
  // password is in its answer only (not stored by any cache).
  const NewKey = Type.Object({ key: Type.String() }, { description: 'The new key' });
  const NewPassword = Type.Object({ initialPassword: Type.String() }, { description: 'The initial password' });
  const lifecycle = [
    { step: 'enable', operationId: 'enableAccount', role: 'admin', answer: changed('enabling'), secret: false,
      summary: 'Enables a disabled account (admin): its key works again; ended sessions stay ended',
      run: (caller: Caller, id: string) => accounts().enable(caller, id) },
    { step: 'rotate-key', operationId: 'rotateAccountKey', role: 'admin', answer: NewKey, secret: true,
      summary: 'A new API key (admin), shown in this answer only; the old one, and sessions opened with it, stop at once',
      run: (caller: Caller, id: string) => accounts().rotateKey(caller, id) },
    { step: 'reset-password', operationId: 'resetAccountPassword', role: 'admin', answer: NewPassword, secret: true,
      summary: 'A new random initial password (admin), shown in this answer only, to be changed at the next sign-in; every session ends',
      run: (caller: Caller, id: string) => accounts().resetPassword(caller, id) },
    { step: 'unlock', operationId: 'unlockAccount', role: 'security', answer: changed('unlocking'), secret: false,
      summary: 'Clears the account\'s sign-in throttling from every address (security); audited',
      run: (caller: Caller, id: string) => accounts().unlock(caller, id) },
  ] as const;
  for (const { step, operationId, role, answer, secret, summary, run } of lifecycle) {
    app.post(`/accounts/:id/${step}`, {
      schema: {
        tags: ['accounts'], operationId, ...authed, params: AccountIdParam, summary,
        response: { 200: answer, ...errors('unauthenticated', 'forbidden', 'not_found') },
      },
    }, async (request, reply) => {
      requireRole(request, role);
      const answered = await run(callerOf(request), request.params.id);
      return secret ? reply.header('cache-control', 'no-store').send(answered) : answered;
    });
  }

  app.delete('/accounts/:id/sessions', {
    schema: {
      tags: ['accounts'], operationId: 'endAccountSessions', ...authed, params: AccountIdParam,
      summary: 'Ends every session of the account (security, admin); audited',
      response: { 204: { type: 'null', description: 'Ended' }, ...errors('unauthenticated', 'forbidden', 'not_found') },
    },
  }, async (request, reply) => {
    requireRole(request, 'security', 'admin');
    await accounts().endSessions(callerOf(request), request.params.id);
    return reply.code(204).send();
  });
}
