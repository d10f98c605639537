/** The organisation tree and the accounts list. */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { requireRole } from '../plugins/auth';
import { authed, described, errors } from '../schemas/common';

const OrgSchema = Type.Object({
  id: Type.String(), kind: Type.String({ enum: ['center', 'supervision', 'street', 'community', 'compound', 'department'] }),
  name: Type.String(), parentId: Type.Union([Type.String(), Type.Null()]),
}, { examples: [{ id: 'xiguan', kind: 'community', name: '西关社区', parentId: 'wuhang' }] });

const AccountSchema = Type.Object({
  id: Type.String(),
  role: Type.String({ enum: ['community', 'street', 'center', 'department', 'supervisor', 'member', 'resident'] }),
  orgId: Type.String(), name: Type.String(),
}, { examples: [{ id: 'xiguan', role: 'community', orgId: 'xiguan', name: '西关社区' }] });

export default async function directoryRoutes(app: FastifyInstance) {
  app.get('/orgs', {
    onRequest: app.authenticate,
    schema: {
      tags: ['directory'], operationId: 'listOrgs', summary: 'The organisation tree (区, 区中心, 督查, 镇街, 社区, 小区, 部门)', ...authed,
      response: { 200: described(Type.Array(OrgSchema), 'Every organisation unit with its parent'), ...errors('unauthenticated') },
    },
  }, async () => app.services.directory.listOrgs());

  app.get('/accounts', {
    onRequest: app.authenticate,
    schema: {
      tags: ['directory'], operationId: 'listAccounts', summary: 'Accounts (center and supervisors); keys are never shown', ...authed,
      response: { 200: described(Type.Array(AccountSchema), 'Every account, without keys'), ...errors('unauthenticated', 'forbidden') },
    },
  }, async (request) => {
    requireRole(request, 'center', 'supervisor');
    return app.services.directory.listAccounts();
  });
}
