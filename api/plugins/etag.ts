/**
 * Conditional GETs for the API's JSON answers: every `GET /v1/…` answer with 200 carries a weak
 * ETag (a hash of the body), and a request whose `If-None-Match` names it gets 304 without the
 * body. The console polls its queues every few seconds this way: an unchanged queue costs a
 * hash and an empty answer instead of the whole page. Answers that name their own caching keep
 * it (the public board); the others are `Cache-Control: private, no-store`, so personal data
 * never sits in a browser's cache (the console keeps what it polls in memory).
 */
import fp from 'fastify-plugin';
import { createHash } from 'node:crypto';

/** Whether an If-None-Match header (`*`, one tag or a list) names `etag` (weak comparison). */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = (t: string) => t.trim().replace(/^W\//, '');
  const want = bare(etag);
  return header.split(',').some((t) => t.trim() === '*' || bare(t) === want);
}

export default fp(async (app) => {
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.method !== 'GET' || reply.statusCode !== 200 || typeof payload !== 'string') return payload;
    if (!request.url.startsWith('/v1/')) return payload;
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'private, no-store');
    const etag = `W/"${createHash('sha1').update(payload).digest('base64url')}"`;
    reply.header('etag', etag);
    const given = request.headers['if-none-match'];
    if (matchesEtag(typeof given === 'string' ? given : undefined, etag)) {
      reply.code(304);
      reply.removeHeader('content-length');
      return '';
    }
    return payload;
  });
}, { name: 'etag' });
