/**
 * Schemas of Open311 GeoReport v2 (open311.org): the form of `POST requests`, the filters of
 * `GET requests`, and the answers in the specification's field names. The same schemas validate
 * the input, serialize the JSON answers (only the fields named here ever leave: no reporter data)
 * and describe both formats in the OpenAPI document (`xml` names give the XML elements).
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { ReporterPhone } from './whistles';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Text = (max: number, description?: string) => Type.String({ minLength: 1, maxLength: max, ...(description ? { description } : {}) });
/** A decimal number written as text, as form fields are. */
const Decimal = (description: string) => Type.String({ pattern: '^[-+]?[0-9]{1,3}(\\.[0-9]{1,15})?$', description });
/** Any W3C date-time with its zone, with or without seconds (checked by the service: api/services/open311-requests.ts). */
const W3cInstant = (description: string) => Type.String({ minLength: 1, maxLength: 64, description });

export const OPEN311_FORMATS = ['json', 'xml'] as const;
export type Open311Format = (typeof OPEN311_FORMATS)[number];
export const MEDIA_TYPES: Record<Open311Format, string> = { json: 'application/json', xml: 'text/xml' };

/**
 * `POST requests.{fmt}`: the fields of the specification; those Whistle does not keep are accepted
 * and ignored, and so are fields it does not know (`attribute[…]` and the like: the route drops them
 * before validation). `api_key` may come in the query string instead.
 */
export const RequestForm = Type.Object({
  api_key: Type.Optional(Type.String({ maxLength: 512, description: 'The key of a community (or compound) account; missing or not a community: 403' })),
  service_code: Text(64, 'A `service_code` of `services.{fmt}` (a category id)'),
  lat: Type.Optional(Decimal('WGS84 latitude in degrees; with `long` it gives the place (and wins over `address_string` for it)')),
  long: Type.Optional(Decimal('WGS84 longitude in degrees')),
  address_string: Type.Optional(Text(500, 'The address in words; required without `lat` + `long`; kept as the whistle\'s address')),
  description: Type.Optional(Text(5000, 'What is wrong; the whistle\'s title is its first 30 characters. Left out: the service\'s name (with `address_string` when given)')),
  first_name: Type.Optional(Text(50, 'With `last_name`: the reporter\'s name (last_name + first_name), kept only with a `phone`')),
  last_name: Type.Optional(Text(50, 'The reporter\'s family name (姓)')),
  phone: Type.Optional({ ...ReporterPhone, description: 'The reporter\'s phone as written (digits, spaces, + - ( ) ., an extension after 转 or ext; at most 30), for the feedback (反馈) only; never shown' }),
  email: Type.Optional(Type.String({ maxLength: 254, description: 'Accepted and not kept' })),
  jurisdiction_id: Type.Optional(Type.String({ maxLength: 200, description: 'Accepted and ignored: this endpoint serves one jurisdiction (长乐区)' })),
  address_id: Type.Optional(Type.String({ maxLength: 200, description: 'Accepted and ignored' })),
  device_id: Type.Optional(Type.String({ maxLength: 200, description: 'Accepted and ignored' })),
  account_id: Type.Optional(Type.String({ maxLength: 200, description: 'Accepted and ignored' })),
  media_url: Type.Optional(Type.String({
    maxLength: 2000, pattern: '^[Hh][Tt][Tt][Pp][Ss]?://[^\\s]+$',
    description: 'A photo kept elsewhere (http or https): kept as given, never fetched, shown only with the filing community\'s api_key',
  })),
}, {
  additionalProperties: false,
  examples: [{
    api_key: 'dev-xiguan', service_code: 'utilities', lat: '25.9613', long: '119.5232', address_string: '江景花园3号楼',
    description: '3号楼一单元下水道堵塞一周，污水外溢，需要市政疏通。', last_name: '李', first_name: '大爷', phone: '13800000000',
  }],
});
export type RequestForm = Static<typeof RequestForm>;

/** `api_key` in the query string of `POST requests` (parameters it does not know are dropped by the route). */
export const RequestKeyQuery = Type.Object({
  api_key: Type.Optional(Type.String({ maxLength: 512, description: 'The key of a community account, when not in the form' })),
}, { additionalProperties: false });
export type RequestKeyQuery = Static<typeof RequestKeyQuery>;

/** `GET requests.{fmt}`: the specification's filters (an empty parameter is absent; unknown ones are dropped by the route). */
export const RequestsQuery = Type.Object({
  service_request_id: Type.Optional(Type.String({ minLength: 1, maxLength: 4000, description: 'Comma-separated ids; when given, every other filter is ignored' })),
  service_code: Type.Optional(Type.String({ minLength: 1, maxLength: 1000, description: 'Comma-separated service codes' })),
  start_date: Type.Optional(W3cInstant('Earliest `requested_datetime` (W3C date-time with offset); default 90 days before `end_date`')),
  end_date: Type.Optional(W3cInstant('Latest `requested_datetime`; default now')),
  status: Type.Optional(Type.String({ pattern: '^(open|closed)(,(open|closed))*$', description: '`open`, `closed` or both, comma-separated' })),
  jurisdiction_id: Type.Optional(Type.String({ maxLength: 200, description: 'Accepted and ignored' })),
  api_key: Type.Optional(Type.String({
    maxLength: 512, description: 'Not needed: reading is public. A community\'s key shows its own requests\' description, address and media_url as filed',
  })),
}, { additionalProperties: false });
export type RequestsQuery = Static<typeof RequestsQuery>;

export const ServiceCodeParam = Type.Object({
  code: Type.String({ minLength: 1, maxLength: 64, description: 'A `service_code` (a category id, e.g. `utilities`)' }),
}, { additionalProperties: false });

export const RequestIdParam = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 100, description: 'A `service_request_id` (the whistle id)' }),
}, { additionalProperties: false });

// ---- answers ---------------------------------------------------------------------------------

export const Service = Type.Object({
  service_code: Type.String(),
  service_name: Type.String(),
  description: Type.String(),
  metadata: Type.Boolean(),
  type: Type.String({ enum: ['realtime'] }),
  keywords: Type.String({ description: 'Comma-separated' }),
  group: Type.String(),
}, { xml: { name: 'service' } });
export type Service = Static<typeof Service>;

export const Services = Type.Array(Service, {
  xml: { name: 'services', wrapped: true },
  example: [{ service_code: 'utilities', service_name: '水电燃气', description: '停水停电、燃气、供水水压、管道漏水等', metadata: false, type: 'realtime', keywords: '停水,停电,燃气,水压,漏水', group: '市政设施' }],
});

export const ServiceDefinition = Type.Object({
  service_code: Type.String(),
  attributes: Type.Array(Type.Object({}), { description: 'Always empty: no service asks for attributes', xml: { name: 'attributes', wrapped: true } }),
}, { xml: { name: 'service_definition' }, example: { service_code: 'utilities', attributes: [] } });
export type ServiceDefinition = Static<typeof ServiceDefinition>;

export const ServiceRequest = Type.Object({
  service_request_id: Type.String(),
  status: Type.String({ enum: ['open', 'closed'], description: '`open` while the whistle is open; `closed` from `resolved` on' }),
  status_notes: Nullable(Type.String({ description: 'The result (办理结果)' })),
  service_name: Type.String(),
  service_code: Type.String(),
  description: Nullable(Type.String({ description: 'The whistle\'s title; with the filing community\'s api_key, the description as filed' })),
  agency_responsible: Nullable(Type.String({ description: 'The unit that holds it now, or the one that resolved it' })),
  requested_datetime: Type.String({ format: 'date-time' }),
  updated_datetime: Type.String({ format: 'date-time' }),
  expected_datetime: Nullable(Type.String({ format: 'date-time', description: 'The current deadline (`dueAt`)' })),
  address: Type.String({ description: 'The community\'s name (with the compound\'s, when known); with the filing community\'s api_key, the address as filed' }),
  lat: Nullable(Type.Number({ description: 'Rounded to 3 decimals (about 100 m)' })),
  long: Nullable(Type.Number({ description: 'Rounded to 3 decimals' })),
  media_url: Type.Optional(Nullable(Type.String({ description: 'Only with the filing community\'s api_key: the media_url as filed' }))),
}, { xml: { name: 'request' } });
export type ServiceRequest = Static<typeof ServiceRequest>;

export const ServiceRequests = Type.Array(ServiceRequest, {
  xml: { name: 'service_requests', wrapped: true },
  example: [{
    service_request_id: '3f9c2a71d04b8e65', status: 'closed', status_notes: '已疏通下水道并更换破损管道', service_name: '水电燃气',
    service_code: 'utilities', description: '3号楼一单元下水道堵塞一周，污水外溢，需要市政疏通。', agency_responsible: '吴航街道',
    requested_datetime: '2026-11-27T09:20:00+08:00', updated_datetime: '2026-11-30T16:05:00+08:00',
    expected_datetime: null, address: '西关社区 江景花园', lat: 25.961, long: 119.523,
  }],
});

export const CreatedRequests = Type.Array(Type.Object({ service_request_id: Type.String() }, { xml: { name: 'request' } }), {
  xml: { name: 'service_requests', wrapped: true },
  example: [{ service_request_id: '3f9c2a71d04b8e65' }],
});

export const Discovery = Type.Object({
  changeset: Type.String({ format: 'date-time' }),
  contact: Type.String(),
  key_service: Type.String(),
  endpoints: Type.Array(Type.Object({
    specification: Type.String(),
    url: Type.String(),
    changeset: Type.String({ format: 'date-time' }),
    type: Type.String({ enum: ['production', 'test'] }),
    formats: Type.Array(Type.String({ xml: { name: 'format' } }), { xml: { name: 'formats', wrapped: true } }),
  }, { xml: { name: 'endpoint' } }), { xml: { name: 'endpoints', wrapped: true } }),
}, { xml: { name: 'discovery' } });
export type Discovery = Static<typeof Discovery>;

/** Errors of every kind, as the specification gives them: a list of `{ code, description }`. */
export const Open311Errors = Type.Array(Type.Object({
  code: Type.Integer({ description: 'The HTTP status' }),
  description: Type.String(),
}, { xml: { name: 'error' } }), {
  xml: { name: 'errors', wrapped: true },
  description: 'The specification\'s error list (never the /v1 error shape)',
  example: [{ code: 403, description: 'api_key is missing: send the key of a community account' }],
});
export type Open311Errors = Static<typeof Open311Errors>;
