/**
 * The staff console (工作台) as the API serves it at /console/: the built files with a strict
 * Content-Security-Policy, the application's routes answered with index.html, hashed assets
 * cached for good and index.html never; its settings only for a signed-in console. And the
 * conditional GETs its queues poll with (ETag / If-None-Match → 304).
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { CONSOLE_CSP } from '../api/routes/console';
import { CONSOLE_DIST } from '../lib/console-build';
import { filing, startStack, type Stack } from './support/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ env: { TEMPORAL_UI_URL: 'http://temporal-ui.example:8080/' } });
}, 60_000);
afterAll(async () => { await stack?.stop(); });

const get = (url: string, headers: Record<string, string> = {}) => stack.app.inject({ method: 'GET', url, headers });

describe('the console\'s files', () => {
  test('GET /console/ is the application\'s page: HTML, asked again on every load, under a CSP without inline script', async () => {
    const res = await get('/console/');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toMatch(/(^|; )script-src 'self'(;|$)/);
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/unsafe-/);
    expect(csp).toMatch(/(^|; )style-src 'self'(;|$)/);
    // Every script of the page is a file of this origin: none is inline.
    const scripts = [...res.body.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/src="\/console\/assets\/[^"]+\.js"/);
      expect(body.trim()).toBe('');
    }
    expect(res.body).toContain('lang="zh-CN"');
  });

  test('/console without the slash leads to /console/', async () => {
    const res = await get('/console');
    expect(res.statusCode).toBe(301);
    expect(res.headers.location).toBe('/console/');
  });

  test('the console\'s own routes (a whistle page, the queue, the sign-in) answer with its page, so a reload keeps the place', async () => {
    const index = fs.readFileSync(path.join(CONSOLE_DIST, 'index.html'), 'utf8');
    for (const url of ['/console/queue', '/console/whistles/3f9c2a71d04b8e65?action=triage', '/console/signin?next=%2Fqueue', '/console/assessment?quarter=2026-Q4']) {
      const res = await get(url);
      expect({ url, status: res.statusCode }).toEqual({ url, status: 200 });
      expect(res.body).toBe(index);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
    }
  });

  test('hashed assets are cached for a year; a missing asset is a 404 in the API\'s error shape, not the page', async () => {
    const index = (await get('/console/')).body;
    const asset = /src="(\/console\/assets\/[^"]+\.js)"/.exec(index)![1];
    const res = await get(asset);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const missing = await get('/console/assets/no-such-file-0000.js');
    expect(missing.statusCode).toBe(404);
    expect(JSON.parse(missing.body).error.code).toBe('not_found');
  });

  test('nothing outside the build is served: no path leaves console/dist', async () => {
    for (const url of ['/console/../package.json', '/console/%2e%2e/package.json', '/console/..%2fpackage.json']) {
      const res = await get(url);
      expect({ url, leaks: res.body.includes('"devDependencies"') }).toEqual({ url, leaks: false });
    }
  });
});

describe('compressed files', () => {
  const assetOf = async (ext: 'js' | 'css') => {
    const index = (await get('/console/')).body;
    const entry = new RegExp(`(?:src|href)="(/console/assets/[^"]+\\.${ext})"`).exec(index)![1];
    return entry;
  };

  test.each([
    ['br', 'br'], ['gzip', 'gzip'], ['gzip, deflate, br, zstd', 'br'], ['br;q=0, gzip;q=1', 'gzip'],
  ])('Accept-Encoding %s gets the %s copy written at build time, the same bytes once decoded, cached for a year', async (accept, encoding) => {
    const asset = await assetOf('js');
    const plain = await get(asset, { 'accept-encoding': 'identity' });
    const res = await stack.app.inject({ method: 'GET', url: asset, headers: { 'accept-encoding': accept } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBe(encoding);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(String(res.headers.vary).toLowerCase()).toContain('accept-encoding');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const body = res.rawPayload;
    expect(body.length).toBeLessThan(plain.rawPayload.length / 2);
    const decoded = encoding === 'br' ? zlib.brotliDecompressSync(body) : zlib.gunzipSync(body);
    expect(decoded.equals(plain.rawPayload)).toBe(true);
    // The copy on disk is what is sent: nothing is compressed per request.
    expect(body.equals(fs.readFileSync(path.join(CONSOLE_DIST, `${asset.slice('/console/'.length)}.${encoding === 'br' ? 'br' : 'gz'}`)))).toBe(true);
  });

  test('without Accept-Encoding a file is sent as it is, still varying by Accept-Encoding for caches', async () => {
    const asset = await assetOf('css');
    const res = await get(asset, { 'accept-encoding': 'identity' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(String(res.headers.vary).toLowerCase()).toContain('accept-encoding');
    expect(res.rawPayload.equals(fs.readFileSync(path.join(CONSOLE_DIST, asset.slice('/console/'.length))))).toBe(true);
  });

  test('index.html is revalidated with its ETag: 304 while the build is the same', async () => {
    const first = await get('/console/');
    expect(first.headers.etag).toBeDefined();
    const again = await get('/console/', { 'if-none-match': String(first.headers.etag) });
    expect(again.statusCode).toBe(304);
    expect(again.headers['cache-control']).toBe('no-cache');
  });
});

describe('GET /console/config.json', () => {
  test('tells a signed-in console where the Temporal UI is (TEMPORAL_UI_URL) and the namespace', async () => {
    const res = await stack.call('center', 'GET', '/console/config.json');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ temporalUiUrl: 'http://temporal-ui.example:8080', temporalNamespace: 'default' });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  test('is 401 without a credential', async () => {
    const res = await stack.call(null, 'GET', '/console/config.json');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthenticated');
  });
});

describe('conditional GETs (what the console polls with)', () => {
  test('a list answers with a weak ETag; the same ETag in If-None-Match gets 304 without a body until the list changes', async () => {
    const first = await stack.call('wuhang', 'GET', '/v1/whistles?limit=5');
    expect(first.status).toBe(200);
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^W\/"[A-Za-z0-9_-]+"$/);
    expect(first.headers['cache-control']).toBe('private, no-store');

    const same = await stack.app.inject({ method: 'GET', url: '/v1/whistles?limit=5', headers: { authorization: 'Bearer dev-wuhang', 'if-none-match': etag } });
    expect(same.statusCode).toBe(304);
    expect(same.body).toBe('');
    expect(same.headers.etag).toBe(etag);

    const filed = await stack.call('xiguan', 'POST', '/v1/whistles', filing({ title: '条件请求：列表变化后重新返回' }));
    expect(filed.status).toBe(201);
    const changed = await stack.app.inject({ method: 'GET', url: '/v1/whistles?limit=5', headers: { authorization: 'Bearer dev-wuhang', 'if-none-match': etag } });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(JSON.parse(changed.body).items.map((w: { id: string }) => w.id)).toContain(filed.body.id);
  });

  test('another account asking with someone else\'s ETag gets its own answer, not a 304', async () => {
    const street = await stack.call('wuhang', 'GET', '/v1/whistles?limit=5');
    const other = await stack.app.inject({ method: 'GET', url: '/v1/whistles?limit=5', headers: { authorization: 'Bearer dev-yingqian', 'if-none-match': String(street.headers.etag) } });
    expect(other.statusCode).toBe(200);
  });

  test('errors carry no ETag, and the public board keeps its own caching', async () => {
    const denied = await stack.call(null, 'GET', '/v1/whistles');
    expect(denied.status).toBe(401);
    expect(denied.headers.etag).toBeUndefined();
    const board = await stack.call(null, 'GET', '/v1/communities/xiguan/board');
    expect(board.headers['cache-control']).toBe('public, max-age=60');
  });
});
