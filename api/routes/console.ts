/**
 * The staff console (工作台) at /console/: the files Vite built into console/dist, with the
 * console's own routes falling back to index.html (a single-page application), hashed assets
 * cached for a year (immutable), index.html revalidated on every load (no-cache, with its ETag),
 * each file as the brotli or gzip copy written at build time when the browser accepts it
 * (lib/precompress.ts; Vary: Accept-Encoding), and a strict Content-Security-Policy (no inline
 * script, requests to this origin only). `GET /console/config.json` gives a signed-in console
 * the settings it cannot know (where the Temporal UI is).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import fastifyStatic from '@fastify/static';
import { Type } from '@sinclair/typebox';
import { CONSOLE_DIST } from '../../lib/console-build';
import { sendError } from '../errors';
import { authed, described, errors } from '../schemas/common';

/** The console's own policy, stricter than the API's global one: no inline script, no other origin. */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // No inline style either: Vue and Element Plus set styles through the DOM (allowed), and the
  // charts draw their tooltips on the canvas.
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const ASSET = /^\/console\/assets\//;
const HASHED_ASSET_CACHE = 'public, max-age=31536000, immutable';

const ConsoleConfig = Type.Object({
  temporalUiUrl: Type.String({ description: 'TEMPORAL_UI_URL: the Temporal Web UI (a whistle is `<url>/namespaces/<ns>/workflows/whistle-<id>`)' }),
  temporalNamespace: Type.String({ description: 'TEMPORAL_NAMESPACE' }),
}, { examples: [{ temporalUiUrl: 'http://127.0.0.1:8233', temporalNamespace: 'default' }] });

/** index.html names the hashed files of the current build: a browser asks again each time (a 304 while unchanged). */
const INDEX_CACHE = 'no-cache';

function sendIndex(reply: FastifyReply) {
  return reply.header('cache-control', INDEX_CACHE).type('text/html; charset=utf-8').sendFile('index.html');
}

export default async function consoleRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { config } = app.deps;

  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload) => {
    reply.header('content-security-policy', CONSOLE_CSP);
    if (ASSET.test(request.url) && reply.statusCode === 200) reply.header('cache-control', HASHED_ASSET_CACHE);
    // index.html (and a 304 for it), favicon.svg: asked again each time, answered 304 while unchanged.
    else if (reply.statusCode < 400 && !reply.hasHeader('cache-control') && !request.url.startsWith('/console/config.json')) reply.header('cache-control', INDEX_CACHE);
    else if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });

  app.get('/config.json', {
    onRequest: app.authenticate,
    schema: {
      tags: ['service'], operationId: 'getConsoleConfig', summary: 'Settings of the staff console (工作台): where the Temporal UI is', ...authed,
      response: { 200: described(ConsoleConfig, 'The console\'s settings'), ...errors('unauthenticated') },
    },
  }, async () => ({ temporalUiUrl: config.temporalUiUrl, temporalNamespace: config.temporalNamespace }));

  // /console → /console/ (the console's relative asset paths need the slash).
  app.get('', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/console/', 301));

  if (!fs.existsSync(path.join(CONSOLE_DIST, 'index.html'))) {
    app.log.warn('the console is not built (console/dist): /console/ answers 503 until `npm run console:build` or `npm start` builds it');
    app.get('/*', { schema: { hide: true } }, async (_request, reply) =>
      sendError(reply, 'unavailable', 'the console is not built: run npm run console:build (npm start builds it when missing)',
        '工作台尚未构建：请运行 npm run console:build（npm start 会在缺少时自动构建）'));
    return;
  }

  await app.register(fastifyStatic, {
    root: CONSOLE_DIST,
    prefix: '/',
    // /console/ itself is index.html.
    index: 'index.html',
    // Headers are set in onSend above: a year for hashed assets, revalidated for index.html.
    cacheControl: false,
    // The .br and .gz copies written at build time, by the request's Accept-Encoding.
    preCompressed: true,
    etag: true,
    lastModified: true,
    dotfiles: 'deny',
    serveDotFiles: false,
  } as never);

  // A console route (/console/whistles/abc, /console/queue …) is the application: index.html.
  app.setNotFoundHandler((request, reply) => {
    const url = request.url.split('?')[0];
    if ((request.method === 'GET' || request.method === 'HEAD') && !ASSET.test(url) && !/\.[A-Za-z0-9]{1,8}$/.test(url)) {
      return sendIndex(reply);
    }
    return sendError(reply, 'not_found', `no route ${request.method} ${url}`);
  });
}
