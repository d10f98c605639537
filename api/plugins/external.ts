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
import type { FastifyRequest } from 'fastify';
import type { Config } from '../../lib/config';
import { HttpError } from '../errors';
import { ErrorBody, NO_BODY } from '../schemas/common';
import { WhistleSummary, WhistleView } from '../schemas/whistles';

/**
 * An operationId for a route that names none: the method and the path's words, parameters as
 * `By<Name>` (`POST /v1/help-requests/:id/claim` → `postHelpRequestsByIdClaim`). Routes of the
 * contract name theirs; this keeps the document complete for any route added without one.
 */
function derivedOperationId(method: string, url: string): string {
  const words = url.replace(/^\/v\d+(?=\/)/, '').split('/').filter(Boolean).flatMap((segment) => {
    const param = /^:(.+)$/.exec(segment) ?? /^\{(.+)\}$/.exec(segment);
    return param ? ['by', ...param[1].split(/[-_]/)] : segment.split(/[-_.]/);
  });
  const cap = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);
  return method.toLowerCase() + words.map(cap).join('');
}

/**
 * Errors are JSON whatever a route produces otherwise (`produces: ['text/html']` would
 * otherwise be applied to its error responses too).
 */
function errorsAsJson(response: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!response) return response;
  const out: Record<string, unknown> = {};
  for (const [status, value] of Object.entries(response)) {
    const r = value as Record<string, unknown>;
    if (Number(status) >= 400 && r && !('content' in r)) {
      const { description, ...schema } = r;
      out[status] = { description, content: { 'application/json': { schema } } };
    } else {
      out[status] = value;
    }
  }
  return out;
}

/**
 * Fills what a route's schema leaves out of its OpenAPI operation: an operationId, no request
 * body for an action that takes none, and
 * `security: []` for routes that do not declare `...authed` (the public ones: by this
 * project's convention every authenticated route spreads `authed`; test/openapi.test.ts checks
 * that each operation's security matches what the route really answers without a key).
 */
function completeOperation({ schema, url, route }: { schema: Record<string, unknown> | undefined; url: string; route: { method: string | string[] } }) {
  if (!schema || schema.hide) return { schema: schema as never, url };
  const method = Array.isArray(route.method) ? route.method[0] : route.method;
  // An action that takes no body (NoBody) has no request body in the document either.
  const { body, ...rest } = schema;
  const documented = (body as Record<string, unknown> | undefined)?.[NO_BODY] ? rest : schema;
  return {
    schema: {
      ...documented,
      operationId: schema.operationId ?? derivedOperationId(method, url),
      security: schema.security ?? [],
      ...(schema.produces ? { response: errorsAsJson(schema.response as Record<string, unknown> | undefined) } : {}),
    } as never,
    url,
  };
}

/** NUL (PostgreSQL text cannot hold it) or a lone surrogate (not Unicode text at all). */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this pattern looks for
const UNSTORABLE_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Where in a parsed request part a string (or a key) holds text no store can keep, or null.
 * Such text passes JSON and the schemas but would stop the read model's projection for good.
 */
function unstorableTextAt(value: unknown, part: string): string | null {
  const stack: Array<[unknown, string]> = [[value, part]];
  for (let seen = 0; stack.length && seen < 100_000; seen++) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (UNSTORABLE_TEXT.test(v)) return path;
    } else if (v !== null && typeof v === 'object') {
      for (const [k, inner] of Object.entries(v)) {
        if (UNSTORABLE_TEXT.test(k)) return path;
        stack.push([inner, `${path}.${k}`]);
      }
    }
  }
  return null;
}

export interface ExternalOptions {
  config: Config;
  /** The rate-limit bucket of a request: its account, or its address when it has no valid credential. */
  rateLimitKey: (request: FastifyRequest) => Promise<string>;
  /** Where the rate limit counts (`@fastify/rate-limit`'s `store` option): Redis shared, or per process. */
  rateLimitStore?: unknown;
}

export default fp<ExternalOptions>(async (app, { config, rateLimitKey, rateLimitStore }) => {
  // Text must be Unicode without NUL, in every body, query string and path of every route.
  app.addHook('preValidation', async (request) => {
    const parts: Array<[string, unknown]> = [['body', request.body], ['querystring', request.query], ['params', request.params]];
    for (const [part, value] of parts) {
      const at = unstorableTextAt(value, part);
      if (at) throw new HttpError('validation_failed', `${at}: text must be valid Unicode without NUL characters`, '提交的文字中含有无法识别的字符');
    }
  });
  await app.register(helmet, {
    // No page of the service runs inline script: scripts come from 'self' only (the /docs page
    // sends its own policy, with the hashes of its two inline scripts, from @fastify/swagger-ui).
    // Inline styles stay allowed: the public board page carries its stylesheet in a <style>
    // element (one self-contained page for screens and printers) and the console's component
    // library sets style attributes. Nothing else is inline.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"], scriptSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
      },
    },
  });
  await app.register(cors, { origin: config.corsOrigins.length ? config.corsOrigins : false });
  await app.register(rateLimit, {
    // Not the plugin's per-route hook, which runs after a route's own `app.authenticate` (so a
    // request with a made-up key was refused before it was counted): one hook for every request,
    // added below, before authentication.
    global: false,
    max: config.rateLimitPerMinute,
    timeWindow: '1 minute',
    // Per account (whatever key or session, however the header is spelled), else per address.
    keyGenerator: rateLimitKey,
    ...(rateLimitStore ? { store: rateLimitStore as never } : {}),
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      error: { code: 'rate_limited', message: `rate limit of ${context.max} requests per ${context.after} reached` },
    }),
  });
  app.addHook('onRequest', app.rateLimit());
  app.addSchema(ErrorBody);
  app.addSchema(WhistleView);
  app.addSchema(WhistleSummary);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Whistle API (吹哨报到)',
        version: '1.0.0',
        description: [
          'Communities blow the whistle (社区吹哨), streets, towns and departments report (部门报到): ' +
            '居事上报, 三单管理, 群众评单, 定期验单 and 邻里搭把手, each case a durable Temporal workflow.',
          '',
          '**Authentication.** Every operation but the public ones (marked with no security) needs ' +
            '`Authorization: Bearer <api key>`; operators issue keys with `npm run accounts -- create`. ' +
            'People sign in instead (`POST /v1/sessions` with their account id and password) and send the session token ' +
            'the same way, until it expires or they sign out.',
          '',
          '**Errors.** Every error is `{ "error": { "code": "...", "message": "..." } }` with code ' +
            '`validation_failed` 400 (bad or unknown fields), `unauthenticated` 401, `forbidden` 403, `not_found` 404 ' +
            '(also for what the caller may not see), `invalid_state` 409, `payload_too_large` 413, `unsupported_media` 415, `rate_limited` 429, ' +
            '`unavailable` 503 (PostgreSQL or Temporal not answering; retry), and `internal` 500 for faults of the service, ' +
            'never for bad input.',
          '',
          '**Limits.** Requests per minute per account (or per address for requests without a valid key or session), ' +
            'counted once for every API process when the deployment shares them through Redis, and a largest body size; ' +
            'both are settings of the deployment.',
          '',
          'This document is generated from the route schemas: `GET /openapi.json`; browsable at `GET /docs`.',
        ].join('\n'),
        license: { name: 'Proprietary', url: 'https://example.invalid/license' },
      },
      servers: [{ url: '/' }],
      components: {
        securitySchemes: {
          apiKey: {
            type: 'http', scheme: 'bearer',
            description: '`Authorization: Bearer <api key>`, or `Bearer <session token>` from `POST /v1/sessions`. ' +
              'One key per account (社区, 镇街, 区中心, 部门, 督查, 党员, 居民); keys and tokens are stored hashed, and a key is ' +
              'shown once, when `npm run accounts -- create --org ID --role ROLE` or `rotate-key --id ID` issues it.',
          },
        },
      },
      // Secure unless an operation says otherwise (`security: []` on the public ones).
      security: [{ apiKey: [] }],
      tags: [
        { name: 'service', description: 'Health, readiness, metrics, this document' },
        { name: 'directory', description: 'Organisations, accounts, categories' },
        { name: 'whistles', description: '居事上报 / 吹哨报到' },
        { name: 'board', description: '公示栏 (public notice board)' },
        { name: 'supervision', description: '验单, statistics, notifications' },
        { name: 'help', description: '邻里搭把手 (neighbour help)' },
        { name: 'attachments', description: '附件 (photos of whistles and help requests)' },
        { name: 'calendar', description: '节假日 (working-day calendar: holidays and 调休)' },
        { name: 'open311', description: 'Open311 GeoReport v2 for civic-reporting clients: JSON and XML, public reading, filing with a community\'s api_key, the specification\'s error list' },
        { name: 'accounts', description: '登录 (console sessions), the caller\'s own account, the audit log (审计日志)' },
        { name: 'knowledge', description: '知识库 (knowledge base, GB/T 44191-2024): policies, answers and reply templates found by words' },
        { name: 'practice', description: '国办函〔2025〕66号: 智能分派 (suggestions from the text), 高频诉求 (recurring matters)' },
        { name: 'proactive', description: '未诉先办 (proactive rounds): the center\'s recurring inspections, one whistle per community each time' },
      ],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
    transform: completeOperation as never,
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // Its own policy for /docs: scripts from 'self' only (its page has no inline script); the
    // Swagger UI bundle injects one <style> element at run time, so styles as everywhere else.
    staticCSP: true,
    transformStaticCSP: (header: string) => header.replace(/style-src [^;]*/, "style-src 'self' 'unsafe-inline'"),
  });
}, { name: 'external' });
