/** The organisation tree (组织架构): read by every account, imported and exported by the system administrator. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { formatOf } from '../../lib/org-import';
import { HttpError, forbidden } from '../errors';
import { requireRole, signedInRoutes } from '../plugins/auth';
import { authed, described, errors } from '../schemas/common';
import { DryRunQuery, ExportedOrg, ExportQuery, IMPORT_MAX_BYTES, Org, OrgImportBody, OrgImportResult, OrgsQuery, XLSX_TYPE } from '../schemas/setup';

/** A file's bytes as sent (CSV, .xlsx), or the JSON records written back as the file they came from. */
export function uploadedFile(request: FastifyRequest): { content: Buffer; format: 'csv' | 'json' | 'xlsx' } {
  const format = formatOf(String(request.headers['content-type'] ?? ''));
  if (!format) throw new HttpError('validation_failed', `send text/csv, application/json or ${XLSX_TYPE}`, '请上传 CSV、JSON 或 Excel（.xlsx）文件');
  const body = request.body;
  if (body === undefined || body === null) throw new HttpError('validation_failed', 'the file is empty', '文件是空的');
  return { format, content: Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body)) };
}

/** The files of an import, taken as they are (the import reads them), up to 10 MB. */
export function acceptFiles(app: FastifyInstance) {
  app.addContentTypeParser(['text/csv', XLSX_TYPE], { parseAs: 'buffer', bodyLimit: IMPORT_MAX_BYTES }, (_req, body, done) => done(null, body));
}

export default async function orgRoutes(fastify: FastifyInstance) {
  const app = signedInRoutes(fastify);
  acceptFiles(fastify);

  app.get('/orgs', {
    schema: {
      tags: ['directory'], operationId: 'listOrgs', ...authed, querystring: OrgsQuery,
      summary: 'The organisation tree (区中心, 督查, 镇街, 社区, 小区, 网格, 部门): active units; `?all=true` (admin) every unit with `active`',
      response: { 200: described(Type.Array(Org), 'Units with their parents'), ...errors('unauthenticated', 'forbidden') },
    },
  }, async (request) => {
    const all = request.query.all === 'true';
    if (all && request.account!.role !== 'admin') throw forbidden('all=true is for the system administrator (admin)', '只有系统管理员可以查看已停用的单位');
    return app.services.directory.listOrgs({ all });
  });

  app.post('/orgs/import', {
    bodyLimit: IMPORT_MAX_BYTES,
    schema: {
      tags: ['directory'], operationId: 'importOrgs', ...authed, querystring: DryRunQuery, body: OrgImportBody,
      summary: 'Adds, updates and deactivates units from the district\'s own file (admin); all or nothing; audited',
      description: 'Every error of the file is in `error.errors` (`row`: the record\'s 1-based position, the header not counted); ' +
        'with any error nothing is applied. The same file twice changes nothing the second time. Larger than 10 MB: 413.',
      response: { 200: OrgImportResult, ...errors('unauthenticated', 'forbidden') },
    },
  }, async (request) => {
    const account = requireRole(request, 'admin');
    const { content, format } = uploadedFile(request);
    return app.services.orgs.import(content, format, { dryRun: request.query.dryRun === 'true', actor: account.id, address: request.ip });
  });

  app.get('/orgs/export', {
    schema: {
      tags: ['directory'], operationId: 'exportOrgs', ...authed, querystring: ExportQuery,
      summary: 'The tree in the import\'s own format (admin): CSV or JSON, parents first; importing it back changes nothing',
      response: {
        200: { description: 'The tree', content: { 'text/csv': { schema: Type.String() }, 'application/json': { schema: Type.Object({ orgs: Type.Array(ExportedOrg) }) } } },
        ...errors('unauthenticated', 'forbidden'),
      },
    },
  }, async (request, reply) => {
    requireRole(request, 'admin');
    const format = request.query.format === 'json' ? 'json' : 'csv';
    const body = await app.services.orgs.export(format);
    return reply.header('content-disposition', `attachment; filename="orgs.${format}"`)
      .type(format === 'json' ? 'application/json; charset=utf-8' : 'text/csv; charset=utf-8').send(body);
  });
}
