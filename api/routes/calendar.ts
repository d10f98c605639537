/** The holiday calendar (节假日): which days are working days, and why. */
import type { FastifyInstance } from 'fastify';
import { signedInRoutes } from '../plugins/auth';
import { authed, errors } from '../schemas/common';
import { CalendarDays, CalendarQuery } from '../schemas/calendar';

export default async function calendarRoutes(fastify: FastifyInstance) {
  const app = signedInRoutes(fastify);
  app.get('/calendar', {
    schema: {
      tags: ['calendar'], operationId: 'listCalendarDays',
      summary: 'Working days from `from` to `to` (Asia/Shanghai, both included, at most 400 days) and the rule that decided each; any account',
      ...authed, querystring: CalendarQuery,
      response: { 200: CalendarDays, ...errors('unauthenticated') },
    },
  }, async (request) => app.services.calendar.days(request.query));
}
