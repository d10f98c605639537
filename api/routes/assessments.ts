/** 定期验单: the quarterly assessment of every street and department, as JSON or CSV. */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { requireRole } from '../plugins/auth';
import { authed, errors } from '../schemas/common';
import { Assessment, AssessmentQuery } from '../schemas/supervision';
import { assessmentCsv } from '../services/assessments';

export default async function assessmentRoutes(app: FastifyInstance) {
  app.get('/assessments', {
    onRequest: app.authenticate,
    schema: {
      tags: ['supervision'],
      summary: '验单: one row per street and department for a quarter (center, supervisors)',
      description: 'Each item counts in the quarter in which the unit received it (Asia/Shanghai). ' +
        '`format=csv` gives the same rows as CSV (UTF-8 with BOM). Formulas and weights: docs/ASSESSMENT.md.',
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
    const q = request.query as AssessmentQuery;
    const assessment = await app.services.assessments.quarter(q.quarter);
    if (q.format === 'csv') {
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="assessment-${assessment.quarter}.csv"`)
        .header('cache-control', 'no-store')
        .send(assessmentCsv(assessment));
    }
    return reply.header('cache-control', 'no-store').type('application/json; charset=utf-8').send(assessment);
  });
}
