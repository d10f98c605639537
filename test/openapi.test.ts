/**
 * The OpenAPI document is what integrators build on: it lists every route the app serves,
 * names each operation, says truthfully which need a key, documents the contract's error
 * shape on every error response, carries valid examples, and passes Redocly's lint.
 */
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { lintDocument } from '../scripts/lint-openapi';
import { startStack, type Stack } from './support/stack';

type Operation = {
  operationId?: string; summary?: string; tags?: string[]; security?: Array<Record<string, string[]>>;
  requestBody?: { content: Record<string, { schema: unknown; example?: unknown }> };
  responses: Record<string, { description?: string; content?: Record<string, { schema: { $ref?: string } }> }>;
};
type Doc = {
  openapi: string; security?: Array<Record<string, string[]>>;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { example?: unknown }>; securitySchemes: Record<string, unknown> };
};

let stack: Stack;
let doc: Doc;
beforeAll(async () => {
  stack = await startStack({ noWorker: true });
  doc = (await stack.call(null, 'GET', '/openapi.json')).body as Doc;
});
afterAll(async () => { await stack.stop(); });

const operations = () => Object.entries(doc.paths).flatMap(([path, ops]) =>
  Object.entries(ops).map(([method, op]) => ({ path, method: method.toUpperCase(), op })));

/** What the app really serves: `printRoutes` as (method, path) pairs, without HEAD, CORS and the docs page's assets. */
function servedRoutes(): string[] {
  const served: string[] = [];
  const stackOfPaths: string[] = [];
  for (const line of stack.app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ├└─]*)(\S.*?) \(([A-Z, ]+)\)$/.exec(line);
    if (!match) continue;
    const depth = match[1].length / 4;
    stackOfPaths.length = depth;
    const path = (stackOfPaths[depth - 1] ?? '') + match[2];
    stackOfPaths[depth] = path;
    for (const method of match[3].split(', ')) {
      // The docs page and the staff console's files are pages, not operations (/console/config.json is one).
      if (method === 'HEAD' || method === 'OPTIONS' || path.startsWith('/docs') || /^\/console\/?\*?$/.test(path)) continue;
      served.push(`${method} ${path.replace(/:([A-Za-z]+)/g, '{$1}')}`);
    }
  }
  return served;
}

test('every route the app serves is in the document, and nothing else', () => {
  const served = servedRoutes().sort();
  expect(served).toEqual(expect.arrayContaining(['POST /v1/whistles', 'GET /metrics', 'POST /v1/whistles/{id}/triage']));
  expect(operations().map((o) => `${o.method} ${o.path}`).sort()).toEqual(served);
});

test('every operation has a unique operationId, a summary, a tag, and a described success response', () => {
  const ids = operations().map(({ op }) => op.operationId);
  expect(new Set(ids).size).toBe(ids.length);
  for (const { method, path, op } of operations()) {
    const where = `${method} ${path}`;
    expect({ where, id: op.operationId }).toEqual({ where, id: expect.stringMatching(/^[a-z][A-Za-z]+$/) });
    expect({ where, summary: op.summary }).toEqual({ where, summary: expect.any(String) });
    expect({ where, tags: op.tags?.length }).toEqual({ where, tags: 1 });
    const success = Object.entries(op.responses).filter(([code]) => code.startsWith('2'));
    expect({ where, success: success.length }).toEqual({ where, success: 1 });
  }
});

test('the contract\'s whistle operations name themselves in domain words and describe their answers', () => {
  const byRoute = new Map(operations().map((o) => [`${o.method} ${o.path}`, o.op]));
  expect(byRoute.get('POST /v1/whistles')?.operationId).toBe('fileWhistle');
  expect(byRoute.get('GET /v1/whistles/{id}')?.operationId).toBe('getWhistle');
  expect(byRoute.get('POST /v1/whistles/{id}/triage')?.operationId).toBe('triageWhistle');
  for (const [route, op] of byRoute) {
    if (!route.includes('/v1/whistles') && !['GET /healthz', 'GET /readyz', 'GET /metrics', 'GET /v1/orgs'].includes(route)) continue;
    for (const [code, response] of Object.entries(op.responses)) {
      expect({ route, code, description: response.description }).not.toEqual({ route, code, description: 'Default Response' });
    }
  }
});

test('every error response is JSON in the contract\'s error shape (Open311: the specification\'s list, in the URL\'s format)', () => {
  for (const { method, path, op } of operations()) {
    const errorCodes = Object.keys(op.responses).filter((code) => Number(code) >= 400);
    expect({ route: `${method} ${path}`, errors: errorCodes.length > 0 }).toEqual({ route: `${method} ${path}`, errors: true });
    for (const code of errorCodes) {
      const content = op.responses[code].content ?? {};
      if (path.startsWith('/open311/')) {
        const media = path.endsWith('.xml') ? 'text/xml' : 'application/json';
        expect({ route: `${method} ${path}`, code, types: Object.keys(content) }).toEqual({ route: `${method} ${path}`, code, types: [media] });
        expect(content[media].schema).toMatchObject({
          type: 'array', items: { required: ['code', 'description'], properties: { code: { type: 'integer' }, description: { type: 'string' } } },
        });
        continue;
      }
      expect({ route: `${method} ${path}`, code, types: Object.keys(content) })
        .toEqual({ route: `${method} ${path}`, code, types: ['application/json'] });
      expect(content['application/json'].schema.$ref).toBe('#/components/schemas/Error');
    }
  }
  expect(doc.components.schemas.Error).toMatchObject({
    required: ['error'],
    properties: { error: { required: ['code', 'message'] } },
  });
});

test('operations marked public answer without a key, and every other one is 401 without a key', async () => {
  expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
  expect(doc.security).toEqual([{ apiKey: [] }]);
  for (const { method, path, op } of operations()) {
    const isPublic = Array.isArray(op.security) && op.security.length === 0;
    const url = path.replace(/\{[^}]+\}/g, 'xiguan');
    const res = await stack.call(null, method as 'GET' | 'POST', url, method === 'POST' ? {} : undefined);
    const route = `${method} ${path}`;
    if (isPublic) expect({ route, status: res.status }).not.toEqual({ route, status: 401 });
    else expect({ route, status: res.status }).toEqual({ route, status: 401 });
  }
});

test('examples are in Chinese and valid against their schemas', () => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  // Resolve component references the way the document does.
  const resolve = (schema: unknown): unknown => JSON.parse(JSON.stringify(schema), (key, value) =>
    value && typeof value === 'object' && typeof value.$ref === 'string'
      ? resolve(doc.components.schemas[value.$ref.replace('#/components/schemas/', '')]) : value);
  const toJsonSchema = (schema: unknown): unknown => JSON.parse(JSON.stringify(resolve(schema)), (key, value) =>
    value && typeof value === 'object' && value.nullable === true
      ? { anyOf: [{ ...value, nullable: undefined, enum: value.enum?.filter((v: unknown) => v !== null) }, { type: 'null' }] } : value);

  const filing = doc.paths['/v1/whistles'].post.requestBody!.content['application/json'];
  const whistle = doc.components.schemas.Whistle;
  for (const [what, example, schema] of [
    ['filing body', filing.example, filing.schema],
    ['whistle view', whistle.example, whistle],
  ] as const) {
    expect({ what, example: JSON.stringify(example) }).toEqual({ what, example: expect.stringMatching(/[\u4e00-\u9fff]/) });
    const validate = ajv.compile(toJsonSchema(schema) as object);
    expect({ what, valid: validate(example), errors: validate.errors ?? null }).toEqual({ what, valid: true, errors: null });
  }
});

test('the document passes redocly lint with the repository\'s rules', () => {
  const result = lintDocument(doc);
  expect({ ok: result.ok, output: result.ok ? '' : result.output }).toEqual({ ok: true, output: '' });
}, 60_000);
