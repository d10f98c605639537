/**
 * Open311 GeoReport v2 under /open311/v2/: every endpoint in JSON and XML, the specification's
 * error list for every kind of error, filing a whistle with a community's api_key as
 * POST /v1/whistles would (idempotent for a minute), a request carried to closure through the
 * /v1 API and read back as `closed` with its status notes, and no reporter data in any public answer.
 */
import { CATEGORIES } from '../lib/categories';
import { eventually, quietPolicy, startStack, type Stack } from './support/stack';
import { must } from './support/whistles';
import {
  type Answer, call as callOn, DESCRIPTION, EMAIL, expectErrorList, form, LAT, LNG, PHONE, requestsFromXml,
} from './support/open311';

let stack: Stack;

const call = (method: 'GET' | 'POST', url: string, body?: Record<string, string> | string, headers: Record<string, string> = {},
  on: Stack = stack): Promise<Answer> => callOn(on, method, url, body, headers);

/** Files through Open311 and returns the whistle id. */
async function submit(over: Record<string, string | undefined> = {}, format = 'json'): Promise<string> {
  const res = await call('POST', `/open311/v2/requests.${format}`, form(over));
  if (res.status !== 201) throw new Error(`POST requests.${format}: ${res.status} ${res.text}`);
  return format === 'json' ? res.json[0].service_request_id : res.xml.service_requests.request[0].service_request_id;
}

beforeAll(async () => {
  stack = await startStack({ policy: quietPolicy() });
}, 60_000);

afterAll(async () => {
  await stack?.pool.query("DELETE FROM whistles WHERE id LIKE 'o311-%'");
  await stack?.stop();
});

describe('discovery and services', () => {
  test('discovery.json and discovery.xml name the GeoReport v2 endpoint and both formats', async () => {
    const json = await call('GET', '/open311/v2/discovery.json');
    expect(json.status).toBe(200);
    expect(json.json).toMatchObject({ changeset: expect.any(String), contact: expect.any(String), key_service: expect.any(String) });
    expect(json.json.endpoints).toEqual([{
      specification: 'http://wiki.open311.org/GeoReport_v2', url: expect.stringMatching(/\/open311\/v2$/),
      changeset: expect.any(String), type: 'test', formats: ['application/json', 'text/xml'],
    }]);
    const xml = await call('GET', '/open311/v2/discovery.xml');
    expect(xml.type).toBe('text/xml; charset=utf-8');
    expect(xml.xml.discovery.endpoints.endpoint[0]).toEqual({ ...json.json.endpoints[0], formats: { format: ['application/json', 'text/xml'] } });
  });

  test('services list one realtime service per category, with its Chinese name, keywords and group, in JSON and XML', async () => {
    const json = await call('GET', '/open311/v2/services.json');
    expect(json.status).toBe(200);
    expect(json.json.map((s: { service_code: string }) => s.service_code)).toEqual(CATEGORIES.map((c) => c.id));
    for (const [i, s] of json.json.entries()) {
      expect(s).toEqual({
        service_code: CATEGORIES[i].id, service_name: CATEGORIES[i].name, description: expect.any(String),
        metadata: false, type: 'realtime', keywords: expect.any(String), group: expect.any(String),
      });
    }
    const xml = await call('GET', '/open311/v2/services.xml');
    expect(xml.status).toBe(200);
    expect(xml.xml.services.service).toEqual(json.json.map((s: Record<string, unknown>) => ({ ...s, metadata: 'false' })));
  });

  test('a service definition has no attributes; an unknown service_code is 404 in the specification\'s error list', async () => {
    const json = await call('GET', '/open311/v2/services/utilities.json');
    expect({ status: json.status, body: json.json }).toEqual({ status: 200, body: { service_code: 'utilities', attributes: [] } });
    const xml = await call('GET', '/open311/v2/services/utilities.xml');
    expect(xml.status).toBe(200);
    expect(xml.xml).toEqual({ '?xml': expect.anything(), service_definition: { service_code: 'utilities', attributes: '' } });
    expectErrorList(await call('GET', '/open311/v2/services/potholes.json'), 404, 'json');
    expectErrorList(await call('GET', '/open311/v2/services/potholes.xml'), 404, 'xml');
  });
});

describe('POST requests: filing a whistle with a community\'s api_key', () => {
  test('files a whistle for that community as POST /v1/whistles would, titled from the first 30 characters: 201 [{ service_request_id }]', async () => {
    const res = await call('POST', '/open311/v2/requests.json', form());
    expect(res.status).toBe(201);
    expect(res.json).toEqual([{ service_request_id: expect.stringMatching(/^[0-9a-f]{16}$/) }]);
    const id = res.json[0].service_request_id;
    const view = (await stack.call('xiguan', 'GET', `/v1/whistles/${id}`)).body;
    expect(view).toMatchObject({
      id, title: Array.from(DESCRIPTION).slice(0, 30).join(''), description: DESCRIPTION, category: 'utilities', urgent: false,
      status: 'filed', communityId: 'xiguan', streetId: 'wuhang',
      location: { communityId: 'xiguan', lat: LAT, lng: LNG, address: '江景花园3号楼' },
    });
    expect(view.title).toHaveLength(30);
    // The name (last_name + first_name) and the phone are kept for the feedback; the email is not kept anywhere.
    const reporter = await stack.pool.query('SELECT name, phone FROM whistle_reporters WHERE whistle_id = $1', [id]);
    expect(reporter.rows).toEqual([{ name: '李大爷', phone: PHONE }]);
    const row = await stack.pool.query('SELECT row_to_json(w)::text AS row FROM whistles w WHERE id = $1', [id]);
    expect(row.rows[0].row).not.toContain(EMAIL);
    expect(JSON.stringify(view)).not.toContain(EMAIL);
  });

  test('POST requests.xml answers 201 with the specification\'s XML', async () => {
    const res = await call('POST', '/open311/v2/requests.xml', form({ description: 'XML客户端：小区路灯不亮已经三天' }));
    expect(res.status).toBe(201);
    expect(res.type).toBe('text/xml; charset=utf-8');
    expect(res.text).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?><service_requests><request><service_request_id>[0-9a-f]{16}<\/service_request_id><\/request><\/service_requests>$/);
  });

  test('lat/long win over address_string for the place; address_string alone is a place too; a compound\'s key files for its compound', async () => {
    const onlyAddress = await submit({ lat: undefined, long: undefined, description: '只有地址：吴航新村门口井盖缺失' });
    const a = (await stack.call('xiguan', 'GET', `/v1/whistles/${onlyAddress}`)).body;
    expect(a.location).toEqual({ communityId: 'xiguan', address: '江景花园3号楼' });
    const compound = await submit({ api_key: 'dev-xiguan-jiangjing', description: '小区账号：江景花园垃圾清运不及时' });
    const c = (await stack.call('xiguan-jiangjing', 'GET', `/v1/whistles/${compound}`)).body;
    expect(c.location).toMatchObject({ communityId: 'xiguan', compoundId: 'xiguan-jiangjing', lat: LAT, lng: LNG });
  });

  test('the reporter\'s name is kept only with a phone; empty fields count as absent', async () => {
    const id = await submit({ phone: undefined, email: '', description: '没有电话的反映：楼道灯坏了' });
    expect((await stack.pool.query('SELECT 1 FROM whistle_reporters WHERE whistle_id = $1', [id])).rowCount).toBe(0);
    const row = await eventually(async () => (await stack.pool.query('SELECT reporter_name FROM whistles WHERE id = $1', [id])).rows[0]);
    expect(row).toEqual({ reporter_name: null });
  });

  test('a retried POST with the same api_key and content within a minute gives the same service_request_id; other content another', async () => {
    const first = await submit({ description: '重试：东门路面塌陷' });
    const again = await submit({ description: '重试：东门路面塌陷' });
    expect(again).toBe(first);
    const other = await submit({ description: '重试：西门路面塌陷' });
    expect(other).not.toBe(first);
    // Across a minute's boundary: 59 s later is still the same request; another account's is its own.
    const t = Math.floor(Date.now() / 60_000) * 60_000 + 50_000;
    const f = { ...form({ description: '跨分钟重试：路灯不亮' }) } as never;
    const before = await stack.app.services.open311.submit(f, t);
    const after = await stack.app.services.open311.submit(f, t + 59_000);
    expect(after).toEqual(before);
    const dongguan = await submit({ api_key: 'dev-dongguan', description: '重试：东门路面塌陷' });
    expect(dongguan).not.toBe(first);
  });

  describe('errors are the specification\'s list, in the requested format', () => {
    for (const format of ['json', 'xml'] as const) {
      test(`403 for a missing, unknown or non-community api_key (${format})`, async () => {
        expectErrorList(await call('POST', `/open311/v2/requests.${format}`, form({ api_key: undefined })), 403, format);
        expectErrorList(await call('POST', `/open311/v2/requests.${format}`, form({ api_key: 'not-a-key' })), 403, format);
        expectErrorList(await call('POST', `/open311/v2/requests.${format}`, form({ api_key: 'dev-wuhang' })), 403, format);
        expectErrorList(await call('POST', `/open311/v2/requests.${format}`, form({ api_key: 'dev-center' })), 403, format);
      });

      test(`400 for bad input: no place, half a coordinate, out of range, bad phone, bad media_url; 404 for an unknown service_code (${format})`, async () => {
        const cases: Array<Record<string, string | undefined>> = [
          { lat: undefined, long: undefined, address_string: undefined },
          { long: undefined },
          { lat: '91', long: '119.5' },
          { lat: 'north' },
          { phone: 'call me' },
          { phone: '1'.repeat(31) },
          { phone: '+86 591 转 转 12' },
          { description: 'x'.repeat(5001) },
          { media_url: 'ftp://example.com/x.jpg' },
          { media_url: `https://example.com/${'x'.repeat(1990)}` },
        ];
        for (const c of cases) {
          const res = await call('POST', `/open311/v2/requests.${format}`, form(c));
          expect({ case: c, status: res.status }).toEqual({ case: c, status: 400 });
          expectErrorList(res, 400, format);
        }
        const before = await stack.pool.query("SELECT count(*)::int AS n FROM whistles WHERE view->>'title' LIKE 'x%'");
        expect(before.rows[0].n).toBe(0);
        const unknown = await call('POST', `/open311/v2/requests.${format}`, form({ service_code: 'potholes' }));
        expectErrorList(unknown, 404, format);
      });

      test(`413 for a body above the limit (${format})`, async () => {
        const res = await call('POST', `/open311/v2/requests.${format}`, form({ description: '长'.repeat(30_000) }));
        expectErrorList(res, 413, format);
      });

      test(`404 for an unknown request and an unknown route under /open311 (${format})`, async () => {
        expectErrorList(await call('GET', `/open311/v2/requests/0000000000000000.${format}`), 404, format);
        expectErrorList(await call('GET', `/open311/v2/tokens/abc.${format}`), 404, format);
      });

      test(`400 for a URL the router refuses: bad percent-encoding, a path parameter too long (${format})`, async () => {
        expectErrorList(await call('GET', `/open311/v2/services/%zz.${format}`), 400, format);
        expectErrorList(await call('GET', `/open311/v2/requests/${'a'.repeat(120)}.${format}`), 400, format);
      });

      test(`400 for bad filters of GET requests: status, dates, service_code, ids (${format})`, async () => {
        for (const q of ['status=pending', 'start_date=yesterday', 'end_date=2026-11-01', 'end_date=2026-11-01T09%2B08:00',
          'end_date=2026-02-30T09:00%2B08:00', 'end_date=2026-11-01T09:00', 'service_code=potholes', 'service_request_id=a%20b',
          'start_date=2026-11-02T00:00:00%2B08:00&end_date=2026-11-01T00:00:00%2B08:00']) {
          const res = await call('GET', `/open311/v2/requests.${format}?${q}`);
          expect({ q, status: res.status }).toEqual({ q, status: 400 });
          expectErrorList(res, 400, format);
        }
      });
    }

    test('the /v1 API keeps its own error shape and stays JSON-only', async () => {
      const missing = await stack.call(null, 'GET', '/v1/nothing-here');
      expect(missing.body).toEqual({ error: { code: 'not_found', message: expect.any(String), messageZh: expect.stringMatching(/[\u4e00-\u9fff]/) } });
      const badUrl = await stack.call(null, 'GET', '/v1/communities/%zz/board');
      expect(badUrl.body).toEqual({ error: { code: 'validation_failed', message: expect.any(String), messageZh: expect.stringMatching(/[\u4e00-\u9fff]/) } });
      const formBody = await call('POST', '/v1/whistles', form(), { authorization: 'Bearer dev-xiguan' });
      expect(formBody.status).toBe(400);
      expect(formBody.json).toEqual({ error: { code: 'validation_failed', message: expect.stringContaining('JSON'), messageZh: expect.stringMatching(/[\u4e00-\u9fff]/) } });
    });
  });
});

describe('GET requests: public, no personal data', () => {
  test('an open request: status open, the title as description, the community\'s name as address, coordinates rounded, its holder and deadline', async () => {
    const own = '公开读取：江景花园消防通道被占用，楼道堆满杂物，居民出行和消防车通行都受到影响';
    const title = Array.from(own).slice(0, 30).join('');
    const id = await submit({ description: own });
    const view = (await stack.call('xiguan', 'GET', `/v1/whistles/${id}`)).body;
    const json = await call('GET', `/open311/v2/requests/${id}.json`);
    expect(json.status).toBe(200);
    expect(json.json).toEqual([{
      service_request_id: id, status: 'open', status_notes: null, service_name: '水电燃气', service_code: 'utilities',
      description: title, agency_responsible: '吴航街道',
      requested_datetime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/),
      updated_datetime: expect.stringMatching(/\+08:00$/), expected_datetime: expect.stringMatching(/\+08:00$/),
      address: '西关社区', lat: 25.961, long: 119.523,
    }]);
    expect(new Date(json.json[0].requested_datetime).getTime()).toBe(Math.floor(new Date(view.filedAt).getTime() / 1000) * 1000);
    expect(new Date(json.json[0].expected_datetime).getTime()).toBe(Math.floor(new Date(view.dueAt).getTime() / 1000) * 1000);
    const xml = await call('GET', `/open311/v2/requests/${id}.xml`);
    expect(requestsFromXml(xml.xml)).toEqual(json.json);
    for (const text of [json.text, xml.text]) {
      for (const secret of ['李大爷', PHONE, EMAIL, '江景花园3号楼', own, String(LAT), String(LNG)]) expect(text).not.toContain(secret);
    }
  });

  test('a request filed through Open311 and carried to closure through /v1 reads back closed with its status notes', async () => {
    const id = await submit({ description: '闭环：江景花园3号楼下水道堵塞' });
    await must(stack, 'wuhang', id, 'accept');
    await must(stack, 'wuhang', id, 'resolve', { result: '已疏通下水道并更换破损管道', outcome: 'solved' });
    // Closed from resolved on.
    const resolved = await call('GET', `/open311/v2/requests/${id}.json`);
    expect(resolved.json[0]).toMatchObject({ status: 'closed', status_notes: '已疏通下水道并更换破损管道', agency_responsible: '吴航街道' });
    const closedView = await must(stack, 'xiguan', id, 'evaluate', { rating: 'satisfied', comment: '李大爷说谢谢' });
    expect(closedView.status).toBe('closed');
    const json = await call('GET', `/open311/v2/requests/${id}.json`);
    // Public, whatever the status: the title and the community's name, never the street address.
    expect(json.json).toEqual([expect.objectContaining({
      service_request_id: id, status: 'closed', status_notes: '已疏通下水道并更换破损管道',
      description: '闭环：江景花园3号楼下水道堵塞', agency_responsible: '吴航街道', address: '西关社区', expected_datetime: null,
      lat: 25.961, long: 119.523,
    })]);
    expect(json.text).not.toContain('江景花园3号楼"');
    const xml = await call('GET', `/open311/v2/requests/${id}.xml`);
    expect(requestsFromXml(xml.xml)).toEqual(json.json);
    const listed = await call('GET', `/open311/v2/requests.json?service_request_id=${id}`);
    expect(listed.json).toEqual(json.json);
    for (const text of [json.text, xml.text, listed.text]) {
      for (const secret of ['李大爷', PHONE, EMAIL, '说谢谢']) expect(text).not.toContain(secret);
    }
    // The same whistle on the notice board: reporter masked.
    const board = (await stack.call(null, 'GET', '/v1/communities/xiguan/board?limit=100')).body;
    expect(board.items.find((i: { id: string }) => i.id === id)?.reporter).toEqual({ name: '李*' });
  });

  test('XML stays well-formed when a description holds characters XML cannot carry', async () => {
    const id = await submit({ description: '铃声\u0007与<标签>&符号：楼下商铺喇叭扰民' });
    await must(stack, 'wuhang', id, 'accept');
    await must(stack, 'wuhang', id, 'resolve', { result: '已劝导商铺<关闭>喇叭' });
    const xml = await call('GET', `/open311/v2/requests/${id}.xml`);
    expect(xml.text).not.toContain('\u0007');
    expect(requestsFromXml(xml.xml)[0]).toMatchObject({
      description: '铃声\ufffd与<标签>&符号：楼下商铺喇叭扰民', status_notes: '已劝导商铺<关闭>喇叭',
    });
  });

  test('lists filter by ids, service_code, status and dates, newest first; withdrawn and merged whistles are never listed', async () => {
    const roads = await submit({ service_code: 'roads', description: '筛选：路面坑洼' });
    const noise = await submit({ service_code: 'noise', description: '筛选：夜间施工' });
    const withdrawn = await submit({ service_code: 'roads', description: '筛选：已撤回' });
    await must(stack, 'xiguan', withdrawn, 'withdraw', { reason: '社区已自行解决' });
    await stack.pool.query(
      `INSERT INTO whistles (id, version, status, category, filer_org_id, community_id, street_id, filed_at, view)
       VALUES ('o311-merged', 1, 'merged', 'roads', 'xiguan', 'xiguan', 'wuhang', now(), '{"location": {"communityId": "xiguan"}}')`);

    const byIds = await call('GET', `/open311/v2/requests.json?service_request_id=${roads},${withdrawn},o311-merged,${noise}&service_code=other`);
    expect(byIds.json.map((r: { service_request_id: string }) => r.service_request_id)).toEqual([noise, roads]);

    const roadsOpen = await call('GET', '/open311/v2/requests.json?service_code=roads&status=open');
    const ids = roadsOpen.json.map((r: { service_request_id: string }) => r.service_request_id);
    expect(ids).toContain(roads);
    expect(ids).not.toContain(noise);
    expect(ids).not.toContain(withdrawn);
    expect(ids).not.toContain('o311-merged');
    expect(roadsOpen.json.every((r: { status: string; service_code: string }) => r.status === 'open' && r.service_code === 'roads')).toBe(true);

    const closedOnly = await call('GET', '/open311/v2/requests.json?status=closed');
    expect(closedOnly.json.every((r: { status: string }) => r.status === 'closed')).toBe(true);
    expect(closedOnly.json.map((r: { service_request_id: string }) => r.service_request_id)).not.toContain(roads);
    const both = await call('GET', '/open311/v2/requests.json?status=open,closed&service_code=roads,noise');
    expect(both.json.map((r: { service_request_id: string }) => r.service_request_id)).toEqual(expect.arrayContaining([roads, noise]));

    const times = both.json.map((r: { requested_datetime: string }) => new Date(r.requested_datetime).getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    const past = await call('GET', '/open311/v2/requests.json?start_date=2020-01-01T00:00:00%2B08:00&end_date=2020-12-31T23:59:59%2B08:00');
    expect(past.json).toEqual([]);
    const xmlPast = await call('GET', '/open311/v2/requests.xml?start_date=2020-01-01T00:00:00Z&end_date=2020-02-01T00:00:00Z');
    expect(xmlPast.text).toBe('<?xml version="1.0" encoding="utf-8"?><service_requests></service_requests>');

    const xml = await call('GET', `/open311/v2/requests.xml?service_request_id=${roads},${noise}`);
    expect(requestsFromXml(xml.xml)).toEqual((await call('GET', `/open311/v2/requests.json?service_request_id=${roads},${noise}`)).json);

    expectErrorList(await call('GET', `/open311/v2/requests/${withdrawn}.json`), 404, 'json');
    expectErrorList(await call('GET', '/open311/v2/requests/o311-merged.xml'), 404, 'xml');
  });

  test('the last 90 days unless told, and at most 1000 requests in an answer', async () => {
    const idsOf = (res: Answer) => res.json.map((r: { service_request_id: string }) => r.service_request_id);
    const at = (daysAgo: number) => encodeURIComponent(new Date(Date.now() - daysAgo * 86_400_000).toISOString());
    await stack.pool.query(
      `INSERT INTO whistles (id, version, status, category, filer_org_id, community_id, street_id, filed_at, view)
       VALUES ('o311-old', 1, 'filed', 'other', 'xiguan', 'xiguan', 'wuhang', now() - interval '91 days', '{"location": {"communityId": "xiguan"}}')`);
    const recentOnly = await call('GET', '/open311/v2/requests.json?service_code=other');
    expect(idsOf(recentOnly)).not.toContain('o311-old');
    // Told only the end, the span is the 90 days before it; told both, exactly the range; told the ids, every date.
    expect(idsOf(await call('GET', `/open311/v2/requests.json?service_code=other&end_date=${at(2)}`))).toContain('o311-old');
    expect(idsOf(await call('GET', `/open311/v2/requests.json?service_code=other&start_date=${at(95)}&end_date=${at(89)}`))).toEqual(['o311-old']);
    expect(idsOf(await call('GET', '/open311/v2/requests.json?service_request_id=o311-old'))).toEqual(['o311-old']);

    await stack.pool.query(
      `INSERT INTO whistles (id, version, status, category, filer_org_id, community_id, street_id, filed_at, view)
       SELECT 'o311-bulk-' || g, 1, 'filed', 'other', 'xiguan', 'xiguan', 'wuhang', now() - g * interval '1 second',
              '{"location": {"communityId": "xiguan"}, "timeline": []}'
         FROM generate_series(1, 1001) g`);
    const all = await call('GET', '/open311/v2/requests.json?service_code=other');
    expect(all.json).toHaveLength(1000);
    expect((await call('GET', '/open311/v2/requests.xml?service_code=other')).xml.service_requests.request).toHaveLength(1000);
    await stack.pool.query("DELETE FROM whistles WHERE id LIKE 'o311-bulk-%' OR id = 'o311-old'");
  });
});

describe('errors of the deployment: rate limit and outage', () => {
  test('429 once the rate limit is reached, as the specification\'s list, in JSON and XML', async () => {
    const limited = await startStack({ noWorker: true, env: { RATE_LIMIT_PER_MINUTE: '2' } });
    try {
      for (let i = 0; i < 2; i++) expect((await call('GET', '/open311/v2/services.json', undefined, {}, limited)).status).toBe(200);
      expectErrorList(await call('GET', '/open311/v2/services.json', undefined, {}, limited), 429, 'json');
      expectErrorList(await call('GET', '/open311/v2/services.xml', undefined, {}, limited), 429, 'xml');
    } finally {
      await limited.stop();
    }
  });

  test('503 while PostgreSQL does not answer, as the specification\'s list', async () => {
    const down = await startStack({ noWorker: true, env: { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/whistle' } });
    try {
      expectErrorList(await call('GET', '/open311/v2/requests.json', undefined, {}, down), 503, 'json');
      expectErrorList(await call('GET', '/open311/v2/requests.xml', undefined, {}, down), 503, 'xml');
      expectErrorList(await call('POST', '/open311/v2/requests.xml', form(), {}, down), 503, 'xml');
    } finally {
      await down.stop();
    }
  });
});
