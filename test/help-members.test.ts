/**
 * Party members' records on the neighbour-help board (services done, no-shows, ratings), and
 * who may read them: the member, its community, the center.
 */
import { startStack, eventually, type Stack } from './support/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    policy: { help: { verifyWithin: { seconds: 600 }, claimWithin: { seconds: 600 }, checkInGrace: { seconds: 1 }, confirmWithin: { seconds: 600 } } },
  });
});
afterAll(async () => { await stack.stop(); });

const isoIn = (ms: number) => new Date(Date.now() + ms).toISOString();
const act = async (as: string, id: string, action: string, b?: unknown) => {
  const res = await stack.call(as, 'POST', `/v1/help-requests/${id}/${action}`, b);
  expect([action, res.status]).toEqual([action, 200]);
  return res.body;
};
const record = (as: string, memberId: string) => stack.call(as, 'GET', `/v1/members/${memberId}/record`);

async function openRequest(title: string): Promise<string> {
  const res = await stack.call('xianqi-resident-1', 'POST', '/v1/help-requests', { title, description: '需要帮忙', communityId: 'xianqi' });
  await act('xianqi', res.body.id, 'verify', { approve: true });
  return res.body.id;
}
async function served(member: string, title: string, rating?: number): Promise<string> {
  const id = await openRequest(title);
  await act(member, id, 'claim', { appointmentAt: isoIn(3_600_000), place: '社区服务站' });
  await act(member, id, 'check-in');
  await act(member, id, 'complete', { note: '已完成' });
  if (rating !== undefined) await act('xianqi-resident-1', id, 'confirm', { rating, comment: '谢谢' });
  return id;
}

describe("a member's record", () => {
  test('counts requests taken, services done, no-shows, the one in hand, and the star ratings', async () => {
    const member = 'xianqi-member-1';
    const before = (await record(member, member)).body;
    expect(before).toMatchObject({ memberId: member, communityId: 'xianqi', name: expect.any(String) });

    const rated5 = await served(member, '买菜', 5);
    await served(member, '修水龙头', 3);
    await served(member, '陪聊', undefined); // completed, not yet rated
    const missed = await openRequest('搬家具');
    await act(member, missed, 'claim', { appointmentAt: isoIn(500), place: '楼下' });
    await eventually(async () => (await stack.call(member, 'GET', `/v1/help-requests/${missed}`)).body.status === 'open', 15_000, 'no-show');
    const inHand = await openRequest('取快递');
    await act(member, inHand, 'claim', { appointmentAt: isoIn(3_600_000), place: '快递站' });

    const after = (await record(member, member)).body;
    expect(after.claims - before.claims).toBe(5);
    expect(after.servicesDone - before.servicesDone).toBe(3);
    expect(after.noShows - before.noShows).toBe(1);
    expect(after.active - before.active).toBe(1);
    expect(after.ratings.count - before.ratings.count).toBe(2);
    expect(after.ratings.stars[5] - before.ratings.stars[5]).toBe(1);
    expect(after.ratings.stars[3] - before.ratings.stars[3]).toBe(1);
    if (before.ratings.count === 0) expect(after.ratings.average).toBe(4);
    expect(after.recent[0]).toMatchObject({ helpId: inHand, type: 'claimed', communityId: 'xianqi', title: '取快递', rating: null });
    expect(after.recent).toEqual(expect.arrayContaining([
      expect.objectContaining({ helpId: missed, type: 'no_show' }),
      expect.objectContaining({ helpId: rated5, type: 'confirmed', rating: 5 }),
    ]));
  });

  test('a member without any service has an empty record', async () => {
    const res = await record('center', 'jinfeng-town-member-2');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      memberId: 'jinfeng-town-member-2', communityId: 'jinfeng-town', claims: 0, servicesDone: 0, noShows: 0, active: 0,
      ratings: { count: 0, average: null, stars: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 } }, recent: [],
    });
  });
});

describe('who may read a record', () => {
  test.each([
    ['the member itself', 'xianqi-member-2'],
    ['its community', 'xianqi'],
    ['a compound of its community', 'xianqi-haibin'],
    ['the center', 'center'],
  ])('%s may', async (_who, as) => {
    expect((await record(as, 'xianqi-member-2')).status).toBe(200);
  });

  test.each([
    ['another member of the same community', 'xianqi-member-1'],
    ['a resident of the community', 'xianqi-resident-1'],
    ['another community', 'xiguan'],
    ['the street', 'zhanggang'],
    ['a supervisor', 'supervision'],
    ['a department', 'civil'],
  ])('%s may not: 404, the same answer as for an account that is no member (no existence leak)', async (_who, as) => {
    const res = await record(as, 'xianqi-member-2');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    const none = await record(as, 'nobody-at-all');
    expect({ status: none.status, body: none.body }).toEqual({ status: res.status, body: res.body });
  });

  test.each([
    ['an unknown account', 'nobody-at-all'],
    ['an account that is not a member', 'xianqi-resident-1'],
    ['an organisation account', 'xianqi'],
  ])('%s has no record (404)', async (_what, id) => {
    const res = await record('center', id);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });

  test('an id with characters outside [A-Za-z0-9_-] is 400', async () => {
    expect((await record('center', 'a.b')).status).toBe(400);
  });
});
