/** 定期验单: the quarterly assessment of every street and department, as JSON or CSV. */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { requireRole, signedInRoutes } from '../plugins/auth';
import { authed, errors } from '../schemas/common';
import { Assessment, AssessmentQuery } from '../schemas/supervision';
import { assessmentCsv } from '../services/assessment-csv';

export default async function assessmentRoutes(fastify: FastifyInstance) {
  const app = signedInRoutes(fastify);
  app.get('/assessments', {
    schema: {
      tags: ['supervision'],
      summary: '验单: one row per street and department for a quarter (center, supervisors)',
      description: 'Each item counts in the quarter in which the unit received it (Asia/Shanghai). ' +
        'Once a quarter is published (定期验单: 00:00 Asia/Shanghai at the end of the assessment.publishAfterDays-th day ' +
        'after its last day, or by hand), its published figures are returned unchanged with `publishedAt`; `live=true` ' +
        'computes them again from today\'s data. `format=csv` gives the same rows as CSV for people (UTF-8 with BOM; Chinese headings, units\' kinds in Chinese, rates as percentages; the header ' +
        '`X-Assessment-Published-At` carries publishedAt when set). Formulas and weights: docs/ASSESSMENT.md.',
      ...authed, querystring: AssessmentQuery, produces: ['application/json', 'text/csv'],
      response: {
        200: {
          description: 'The assessment (JSON), or with format=csv the same rows as text/csv',
          content: { 'application/json': { schema: Assessment }, 'text/csv': { schema: Type.String() } },
        },
        ...errors('unauthenticated', 'forbidden'),
      },
    },
  }, async (request, reply) => {
    requireRole(request, 'center', 'supervisor');
    const q = request.query;
    const { assessment, publishedAt, live } = await app.services.assessments.forQuarter(q.quarter, q.live);
    if (q.format === 'csv') {
      if (publishedAt) reply.header('x-assessment-published-at', publishedAt);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="assessment-${assessment.quarter}.csv"`)
        .header('cache-control', 'no-store')
        .send(assessmentCsv(assessment));
    }
    return reply.header('cache-control', 'no-store').type('application/json; charset=utf-8')
      .send({ ...assessment, publishedAt, live });
  });
}
