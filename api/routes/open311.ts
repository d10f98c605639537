/**
 * Open311 GeoReport v2 under `/open311/v2/`, in JSON (`.json`) and XML (`.xml`), for existing
 * civic-reporting clients. Everything under `/open311` answers in the specification's terms:
 * form bodies are parsed here only (the /v1 API stays JSON), and every error — a refusal, bad
 * input, an unknown route, a body too large, a rate limit, an outage — is the specification's list
 * `[{ code, description }]` in the format the URL asks for, never the /v1 error shape.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import formbody from '@fastify/formbody';
import { XMLBuilder } from 'fast-xml-parser';
import type { TObject, TSchema } from '@sinclair/typebox';
import { isDataException, isUnavailable } from '../errors';
import { publicRoute } from '../schemas/common';
import {
  CreatedRequests, Discovery, MEDIA_TYPES, OPEN311_FORMATS, Open311Errors, RequestForm, RequestIdParam, RequestKeyQuery, RequestsQuery,
  ServiceCodeParam, ServiceDefinition, ServiceRequests, Services, type Open311Format,
} from '../schemas/open311';
import { open311Status } from '../services/open311';

/** When this endpoint last changed (discovery's `changeset`). */
const CHANGESET = '2026-12-01T00:00:00+08:00';
const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';
const CACHE_CONTROL = 'public, max-age=60';
/** An answer given with an api_key shows what only that community may read: no shared cache keeps it. */
const KEYED_CACHE_CONTROL = 'private, no-store';
const cacheControl = (apiKey: string | undefined) => (apiKey === undefined ? CACHE_CONTROL : KEYED_CACHE_CONTROL);

/** Each answer's XML: its root element and the element of each list item (as the specification names them). */
const XML_SHAPES = {
  services: 'service',
  service_requests: 'request',
  errors: 'error',
} as const;

const xml = new XMLBuilder({ ignoreAttributes: false, format: false, suppressEmptyNode: false });

/** Characters XML 1.0 cannot carry (a description may hold them: /v1 accepts any text without NUL). */
// eslint-disable-next-line no-control-regex -- the control characters are exactly what this pattern looks for
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

function xmlSafe(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(NOT_XML, '\ufffd');
  if (Array.isArray(value)) return value.map(xmlSafe);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, xmlSafe(v)]));
  return value;
}

/** An answer as the specification's XML document. */
function toXml(root: string, body: unknown): string {
  let content: unknown = body;
  if (root in XML_SHAPES) content = { [XML_SHAPES[root as keyof typeof XML_SHAPES]]: body };
  if (root === 'discovery') {
    const d = body as { endpoints: Array<{ formats: string[] }> };
    content = { ...d, endpoints: { endpoint: d.endpoints.map((e) => ({ ...e, formats: { format: e.formats } })) } };
  }
  if (root === 'service_definition') {
    const d = body as { service_code: string; attributes: unknown[] };
    content = { service_code: d.service_code, attributes: d.attributes.length ? { attribute: d.attributes } : '' };
  }
  return xml.build({ '?xml': { '@_version': '1.0', '@_encoding': 'utf-8' }, [root]: xmlSafe(content) });
}

/** A parsed form or JSON object (not an array). */
function isFields(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Keeps of parsed fields only those `schema` names, and of those only the non-empty: clients send
 * fields Whistle does not know (`attribute[…]`, `page`, …), and the ones they do not use as empty
 * values; both count as absent.
 */
function keepKnown(fields: unknown, schema: TObject): void {
  if (!isFields(fields)) return;
  for (const [k, v] of Object.entries(fields)) if (v === '' || !Object.hasOwn(schema.properties, k)) delete fields[k];
}

function send(reply: FastifyReply, format: Open311Format, root: string, body: unknown, status = 200) {
  reply.code(status);
  if (format === 'xml') return reply.type('text/xml; charset=utf-8').send(toXml(root, body));
  return reply.type('application/json; charset=utf-8').send(body);
}

/** The format a URL asks for: `.xml` is XML, anything else JSON. */
function formatOf(request: FastifyRequest): Open311Format {
  return /\.xml$/i.test(request.url.split('?')[0]) ? 'xml' : 'json';
}

function sendErrors(reply: FastifyReply, format: Open311Format, status: number, description: string) {
  return send(reply, format, 'errors', [{ code: status, description }], status);
}

function validationMessage(err: FastifyError): string {
  const first = err.validation?.[0];
  if (!first) return err.message;
  const where = err.validationContext ?? 'request';
  const field = first.instancePath ? first.instancePath.replace(/^\//, '').replace(/\//g, '.') : '';
  const params = first.params as Record<string, unknown>;
  if (first.keyword === 'additionalProperties') return `${where}: unknown field "${String(params.additionalProperty)}"`;
  if (first.keyword === 'required') return `${where}: ${String(params.missingProperty)} is required`;
  return `${where}${field ? `: ${field}` : ''} ${first.message ?? 'is invalid'}`;
}

/**
 * Fastify's own errors before any route runs (a URL that does not decode, a path parameter longer
 * than the router allows), given to Fastify as `frameworkErrors`: under /open311 the
 * specification's list, elsewhere what `fallback` answers.
 */
export function open311FrameworkErrors(
  fallback: (err: FastifyError, request: FastifyRequest, reply: FastifyReply) => unknown,
) {
  return (err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (!/^\/open311(\/|$|\?)/.test(request.url)) return fallback(err, request, reply);
    const description = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'a path parameter is too long'
      : err.code === 'FST_ERR_BAD_URL' ? 'the URL is not valid (bad percent-encoding)' : 'the request cannot be routed';
    return sendErrors(reply, formatOf(request), 400, description);
  };
}

/** The specification's status and description for any error under /open311. */
function describe(err: FastifyError, request: FastifyRequest): { status: number; description: string } {
  const status = open311Status(err);
  if (status !== null) return { status, description: err.message };
  if (err.validation) return { status: 400, description: validationMessage(err) };
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.statusCode === 413) return { status: 413, description: 'the request body is too large' };
  if (err.statusCode === 429) return { status: 429, description: 'too many requests; slow down' };
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return { status: 400, description: 'the body must be application/x-www-form-urlencoded (or JSON)' };
  }
  if (err.code?.startsWith?.('FST_ERR_CTP') || (err.statusCode && err.statusCode >= 400 && err.statusCode < 500)) {
    return { status: 400, description: err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError ? 'the body cannot be parsed' : err.message };
  }
  if (isDataException(err)) return { status: 400, description: 'a value of the request cannot be stored or compared' };
  if (isUnavailable(err)) {
    request.log.warn({ err }, 'dependency unavailable');
    return { status: 503, description: 'the service is temporarily unavailable; try again' };
  }
  request.log.error({ err }, 'unhandled error');
  return { status: 500, description: 'internal error' };
}

/** Response documentation: one media type per route (the URL's format). */
function answer(format: Open311Format, description: string, schema: TSchema) {
  return { description, content: { [MEDIA_TYPES[format]]: { schema } } };
}

const ERROR_TEXT: Record<number, string> = {
  400: 'Bad input',
  403: 'api_key missing or not valid, or not a community account\'s',
  404: 'No such request, service_code or route',
  413: 'Body too large',
  429: 'Too many requests',
  503: 'PostgreSQL or Temporal unreachable; retry later',
};
function errorAnswers(format: Open311Format, ...statuses: number[]) {
  return Object.fromEntries(statuses.map((s) => [s, answer(format, `${ERROR_TEXT[s]} (the specification's error list)`, Open311Errors)]));
}

const cap = (f: Open311Format) => f.charAt(0).toUpperCase() + f.slice(1);


export default async function open311Routes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  // Encapsulated: form bodies, this error handler and this not-found handler are for /open311 only.
  await app.register(formbody);
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const { status, description } = describe(err, request);
    return sendErrors(reply, formatOf(request), status, description);
  });
  app.setNotFoundHandler((request, reply) =>
    sendErrors(reply, formatOf(request), 404, `no route ${request.method} ${request.url.split('?')[0]}`));

  const open311 = app.services.open311;
  const tags = ['open311'];

  for (const format of OPEN311_FORMATS) {
    const F = cap(format);

    app.get(`/v2/discovery.${format}`, {
      schema: {
        tags, operationId: `georeportDiscovery${F}`, summary: `Service discovery of this GeoReport v2 endpoint (${format.toUpperCase()})`, ...publicRoute,
        response: { 200: answer(format, 'Where the endpoint is and which formats it speaks', Discovery), ...errorAnswers(format, 404, 429) },
      },
    }, async (_request, reply) => send(reply, format, 'discovery', {
      changeset: CHANGESET,
      contact: '长乐区"智慧长乐"管理服务中心（区中心）',
      key_service: '社区和小区账号的 api_key 由区中心签发（npm run accounts -- create --org <社区或小区> --role community）',
      endpoints: [{
        // From PUBLIC_BASE_URL, never from the request's Host.
        specification: SPECIFICATION, url: `${app.deps.config.publicBaseUrl}/open311/v2`, changeset: CHANGESET,
        type: app.deps.config.production ? 'production' : 'test', formats: [MEDIA_TYPES.json, MEDIA_TYPES.xml],
      }],
    }));

    app.get(`/v2/services.${format}`, {
      schema: {
        tags, operationId: `georeportListServices${F}`, summary: `Every service: one per category of residents' matters (${format.toUpperCase()})`, ...publicRoute,
        response: { 200: answer(format, 'One service per category; `service_code` is the category id', Services), ...errorAnswers(format, 404, 429) },
      },
    }, async (_request, reply) => {
      reply.header('cache-control', CACHE_CONTROL);
      return send(reply, format, 'services', open311.services());
    });

    app.get(`/v2/services/:code.${format}`, {
      schema: {
        tags, operationId: `georeportServiceDefinition${F}`, summary: `A service's definition: no attributes (${format.toUpperCase()})`, ...publicRoute,
        params: ServiceCodeParam,
        response: { 200: answer(format, 'The definition (attributes always empty)', ServiceDefinition), ...errorAnswers(format, 400, 404, 429) },
        description: 'An unknown `service_code` is 404.',
      },
    }, async (request, reply) => send(reply, format, 'service_definition', open311.definition(request.params.code)));

    app.post(`/v2/requests.${format}`, {
      // Not validated yet: whatever the parsers gave. Unknown and empty fields are absent.
      preValidation: async (request) => {
        keepKnown(request.body, RequestForm);
        keepKnown(request.query, RequestKeyQuery);
      },
      schema: {
        tags, operationId: `georeportCreateRequest${F}`, ...publicRoute,
        summary: `File a service request: a whistle (吹哨) for the community of api_key (${format.toUpperCase()})`,
        description: 'Form-urlencoded. Files a whistle exactly as `POST /v1/whistles` would for the account of `api_key` ' +
          '(role `community`; in the form or the query string), titled with the first 30 characters of `description` (left out: the ' +
          'service\'s name, with `address_string` when given). `lat` + `long` give the place and win over ' +
          '`address_string` (kept as the address). `last_name` + `first_name` is the reporter\'s name, kept only with a `phone`; ' +
          '`email` is not kept; `media_url` is kept, never fetched. Fields it does not know (`attribute[…]`, `device_id`, …) are ignored; ' +
          'an unknown `service_code` is 404. A retry with the same api_key and the same fields within a minute answers the same `service_request_id`.',
        consumes: ['application/x-www-form-urlencoded', 'application/json'],
        querystring: RequestKeyQuery,
        body: RequestForm,
        response: { 201: answer(format, 'The request as filed', CreatedRequests), ...errorAnswers(format, 400, 403, 404, 413, 429, 503) },
      },
    }, async (request, reply) => {
      const created = await open311.submit(request.body, Date.now(), request.query.api_key);
      request.log.info({ whistleId: created.service_request_id }, 'open311 request filed');
      return send(reply, format, 'service_requests', [created], 201);
    });

    app.get(`/v2/requests.${format}`, {
      schema: {
        tags, operationId: `georeportListRequests${F}`, ...publicRoute,
        summary: `Service requests, newest first, at most 1000; the last 90 days unless told (${format.toUpperCase()})`,
        description: 'Public: no reporter data, no free text, no street address: `description` is the whistle\'s title and `address` ' +
          'its community\'s name (with the compound\'s, when known); `status_notes` is the result. With the api_key of the filing ' +
          'community in the query string, its own requests show `description`, `address` and `media_url` as filed. Withdrawn and merged ' +
          'whistles are not listed; `status` is `closed` from `resolved` on; `lat`/`long` are rounded to 3 decimals. Empty and unknown ' +
          'parameters are ignored; dates are W3C date-times with their zone, with or without seconds.',
        querystring: RequestsQuery,
        response: { 200: answer(format, 'Matching requests', ServiceRequests), ...errorAnswers(format, 400, 403, 404, 429, 503) },
      },
      preValidation: async (request) => keepKnown(request.query, RequestsQuery),
    }, async (request, reply) => {
      reply.header('cache-control', cacheControl(request.query.api_key));
      return send(reply, format, 'service_requests', await open311.requests(request.query));
    });

    app.get(`/v2/requests/:id.${format}`, {
      schema: {
        tags, operationId: `georeportGetRequest${F}`, summary: `One service request, as a list of one (${format.toUpperCase()})`, ...publicRoute,
        description: 'As in `requests.{fmt}`: public, or with the filing community\'s api_key (query string) as filed.',
        params: RequestIdParam, querystring: RequestKeyQuery,
        response: { 200: answer(format, 'The request', ServiceRequests), ...errorAnswers(format, 403, 404, 429, 503) },
      },
      preValidation: async (request) => keepKnown(request.query, RequestKeyQuery),
    }, async (request, reply) => {
      reply.header('cache-control', cacheControl(request.query.api_key));
      return send(reply, format, 'service_requests', await open311.request(request.params.id, request.query.api_key));
    });
  }
}
