/** 派单目录 (dispatch catalogue): read by the center, supervisors and departments; kept by the center. */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { requireRole, signedInRoutes } from '../plugins/auth';
import { authed, described, errors } from '../schemas/common';
import { CatalogueBody, CatalogueEntry, CategoryParam } from '../schemas/catalogue';

export default async function catalogueRoutes(fastify: FastifyInstance) {
  const app = signedInRoutes(fastify);
  app.get('/dispatch-catalogue', {
    schema: {
      tags: ['whistles'], operationId: 'listDispatchCatalogue', ...authed,
      summary: '派单目录: for each category the list, the departments that usually handle it and the lead',
      description: 'Roles center, supervisor, department. One entry per category; a category without an entry has `list: null, departmentIds: []`.',
      response: { 200: described(Type.Array(CatalogueEntry), 'One entry per category'), ...errors('unauthenticated', 'forbidden') },
    },
  }, async (request) => {
    requireRole(request, 'center', 'supervisor', 'department');
    return app.services.catalogue.list();
  });

  app.put('/dispatch-catalogue/:category', {
    schema: {
      tags: ['whistles'], operationId: 'putDispatchCatalogueEntry', ...authed, params: CategoryParam, body: CatalogueBody,
      summary: 'Sets a category\'s entry of the dispatch catalogue (the center); audited',
      description: 'Unknown category or department: 400. A lead is required when there are several departments and must be one of them (as for triage).',
      response: { 200: described(CatalogueEntry, 'The entry as stored'), ...errors('unauthenticated', 'forbidden') },
    },
  }, async (request) => {
    const account = requireRole(request, 'center');
    return app.services.catalogue.put(account.id, request.params.category, request.body);
  });
}
