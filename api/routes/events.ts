/** 实时更新: GET /v1/events, the live-update stream of any signed-in account (Server-Sent Events). */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { signedInRoutes } from '../plugins/auth';
import { authed, errors } from '../schemas/common';
import { EVENTS_DESCRIPTION, EventsHeaders } from '../schemas/events';

/** Headers of the stream: never cached, never buffered by a reverse proxy (nginx: X-Accel-Buffering). */
const STREAM_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
  connection: 'keep-alive',
};

export default async function eventRoutes(fastify: FastifyInstance) {
  const app = signedInRoutes(fastify);
  app.get('/events', {
    schema: {
      tags: ['accounts'], operationId: 'streamEvents', summary: '实时更新: changes the caller may see, as Server-Sent Events',
      description: EVENTS_DESCRIPTION, ...authed, headers: EventsHeaders, produces: ['text/event-stream'],
      response: {
        200: { description: 'The stream (text/event-stream), open until the client leaves or the session ends', content: { 'text/event-stream': { schema: Type.String() } } },
        ...errors('unauthenticated'),
      },
    },
  }, async (request, reply) => {
    const live = app.services.live;
    const slot = live.reserve(request.account!);
    let resume;
    try {
      resume = await live.resumePoint(request.headers['last-event-id']);
    } catch (err) {
      slot.release();
      throw err;
    }
    const credential = request.credential!;
    reply.hijack();
    request.log.info({ resume: typeof resume === 'bigint' ? String(resume) : resume ?? null }, 'live-update stream opened');
    await live.open(slot, {
      account: request.account!, authorization: String(request.headers.authorization),
      ...(credential.kind === 'session' ? { expiresAt: credential.expiresAt } : {}),
    }, reply.raw, { ...reply.getHeaders() as Record<string, string>, ...STREAM_HEADERS, 'x-request-id': request.id }, resume);
  });
}
