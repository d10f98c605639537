/**
 * The audit log (审计日志) for the center, supervisors and the auditor, its hash chain checked
 * (auditor), and the sign-in records (登录记录) for the security administrator and the auditor.
 */
import type { FastifyInstance } from 'fastify';
import { requireRole, signedInRoutes } from '../plugins/auth';
import { AuditPage, AuditQuery } from '../schemas/accounts';
import { authed, errors } from '../schemas/common';
import { AuditCheck, SignInsPage, SignInsQuery } from '../schemas/setup';

export default async function auditRoutes(fastify: FastifyInstance) {
  const app = signedInRoutes(fastify);

  app.get('/audit', {
    schema: {
      tags: ['accounts'], operationId: 'listAudit',
      summary: 'Administrative events, sign-ins and sign-outs, newest first (center, supervisor, auditor)',
      ...authed, querystring: AuditQuery,
      response: { 200: AuditPage, ...errors('unauthenticated', 'forbidden') },
    },
  }, async (request) => {
    requireRole(request, 'center', 'supervisor', 'auditor');
    return app.services.audit.list(request.query);
  });

  app.get('/audit/verify', {
    schema: {
      tags: ['accounts'], operationId: 'verifyAudit', ...authed,
      summary: 'Checks the audit log\'s hash chain entry by entry (auditor): `firstBadSeq` is the first entry changed, removed or inserted',
      response: { 200: AuditCheck, ...errors('unauthenticated', 'forbidden') },
    },
  }, async (request) => {
    requireRole(request, 'auditor');
    return app.services.audit.verifyChain();
  });

  app.get('/sign-ins', {
    schema: {
      tags: ['accounts'], operationId: 'listSignIns', ...authed, querystring: SignInsQuery,
      summary: 'Sign-in attempts, newest first (security, auditor): ok, wrong, throttled, disabled, with the client address',
      response: { 200: SignInsPage, ...errors('unauthenticated', 'forbidden') },
    },
  }, async (request) => {
    requireRole(request, 'security', 'auditor');
    return app.services.audit.signIns(request.query);
  });
}
