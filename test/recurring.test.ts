/**
 * 高频诉求 (recurring matters): whistles of a period grouped by place and category, duplicates
 * counted through their original's reports, merged ones not on their own, compared with the
 * period of the same length before; for the center and supervisors.
 */
import { shanghaiDay } from '../domain/shanghai-time';
import type { Json } from './support/json';
import { startStack, type Stack } from './support/stack';

let stack: Stack;

// id, community, street, compound, category, filed at (Asia/Shanghai), status, reports
const WHISTLES: Array<[string, string, string, string | null, string, string, string, number]> = [
  ['recur-a0', 'xiguan', 'wuhang', 'xiguan-jiangjing', 'environment', '2022-05-15T09:00:00+08:00', 'closed', 1],
  ['recur-a0b', 'xiguan', 'wuhang', null, 'environment', '2022-05-31T23:00:00+08:00', 'closed', 1],
  ['recur-old', 'xiguan', 'wuhang', null, 'environment', '2022-04-01T09:00:00+08:00', 'closed', 1],
  ['recur-a1', 'xiguan', 'wuhang', 'xiguan-jiangjing', 'environment', '2022-06-03T09:00:00+08:00', 'closed', 1],
  ['recur-a2', 'xiguan', 'wuhang', 'xiguan-jiangjing', 'environment', '2022-06-10T09:00:00+08:00', 'street_handling', 3],
  ['recur-a3', 'xiguan', 'wuhang', 'xiguan-jiangjing', 'environment', '2022-06-11T09:00:00+08:00', 'merged', 1],
  ['recur-a4', 'xiguan', 'wuhang', null, 'environment', '2022-06-11T10:00:00+08:00', 'merged', 1],
  ['recur-a5', 'xiguan', 'wuhang', null, 'environment', '2022-06-30T23:59:59+08:00', 'filed', 1],
  ['recur-late', 'xiguan', 'wuhang', null, 'environment', '2022-07-01T00:00:00+08:00', 'filed', 1],
  ['recur-b1', 'dongguan', 'wuhang', null, 'environment', '2022-06-05T09:00:00+08:00', 'closed', 1],
  ['recur-b2', 'dongguan', 'wuhang', 'dongguan-dongfang', 'environment', '2022-06-06T09:00:00+08:00', 'closed', 1],
  ['recur-c1', 'dongguan', 'wuhang', 'dongguan-dongfang', 'noise', '2022-06-01T00:00:00+08:00', 'closed', 1],
  ['recur-c2', 'dongguan', 'wuhang', 'dongguan-dongfang', 'noise', '2022-06-12T09:00:00+08:00', 'withdrawn', 1],
  ['recur-c3', 'dongguan', 'wuhang', 'dongguan-dongfang', 'noise', '2022-06-13T09:00:00+08:00', 'dispatched', 1],
];

const JUNE = 'from=2022-06-01&to=2022-06-30';
const get = (as: string, query: string) => stack.call(as, 'GET', `/v1/insights/recurring?${query}`);

beforeAll(async () => {
  stack = await startStack({ noWorker: true });
  for (const [id, community, street, compound, category, at, status, reports] of WHISTLES) {
    await stack.pool.query(
      `INSERT INTO whistles (id, version, status, category, filer_org_id, community_id, street_id, filed_at, reports, view)
       VALUES ($1, 1, $2, $3, $4, $4, $5, $6, $7, $8)`,
      [id, status, category, community, street, at, reports, JSON.stringify({ location: { communityId: community, ...(compound ? { compoundId: compound } : {}) } })]);
  }
});
afterAll(async () => {
  await stack?.pool.query("DELETE FROM whistles WHERE id LIKE 'recur-%'");
  await stack?.stop();
});

describe('recurring matters of a period', () => {
  test('by community: reports counted, merged whistles left out, the period before compared, most first', async () => {
    const res = await get('center', JUNE);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ from: '2022-06-01', to: '2022-06-30', previous: { from: '2022-05-02', to: '2022-05-31' }, level: 'community' });
    expect(res.body.items).toEqual([
      {
        placeId: 'xiguan', placeName: '西关社区', level: 'community', category: 'environment', categoryName: '环境卫生',
        count: 5, previousCount: 2, whistleIds: ['recur-a1', 'recur-a2', 'recur-a5'],
        firstAt: new Date('2022-06-03T09:00:00+08:00').toISOString(), lastAt: new Date('2022-06-30T23:59:59+08:00').toISOString(),
      },
      {
        placeId: 'dongguan', placeName: '东关社区', level: 'community', category: 'noise', categoryName: '噪音扰民',
        count: 3, previousCount: 0, whistleIds: ['recur-c1', 'recur-c2', 'recur-c3'],
        firstAt: new Date('2022-06-01T00:00:00+08:00').toISOString(), lastAt: new Date('2022-06-13T09:00:00+08:00').toISOString(),
      },
    ]);
  });

  test('by compound: whistles without a compound are left out; by street: the communities add up', async () => {
    const compound = (await get('supervision', `${JUNE}&level=compound&minCount=1`)).body.items;
    expect(compound.map((i: Json) => [i.placeId, i.placeName, i.category, i.count])).toEqual([
      ['xiguan-jiangjing', '江景花园小区', 'environment', 4],
      ['dongguan-dongfang', '东方花园小区', 'noise', 3],
      ['dongguan-dongfang', '东方花园小区', 'environment', 1],
    ]);
    const street = (await get('center', `${JUNE}&level=street`)).body.items;
    expect(street.map((i: Json) => [i.placeId, i.placeName, i.category, i.count, i.previousCount])).toEqual([
      ['wuhang', '吴航街道', 'environment', 7, 2],
      ['wuhang', '吴航街道', 'noise', 3, 0],
    ]);
  });

  test('minCount and category narrow the list', async () => {
    const two = (await get('center', `${JUNE}&minCount=2`)).body.items;
    expect(two.map((i: Json) => [i.placeId, i.category, i.count])).toEqual([
      ['xiguan', 'environment', 5], ['dongguan', 'noise', 3], ['dongguan', 'environment', 2],
    ]);
    const noise = (await get('center', `${JUNE}&category=noise&minCount=1`)).body.items;
    expect(noise.map((i: Json) => i.placeId)).toEqual(['dongguan']);
  });

  test('without dates it is the last 30 days, today included (Asia/Shanghai); one date gives a 30-day period', async () => {
    const res = await get('center', '');
    expect(res.status).toBe(200);
    const today = shanghaiDay(new Date());
    expect(res.body.to).toBe(today);
    expect(res.body.from).toBe(new Date(Date.parse(`${today}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10));
    expect((await get('center', 'from=2022-06-01')).body).toMatchObject({ from: '2022-06-01', to: '2022-06-30' });
    expect((await get('center', 'to=2022-06-30')).body).toMatchObject({ from: '2022-06-01', to: '2022-06-30' });
  });
});

describe('who may ask, and bad input', () => {
  test('only the center and supervisors (403 for everyone else, 401 without a key)', async () => {
    for (const as of ['wuhang', 'xiguan', 'urban', 'xiguan-member-1', 'xiguan-resident-1']) {
      expect([as, (await get(as, JUNE)).status]).toEqual([as, 403]);
    }
    expect((await stack.call(null, 'GET', `/v1/insights/recurring?${JUNE}`)).status).toBe(401);
  });

  test.each([
    ['from after to', 'from=2022-07-01&to=2022-06-30'],
    ['more than 366 days apart', 'from=2021-06-01&to=2022-06-03'],
    ['a date that does not exist', 'from=2022-02-30'],
    ['not a date', 'to=yesterday'],
    ['an unknown level', 'level=grid'],
    ['an unknown category', 'category=weather'],
    ['minCount 0', 'minCount=0'],
    ['an unknown parameter', 'place=xiguan'],
  ])('%s is 400 with messageZh', async (_what, query) => {
    const res = await get('center', query);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'validation_failed', messageZh: expect.any(String) });
  });

  test('366 days apart is allowed', async () => {
    expect((await get('center', 'from=2021-06-01&to=2022-06-02')).status).toBe(200);
  });
});
