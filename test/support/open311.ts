/**
 * What the Open311 tests share: a request through the app in either format, the form of 西关社区's
 * key, and the checks of the specification's error list.
 */
import { XMLParser } from 'fast-xml-parser';
import type { Json } from './json';
import type { Stack } from './stack';

export const PHONE = '13912345678';
export const EMAIL = 'li.daye@example.com';
export const DESCRIPTION = '江景花园3号楼一单元下水道堵塞一周，污水外溢到楼道，居民出行困难，请尽快安排疏通。';
export const LAT = 25.961349;
export const LNG = 119.523187;

const xmlParser = new XMLParser({
  parseTagValue: false,
  isArray: (name) => ['request', 'service', 'error', 'endpoint', 'format', 'attribute'].includes(name),
});

export interface Answer { status: number; type: string; text: string; json: Json; xml: Json; headers: Record<string, unknown> }

/** A request to `on`'s app: a form (an object or the encoded text) as application/x-www-form-urlencoded. */
export async function call(on: Stack, method: 'GET' | 'POST', url: string, form?: Record<string, string> | string,
  headers: Record<string, string> = {}): Promise<Answer> {
  const payload = form === undefined ? undefined : typeof form === 'string' ? form : new URLSearchParams(form).toString();
  const res = await on.app.inject({
    method, url,
    headers: { ...(payload !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...headers },
    payload,
  });
  const type = String(res.headers['content-type'] ?? '');
  return {
    status: res.statusCode, type, text: res.body, headers: res.headers,
    json: type.startsWith('application/json') ? JSON.parse(res.body) : undefined,
    xml: type.startsWith('text/xml') ? xmlParser.parse(res.body) : undefined,
  };
}

/** A valid form for 西关社区's key, with overrides (`undefined` drops a field). */
export function form(over: Record<string, string | undefined> = {}): Record<string, string> {
  const base: Record<string, string | undefined> = {
    api_key: 'dev-xiguan', service_code: 'utilities', lat: String(LAT), long: String(LNG), address_string: '江景花园3号楼',
    description: DESCRIPTION, last_name: '李', first_name: '大爷', phone: PHONE, email: EMAIL, ...over,
  };
  return Object.fromEntries(Object.entries(base).filter(([, v]) => v !== undefined)) as Record<string, string>;
}

/** The error list of an answer, in either format, as JSON would give it. */
function errorsOf(res: Answer): Array<{ code: number; description: string }> {
  if (res.json) return res.json;
  return res.xml.errors.error.map((e: { code: string; description: string }) => ({ code: Number(e.code), description: e.description }));
}

export function expectErrorList(res: Answer, status: number, format: 'json' | 'xml') {
  expect({ status: res.status, type: res.type }).toEqual({
    status, type: format === 'json' ? 'application/json; charset=utf-8' : 'text/xml; charset=utf-8',
  });
  if (format === 'xml') expect(res.text.startsWith('<?xml version="1.0" encoding="utf-8"?><errors><error>')).toBe(true);
  const list = errorsOf(res);
  expect(list).toEqual([{ code: status, description: expect.any(String) }]);
  expect(list[0].description.length).toBeGreaterThan(5);
  expect(res.text).not.toContain('"error":{');
}

/** The XML of a list of requests, as the JSON would be (XML carries text; null is empty). */
export function requestsFromXml(xml: Json): Array<Record<string, unknown>> {
  const items: Array<Record<string, string>> = xml.service_requests.request ?? [];
  return items.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === '' ? null : ['lat', 'long'].includes(k) ? Number(v) : v])));
}
