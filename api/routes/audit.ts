/** The audit log (审计日志): administrative events, for the center and supervisors. */
import type { FastifyInstance } from 'fastify';
import { requireRole } from '../plugins/auth';
import { AuditPage, AuditQuery } from '../schemas/accounts';
import { authed, errors } from '../schemas/common';

export default async function auditRoutes(app: FastifyInstance) {
  app.get('/audit', {
    onRequest: app.authenticate,
    schema: {
      tags: ['accounts'], operationId: 'listAudit',
      summary: 'Administrative events, newest first: accounts, keys, calendar, catalogue, notifications, published assessments (center, supervisor)',
      ...authed, querystring: AuditQuery,
      response: { 200: AuditPage, ...errors('unauthenticated', 'forbidden') },
    },
  }, async (request) => {
    requireRole(request, 'center', 'supervisor');
    return app.services.audit.list(request.query as AuditQuery);
  });
}
