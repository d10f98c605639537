/**
 * Hostile requests generated from the OpenAPI document (`/openapi.json`) with fast-check:
 * wrong types, unknown fields, huge and deep JSON, malformed JSON, odd content types, unicode
 * edge cases (lone surrogates, NUL, RTL override, zero-width, emoji, combining marks), SQL,
 * template and header injection, garbage ids, query strings and keys.
 *
 * Two kinds of body: `garbage` is invalid by construction (used against the seeded whistles,
 * which must not change), `shaped` follows the route's schema with hostile strings and now and
 * then a mutation (it may be valid: those requests may legitimately create or change things,
 * so they only ever target ids that are not seeded).
 */
import fc from 'fast-check';

export interface Operation {
  method: string;
  /** e.g. /v1/whistles/{id}/triage */
  path: string;
  pathParams: string[];
  query: Array<{ name: string; schema: Json }>;
  headers: string[];
  body: Json | undefined;
  /** Answers a stream that stays open (text/event-stream): the caller must not wait for its end. */
  stream: boolean;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** Every operation of the OpenAPI document. */
export function operationsOf(doc: Json): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries<Json>(doc.paths)) {
    for (const [method, op] of Object.entries<Json>(methods)) {
      const params: Json[] = op.parameters ?? [];
      ops.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        query: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema ?? {} })),
        headers: params.filter((p) => p.in === 'header').map((p) => p.name),
        body: op.requestBody?.content?.['application/json']?.schema,
        stream: Boolean(op.responses?.['200']?.content?.['text/event-stream']),
      });
    }
  }
  return ops;
}

/** Strings that broke things somewhere once. */
const EDGE_STRINGS = [
  '', ' ', '\t\n', '\ud800', '\udfff', 'a\ud83dz', '\udc00\ud800', '\u0000', 'a\u0000b', '\u202eabc', '\u200b', '\u200d',
  '\ufeff', '👨‍👩‍👧‍👦', '🚀🔥', 'e\u0301\u0301\u0301', '\u0085', '\u2028\u2029', 'ﷺ', 'Ａ', 'İı', 'ß', '𝕏', '\u0300',
  'مرحبا بالعالم', '\u05d0\u05d1\u05d2 abc', "' OR '1'='1", "'; DROP TABLE whistles; --", "1; SELECT pg_sleep(10) --",
  "x' UNION SELECT key_hash FROM accounts --", '$1', '\\', '\\u0000', '%00', '%', '%E0%A4%A', '../../etc/passwd',
  '<script>alert(1)</script>', '{{7*7}}', '${jndi:ldap://x/a}', 'null', 'undefined', 'NaN', '__proto__', 'constructor',
  'prototype', 'toString', 'x'.repeat(201), 'x'.repeat(5001), '西关社区'.repeat(60), '\r\nX-Injected: 1', 'a\rb', '0x7fffffff',
  '2026-13-45T25:61:61Z', '1', '-271821-04-20T00:00:00Z', '+275760-09-13T00:00:00Z',
];

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const controlChar = fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c));

/** A hostile string: edge cases, any code points, lone surrogates, controls, or a mix. */
const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...EDGE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.oneof(loneSurrogate, controlChar, fc.constantFrom('a', '西', '🚀', '\u202e', '\u200b')), maxLength: 20 }) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('正常标题', 'ok'), fc.constantFrom(...EDGE_STRINGS)).map(([a, b]) => a + b) },
);

/** A value of any JSON type, hostile strings included. */
const anyJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null),
    fc.constantFrom(1e308, -0, Number.MAX_SAFE_INTEGER + 2, -1, 0, 2 ** 31),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

function resolveRef(schema: Json, doc: Json): Json {
  if (schema?.$ref) {
    const name = String(schema.$ref).split('/').pop()!;
    return doc.components?.schemas?.[name] ?? {};
  }
  return schema ?? {};
}

/** A value for `schema`: usually well-typed with hostile content, sometimes wrong. */
function shaped(schemaIn: Json, doc: Json, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolveRef(schemaIn, doc);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((s: Json) => shaped(s, doc, depth + 1)));
  const wrong = { weight: 1, arbitrary: anyJson };
  switch (schema.type) {
    case 'object': {
      const props: Record<string, Json> = schema.properties ?? {};
      const required: string[] = schema.required ?? [];
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, s] of Object.entries(props)) record[k] = depth > 4 ? anyJson : shaped(s, doc, depth + 1);
      const optional = Object.keys(props).filter((k) => !required.includes(k));
      const base = fc.record(record, { requiredKeys: required }).chain((obj) =>
        fc.subarray(optional).map((keep) => {
          const out: Record<string, unknown> = {};
          for (const [k, v] of Object.entries(obj)) if (required.includes(k) || keep.includes(k)) out[k] = v;
          return out;
        }));
      return fc.oneof(
        { weight: 8, arbitrary: base },
        { weight: 1, arbitrary: fc.tuple(base, hostileString, anyJson).map(([o, k, v]) => ({ ...(o as object), [`zz${k}`]: v })) },
        { weight: 1, arbitrary: fc.tuple(base, fc.constantFrom(...required.length ? required : ['x'])).map(([o, k]) => { const c = { ...(o as object) } as Record<string, unknown>; delete c[k]; return c; }) },
        wrong,
      );
    }
    case 'array': {
      const items = shaped(schema.items ?? {}, doc, depth + 1);
      return fc.oneof({ weight: 6, arbitrary: fc.array(items, { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 5, 5) }) },
        { weight: 1, arbitrary: fc.array(items, { minLength: 21, maxLength: 25 }) }, wrong);
    }
    case 'string': {
      const good = schema.enum ? fc.constantFrom(...schema.enum as string[])
        : schema.format === 'date-time' ? fc.date({ noInvalidDate: true }).map((d) => d.toISOString())
          : fc.constantFrom('urban', 'xiguan', 'water', '西关社区下水道', 'immediate', '2026-01-01T00:00:00+08:00');
      return fc.oneof({ weight: 3, arbitrary: good }, { weight: 4, arbitrary: hostileString }, wrong);
    }
    case 'integer':
    case 'number':
      return fc.oneof({ weight: 3, arbitrary: fc.integer({ min: -1000, max: 1000 }) },
        { weight: 1, arbitrary: fc.constantFrom(1e308, -1e308, 0.5, -0, Number.MAX_SAFE_INTEGER + 2, 91, -181) }, wrong);
    case 'boolean':
      return fc.oneof({ weight: 3, arbitrary: fc.boolean() }, wrong);
    default:
      return anyJson;
  }
}

/** A body as raw text with its content type. */
export interface RawBody { text: string | undefined; contentType: string | undefined; kind: string }

const json = (kind: string) => (v: unknown): RawBody => ({ text: JSON.stringify(v), contentType: 'application/json', kind });

/**
 * Bodies that no route accepts: every route's body is an object without unknown fields, and
 * the body-less actions refuse any non-empty body. (Never `null`, `{}` or `[]`, which a
 * body-less action treats as "no body".)
 */
export function garbageBody(schema: Json | undefined, doc: Json): fc.Arbitrary<RawBody> {
  const base = schema ? shaped(schema, doc) : fc.constant({});
  return fc.oneof(
    // unknown field (every body schema is closed; body-less actions refuse any field)
    fc.tuple(base, hostileString, anyJson).map(([o, k, v]) => json('unknown field')(
      typeof o === 'object' && o !== null && !Array.isArray(o) ? { ...o, [`zz_${k}`]: v } : { [`zz_${k}`]: v })),
    // not an object at all
    fc.oneof(hostileString, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(),
      fc.array(anyJson, { minLength: 1, maxLength: 4 })).map(json('not an object')),
    // malformed JSON
    fc.constantFrom('{', '{"title":', "{'title': 'x'}", '{"a":1}}', 'NaN', '{"a":undefined}', '\u0000', '{"a":"\\ud800"', '[1,]',
      '{"a":1,"a":2,', '\ufeff{"a":1', '{"__proto__":{"admin":true}', '0x10', '--1', 'tru').map((t) => ({ text: t, contentType: 'application/json', kind: 'malformed JSON' })),
    // far over the body limit
    fc.integer({ min: 70_000, max: 300_000 }).map((n) => ({ text: JSON.stringify({ title: 'x'.repeat(n) }), contentType: 'application/json', kind: 'huge' })),
    // deep nesting within the limit
    fc.integer({ min: 1000, max: 30_000 }).map((n) => ({ text: '['.repeat(n) + ']'.repeat(n), contentType: 'application/json', kind: 'deep array' })),
    fc.integer({ min: 1000, max: 8000 }).map((n) => ({ text: '{"a":'.repeat(n) + '1' + '}'.repeat(n), contentType: 'application/json', kind: 'deep object' })),
    // a body that is not JSON
    fc.tuple(fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml',
      'application/json; charset=utf-16', 'application/jsonx', 'application/json\r\nX-Injected: 1'), hostileString)
      .map(([contentType, text]) => ({ text: text || 'x', contentType, kind: 'content type' })),
  );
}

/** A body for a request that may be valid: the schema's shape with hostile content, or garbage. */
export function anyBody(schema: Json | undefined, doc: Json): fc.Arbitrary<RawBody> {
  return fc.oneof(
    { weight: schema ? 6 : 1, arbitrary: (schema ? shaped(schema, doc) : fc.constant({})).map(json('shaped')) },
    { weight: 1, arbitrary: fc.constant({ text: undefined, contentType: undefined, kind: 'none' }) },
    { weight: 3, arbitrary: garbageBody(schema, doc) },
  );
}

/** Query strings: the route's own names with hostile values, unknown names, broken encodings. */
export function queryString(op: Operation, doc: Json): fc.Arbitrary<string> {
  const names = op.query.map((q) => q.name);
  const pair = fc.oneof(
    ...(op.query.length ? [fc.constantFrom(...op.query).chain((q) => shaped(q.schema, doc).map((v) => [q.name, typeof v === 'string' ? v : JSON.stringify(v)] as [string, string]))] : []),
    fc.tuple(fc.constantFrom(...names.length ? names : ['x'], 'zz', '__proto__', 'limit[]', 'status[$ne]'), hostileString),
    fc.tuple(hostileString, hostileString),
  );
  const encode = (s: string) => { try { return encodeURIComponent(s); } catch { return encodeURIComponent(s.replace(/[\ud800-\udfff]/g, '?')); } };
  return fc.oneof(
    { weight: 6, arbitrary: fc.array(pair, { maxLength: 4 }).map((pairs) => pairs.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&')) },
    { weight: 1, arbitrary: fc.constantFrom('limit=0', 'limit=101', 'limit=1e3', 'limit=-1', 'limit=9999999999999999999', 'limit=1&limit=2',
      'cursor=%E0%A4%A', 'status=%00', 'a=%', 'cursor=WyIxIiwieCJd', 'cursor=WyItMjcxODIxLTA0LTIwVDAwOjAwOjAwWiIsIngiXQ',
      `cursor=${Buffer.from(JSON.stringify(['2026-01-01T00:00:00.000Z', "x'\u0000"])).toString('base64url')}`,
      `cursor=${Buffer.from(JSON.stringify(['2026-01-01', 'abc'])).toString('base64url')}`,
      `cursor=${Buffer.from(JSON.stringify(['Jan 1 2026', 'abc'])).toString('base64url')}`,
      'quarter=2026-Q5', 'quarter=9999-Q1', 'from=2026-02-30&to=1', 'format=csv%0d%0a', 'overdue=TRUE') },
  );
}

/** Ids for path parameters that name nothing (or try to escape the route). */
export const garbageId: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('0', 'a'.repeat(100), 'a'.repeat(101), '%E0%A4%A', '%', '%zz', '..', '%2e%2e%2f', "1' OR '1'='1", '%00', '%F0%9F%9A%80', '-', '_', 'NaN',
    'null', '__proto__', 'whistle-abc', 'constructor', '%20', 'A-Z_09', '%E2%80%AE'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }).map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, '?'))),
  fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/),
);

/** Authorization header values: real dev keys, unknown keys, junk, injection. */
export function authorization(accounts: string[]): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...accounts).map((a) => `Bearer dev-${a}`) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: fc.constantFrom('Bearer', 'Bearer ', 'bearer dev-center', 'Basic ZGV2LWNlbnRlcjo=', 'Bearer dev-center extra',
      "Bearer ' OR 1=1 --", 'Bearer ' + 'k'.repeat(600), 'Bearer dev-nobody', 'Bearer dev-center\r\nX-Injected: 1', 'Token dev-center',
      'Bearer \u0000', 'Bearer dev-%63enter') },
  );
}

/** Extra headers: request ids, idempotency keys, forwarding headers, injection attempts. */
export const extraHeaders: fc.Arbitrary<Record<string, string>> = fc.record({
  'x-request-id': fc.constantFrom('ok-123', 'a'.repeat(65), 'x\r\nX-Injected: 1', '<script>', '../', '\u0000'),
  'idempotency-key': fc.oneof(fc.uuid(), fc.constantFrom('key-1', '', ' ', 'k'.repeat(201), 'k\r\nX-Injected: 1', 'ключ', '\u0000', "' OR 1=1")),
  'x-forwarded-for': fc.constantFrom('1.2.3.4', '127.0.0.1, 10.0.0.1', 'garbage'),
  origin: fc.constantFrom('https://evil.example', 'null'),
  'accept-language': fc.constantFrom('zh-CN', 'x'.repeat(300)),
}, { requiredKeys: [] });

/** A filing that passes the schema, with hostile text where the schema allows any text. */
export const validFiling: fc.Arbitrary<RawBody> = fc.record({
  title: hostileString.filter((t) => t.length >= 1 && t.length <= 200),
  description: hostileString.filter((t) => t.length >= 1 && t.length <= 5000),
  category: fc.constantFrom('utilities', 'environment', 'public_safety'),
  location: fc.record({ address: hostileString.filter((t) => t.length >= 1 && t.length <= 500), grid: fc.constantFrom('西关-03', '\u202e03') }, { requiredKeys: [] }),
  reporter: fc.record({ name: hostileString.filter((t) => t.length >= 1 && t.length <= 50), phone: fc.constantFrom('13800000000', '+86 (591) 1234') }),
  urgent: fc.boolean(),
}, { requiredKeys: ['title', 'description', 'category', 'location'] }).map(json('valid filing'));
