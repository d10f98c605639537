/**
 * Open311 for the clients that exist (FixMyStreet's Open311 sender among them), unchanged: form
 * fields it does not know are ignored, the key may come in the query string, the description is
 * optional, phones as people write them, `media_url` kept and shown only with the filing
 * community's key; empty and unknown query parameters, dates with or without seconds; 404 for an
 * unknown service; `updated_datetime`; public answers without free text or street address; the
 * discovery document's url from PUBLIC_BASE_URL.
 */
import { CATEGORIES } from '../lib/categories';
import { quietPolicy, startStack, type Stack } from './support/stack';
import { must } from './support/whistles';
import { type Answer, call as callOn, EMAIL, expectErrorList, LAT, LNG, requestsFromXml } from './support/open311';

let stack: Stack;

const call = (method: 'GET' | 'POST', url: string, body?: Record<string, string> | string, headers: Record<string, string> = {},
  on: Stack = stack): Promise<Answer> => callOn(on, method, url, body, headers);

beforeAll(async () => {
  stack = await startStack({ policy: quietPolicy() });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe('existing clients (FixMyStreet\'s Open311 sender) work unchanged', () => {
  const FMS_PHONE = '+86 (591) 2233-4455 转 12';
  const MEDIA = 'https://fms.example.org/photo/8812.full.jpeg?x=1';
  const ADDRESS = '江景花园5号楼东侧路口';

  /** FixMyStreet's form: the key in the query string, attribute[…] and its own fields, no description. */
  function fmsForm(over: Record<string, string | undefined> = {}): string {
    const fields: Record<string, string | undefined> = {
      service_code: 'roads', lat: String(LAT), long: String(LNG), address_string: ADDRESS, first_name: '大爷', last_name: '李',
      email: EMAIL, phone: FMS_PHONE, media_url: MEDIA, jurisdiction_id: 'changle', device_id: '', account_id: 'fms-4711',
      'attribute[easting]': '523187', 'attribute[northing]': '961349', 'attribute[fixmystreet_id]': '8812', 'attribute[prominence]': '',
      'attribute[closest_address]': '江景花园5号楼', ...over,
    };
    return new URLSearchParams(Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined)).toString();
  }
  const post = async (body: string, query = 'api_key=dev-xiguan', format = 'json') =>
    call('POST', `/open311/v2/requests.${format}?${query}`, body);

  test('a form post with attribute[…] fields, device_id and account_id, the key in the query string and no description files a whistle', async () => {
    const res = await post(fmsForm());
    expect({ status: res.status, body: res.json }).toEqual({ status: 201, body: [{ service_request_id: expect.stringMatching(/^[0-9a-f]{16}$/) }] });
    const id = res.json[0].service_request_id;
    const view = (await stack.call('xiguan', 'GET', `/v1/whistles/${id}`)).body;
    // Title and description: the service's name with the address.
    expect(view).toMatchObject({
      id, category: 'roads', status: 'filed', communityId: 'xiguan',
      description: `道路交通：${ADDRESS}`, location: { communityId: 'xiguan', lat: LAT, lng: LNG, address: ADDRESS },
    });
    expect(view.description).toContain(CATEGORIES.find((c) => c.id === 'roads')!.name);
    expect(view.title).toBe(Array.from(view.description as string).slice(0, 30).join(''));
    // The phone as written, with its extension; the media_url kept as given.
    const reporter = await stack.pool.query('SELECT name, phone FROM whistle_reporters WHERE whistle_id = $1', [id]);
    expect(reporter.rows).toEqual([{ name: '李大爷', phone: FMS_PHONE }]);
    const row = await stack.pool.query('SELECT media_url FROM whistles WHERE id = $1', [id]);
    expect(row.rows).toEqual([{ media_url: MEDIA }]);
    // The same in XML, with the key in the form.
    const xml = await call('POST', '/open311/v2/requests.xml', `${fmsForm({ address_string: undefined, media_url: undefined })}&api_key=dev-xiguan`);
    expect(xml.status).toBe(201);
    const xmlId = xml.xml.service_requests.request[0].service_request_id;
    expect((await stack.call('xiguan', 'GET', `/v1/whistles/${xmlId}`)).body).toMatchObject({ title: '道路交通', description: '道路交通' });
    // Publicly the title never carries the street address: the service's name is what is left.
    const pub = await call('GET', `/open311/v2/requests/${id}.json`);
    expect(pub.json[0]).toMatchObject({ description: '道路交通', address: '西关社区' });
    expect(pub.text).not.toContain(ADDRESS);
    const long = `${'江景花园'.repeat(8)}东门`;
    const cut = (await post(fmsForm({ address_string: long, media_url: undefined }))).json[0].service_request_id;
    expect((await stack.call('xiguan', 'GET', `/v1/whistles/${cut}`)).body.title).toBe(Array.from(`道路交通：${long}`).slice(0, 30).join(''));
    const cutPub = await call('GET', `/open311/v2/requests/${cut}.json`);
    expect(cutPub.json[0].description).toBe('道路交通');
    // A keyed answer shows what was filed.
    expect((await call('GET', `/open311/v2/requests/${id}.json?api_key=dev-xiguan`)).json[0]).toMatchObject({ description: `道路交通：${ADDRESS}`, address: ADDRESS });
  });

  test('phones as people write them: spaces, + - ( ) ., an extension after 转 or ext, up to 30 characters', async () => {
    for (const phone of ['0591-2233 4455', '+86.591.2233.4455', '(0591) 22334455 ext 8', '0591-22334455ext.8', '1'.repeat(30)]) {
      const res = await post(fmsForm({ phone, media_url: undefined, address_string: `${ADDRESS}${phone}` }));
      expect({ phone, status: res.status }).toEqual({ phone, status: 201 });
    }
    for (const phone of ['1'.repeat(31), '请打 0591-2233', '0591 转']) {
      const res = await post(fmsForm({ phone }));
      expect({ phone, status: res.status }).toEqual({ phone, status: 400 });
      expectErrorList(res, 400, 'json');
    }
  });

  test('an unknown service_code is 404 on POST too, with the key in the query string; a bad key there is 403', async () => {
    expectErrorList(await post(fmsForm({ service_code: 'potholes' })), 404, 'json');
    expectErrorList(await post(fmsForm({ service_code: 'potholes' }), 'api_key=dev-xiguan', 'xml'), 404, 'xml');
    expectErrorList(await post(fmsForm(), 'api_key=not-a-key'), 403, 'json');
    expectErrorList(await post(fmsForm(), 'api_key=dev-wuhang'), 403, 'json');
    expectErrorList(await post(fmsForm(), 'api_key='), 403, 'json');
  });

  test('public answers: the title and the community\'s name (with the compound\'s); the filing community\'s key shows what was filed and the media_url', async () => {
    const res = await post(fmsForm({ description: '东侧路口井盖缺失，夜间行人容易踩空，已经有老人摔倒，请尽快补上井盖并设置警示' }));
    const id = res.json[0].service_request_id;
    const view = (await stack.call('xiguan', 'GET', `/v1/whistles/${id}`)).body;
    const pub = await call('GET', `/open311/v2/requests/${id}.json`);
    expect(pub.json[0]).toMatchObject({ description: view.title, address: '西关社区', status_notes: null });
    expect(pub.json[0]).not.toHaveProperty('media_url');
    expect(pub.headers?.['cache-control']).toBe('public, max-age=60');
    for (const secret of [ADDRESS, MEDIA, view.description, FMS_PHONE, '李大爷']) expect(pub.text).not.toContain(secret);

    const keyed = await call('GET', `/open311/v2/requests/${id}.json?api_key=dev-xiguan`);
    expect(keyed.json[0]).toMatchObject({ description: view.description, address: ADDRESS, media_url: MEDIA });
    expect(keyed.text).not.toContain(FMS_PHONE);
    // What only that community may read is kept by no shared cache.
    expect(keyed.headers?.['cache-control']).toBe('private, no-store');
    const keyedList = await call('GET', `/open311/v2/requests.json?service_request_id=${id}&api_key=dev-xiguan`);
    expect(keyedList.json).toEqual(keyed.json);
    const keyedXml = await call('GET', `/open311/v2/requests/${id}.xml?api_key=dev-xiguan`);
    expect(requestsFromXml(keyedXml.xml)).toEqual(keyed.json);
    // Another community's key reads the public answer; a key that is not valid, or not a community's, is 403.
    expect((await call('GET', `/open311/v2/requests/${id}.json?api_key=dev-dongguan`)).json).toEqual(pub.json);
    expectErrorList(await call('GET', `/open311/v2/requests/${id}.json?api_key=not-a-key`), 403, 'json');
    expectErrorList(await call('GET', `/open311/v2/requests.xml?api_key=dev-center`), 403, 'xml');

    // Resolved: still the title and the community's name publicly; the result as status_notes.
    await must(stack, 'wuhang', id, 'accept');
    await must(stack, 'wuhang', id, 'resolve', { result: '已补装井盖并设置警示牌', outcome: 'solved' });
    const resolved = await call('GET', `/open311/v2/requests/${id}.json`);
    expect(resolved.json[0]).toMatchObject({ status: 'closed', description: view.title, address: '西关社区', status_notes: '已补装井盖并设置警示牌' });

    // A compound's filing: the community's name with the compound's.
    const compound = (await call('POST', '/open311/v2/requests.json?api_key=dev-xiguan-jiangjing', fmsForm())).json[0].service_request_id;
    const { rows } = await stack.pool.query("SELECT name FROM orgs WHERE id = 'xiguan-jiangjing'");
    const withCompound = await call('GET', `/open311/v2/requests/${compound}.json`);
    expect(withCompound.json[0].address).toContain('西关社区');
    expect(withCompound.json[0].address).toContain(rows[0].name);
    expect(withCompound.text).not.toContain(ADDRESS);
    // Its own key, and its community's, read it as filed.
    expect((await call('GET', `/open311/v2/requests/${compound}.json?api_key=dev-xiguan-jiangjing`)).json[0]).toMatchObject({ address: ADDRESS, media_url: MEDIA });
  });

  test('updated_datetime is the latest change of status or holder, not of a progress note', async () => {
    const id = (await post(fmsForm({ description: '更新时间：路灯杆倾斜' }))).json[0].service_request_id;
    const at = async () => (await call('GET', `/open311/v2/requests/${id}.json`)).json[0].updated_datetime as string;
    const second = (iso: string) => Math.floor(new Date(iso).getTime() / 1000) * 1000;
    const filed = await at();
    expect(filed).toBe((await call('GET', `/open311/v2/requests/${id}.json`)).json[0].requested_datetime);
    const accepted = await must(stack, 'wuhang', id, 'accept');
    const acceptedAt = accepted.timeline.find((e: { type: string }) => e.type === 'accepted').at;
    expect(new Date(await at()).getTime()).toBe(second(acceptedAt));
    const progressed = await must(stack, 'wuhang', id, 'progress', { note: '已联系路灯所' });
    expect(progressed.timeline.at(-1).type).toBe('progress');
    expect(new Date(await at()).getTime()).toBe(second(acceptedAt));
  });

  test('query parameters: an empty one is absent, unknown ones are ignored, dates with or without seconds', async () => {
    const idsOf = (res: Answer) => res.json.map((r: { service_request_id: string }) => r.service_request_id);
    const id = (await post(fmsForm({ description: '查询参数：路面积水' }))).json[0].service_request_id;
    const plain = await call('GET', '/open311/v2/requests.json?service_code=roads');
    expect(idsOf(plain)).toContain(id);
    const noisy = await call('GET', '/open311/v2/requests.json?service_code=roads&status=&start_date=&end_date=&service_request_id=&page=2&page_size=10&jurisdiction_id=changle&api_key=');
    expect(noisy.status).toBe(200);
    expect(idsOf(noisy)).toEqual(idsOf(plain));
    const byIdNoisy = await call('GET', `/open311/v2/requests/${id}.xml?page=1&api_key=&jurisdiction_id=`);
    expect(byIdNoisy.status).toBe(200);

    // W3C date-times to the minute (no seconds), with an offset or Z; an unencoded + arrives as a space and counts as +.
    const minute = (ms: number, zone: '+08:00' | 'Z') => {
      const d = new Date(ms + (zone === 'Z' ? 0 : 8 * 3_600_000)).toISOString().slice(0, 16);
      return `${d}${zone}`;
    };
    const filedAt = new Date((await call('GET', `/open311/v2/requests/${id}.json`)).json[0].requested_datetime).getTime();
    const around = `start_date=${encodeURIComponent(minute(filedAt - 60_000, '+08:00'))}&end_date=${encodeURIComponent(minute(filedAt + 120_000, 'Z'))}`;
    const inRange = await call('GET', `/open311/v2/requests.json?service_code=roads&${around}`);
    expect(inRange.status).toBe(200);
    expect(idsOf(inRange)).toContain(id);
    const unencoded = `start_date=${minute(filedAt - 60_000, '+08:00')}&end_date=${minute(filedAt + 120_000, '+08:00')}`;
    expect(idsOf(await call('GET', `/open311/v2/requests.json?service_code=roads&${unencoded}`))).toContain(id);
    const withFraction = `start_date=${encodeURIComponent(new Date(filedAt - 1000).toISOString())}&end_date=${encodeURIComponent(new Date(filedAt + 60_000).toISOString())}`;
    expect(idsOf(await call('GET', `/open311/v2/requests.json?service_code=roads&${withFraction}`))).toContain(id);
    const before = await call('GET', `/open311/v2/requests.json?service_code=roads&start_date=2020-01-01T00:00%2B08:00&end_date=2020-12-31T23:59%2B08:00`);
    expect(before.json).toEqual([]);
  });

  test('the discovery document\'s url comes from PUBLIC_BASE_URL, never from the request\'s Host', async () => {
    const url = `${stack.config.publicBaseUrl}/open311/v2`;
    expect(stack.config.publicBaseUrl).toBe(`http://${stack.config.host}:${stack.config.port}`);
    const forged = await call('GET', '/open311/v2/discovery.json', undefined, { host: 'evil.example', 'x-forwarded-host': 'evil.example' });
    expect(forged.json.endpoints[0].url).toBe(url);
    expect(forged.text).not.toContain('evil.example');
    const configured = await startStack({ noWorker: true, env: { PUBLIC_BASE_URL: 'https://whistle.changle.gov.cn/' } });
    try {
      const json = await call('GET', '/open311/v2/discovery.json', undefined, { host: 'evil.example' }, configured);
      expect(json.json.endpoints[0].url).toBe('https://whistle.changle.gov.cn/open311/v2');
      const xml = await call('GET', '/open311/v2/discovery.xml', undefined, {}, configured);
      expect(xml.xml.discovery.endpoints.endpoint[0].url).toBe('https://whistle.changle.gov.cn/open311/v2');
    } finally {
      await configured.stop();
    }
  });
});
