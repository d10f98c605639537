/** Notifications (反馈, 督办, 超时 …) for the caller's organisation: sent, or waiting in the outbox. */
import type { FastifyInstance } from 'fastify';
import { signedInRoutes } from '../plugins/auth';
import { authed, errors } from '../schemas/common';
import { NotificationPage, NotificationQuery } from '../schemas/supervision';

export default async function notificationRoutes(fastify: FastifyInstance) {
  const app = signedInRoutes(fastify);
  app.get('/notifications', {
    schema: {
      tags: ['supervision'], operationId: 'listNotifications',
      summary: 'Notifications for the caller\'s organisation that its role may see, newest first, with their delivery',
      ...authed, querystring: NotificationQuery,
      response: { 200: { ...NotificationPage, description: 'Notifications sent to or waiting for the caller\'s organisation' }, ...errors('unauthenticated') },
    },
  }, async (request) => app.services.notifications.list(request.account!, request.query));
}
