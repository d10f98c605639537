/**
 * Third-party plugins, registered first: security headers, CORS (closed unless configured),
 * per-account rate limits, and the OpenAPI document generated from the route schemas.
 */
import fp from 'fastify-plugin';
import helmet from '@fastify/helmet';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { createHash } from 'node:crypto';
import type { Config } from '../../lib/config';
import { ErrorBody } from '../schemas/common';
import { WhistleView } from '../schemas/whistles';

export default fp<{ config: Config }>(async (app, { config }) => {
  await app.register(helmet, {
    // The docs page and the public board load their own inline styles/scripts.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"], scriptSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
      },
    },
  });
  await app.register(cors, { origin: config.corsOrigins.length ? config.corsOrigins : false });
  await app.register(rateLimit, {
    max: config.rateLimitPerMinute,
    timeWindow: '1 minute',
    // Per account (by its key's hash), else per address.
    keyGenerator: (request) => {
      const auth = request.headers.authorization;
      return typeof auth === 'string' ? `k:${createHash('sha256').update(auth).digest('hex').slice(0, 24)}` : `ip:${request.ip}`;
    },
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      error: { code: 'rate_limited', message: `rate limit of ${context.max} requests per ${context.after} reached` },
    }),
  });
  app.addSchema(ErrorBody);
  app.addSchema(WhistleView);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Whistle API (吹哨报到)',
        version: '1.0.0',
        description: 'Communities blow the whistle (吹哨), streets and departments report (报到). ' +
          'Every error is `{ "error": { "code", "message" } }`.',
        license: { name: 'Proprietary', url: 'https://example.invalid/license' },
      },
      servers: [{ url: '/' }],
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <api key>' } } },
      tags: [
        { name: 'service', description: 'Health, readiness, documentation' },
        { name: 'directory', description: 'Organisations, accounts, categories' },
        { name: 'whistles', description: '居事上报 / 吹哨报到' },
        { name: 'board', description: '公示栏 (public notice board)' },
        { name: 'supervision', description: '验单, statistics, notifications' },
        { name: 'help', description: '邻里搭把手 (neighbour help)' },
      ],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
}, { name: 'external' });
