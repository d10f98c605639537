/**
 * 邻里搭把手待办: `GET /v1/help-requests?waitingFor=me` lists the requests that wait for the
 * caller's action by the help rules — the community's verifications, the open requests a party
 * member or the request's street may take, the claimer's check-ins and completions, the
 * requester's confirmations — and nothing the rules would refuse (nor a cancel, which is a
 * right, not a duty).
 */
import { eventually, startStack, type Stack } from './support/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    policy: { help: { verifyWithin: { seconds: 600 }, claimWithin: { seconds: 600 }, checkInGrace: { seconds: 600 }, confirmWithin: { seconds: 600 } } },
  });
});
afterAll(async () => { await stack.stop(); });

const COMMUNITY = 'jinfeng-town';
const STREET = 'jinfeng';
const RESIDENT = 'jinfeng-town-resident-1';
const MEMBER = 'jinfeng-town-member-1';
const OTHER_MEMBER = 'jinfeng-town-member-2';
/** An instant an hour from now as Asia/Shanghai wall time with its zone. */
const inAnHour = () => new Date(Date.now() + 3_600_000 + 8 * 3_600_000).toISOString().replace('Z', '+08:00');

async function act(as: string, id: string, action: string, body?: unknown): Promise<string> {
  const res = await stack.call(as, 'POST', `/v1/help-requests/${id}/${action}`, body);
  expect({ action, status: res.status }).toEqual({ action, status: 200 });
  return res.body.status as string;
}
async function post(as: string, title: string): Promise<string> {
  const res = await stack.call(as, 'POST', '/v1/help-requests', { title, description: '需要有人帮忙。', communityId: COMMUNITY });
  expect(res.status).toBe(201);
  return res.body.id as string;
}
const verify = (id: string) => act(COMMUNITY, id, 'verify', { approve: true });
const claim = (as: string, id: string) => act(as, id, 'claim', { appointmentAt: inAnHour(), place: '金华小区门口' });

/** The ids among `ours` that the account's waitingFor=me list shows, walking every page. */
async function waiting(as: string, ours: string[], limit = 100): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const url: string = `/v1/help-requests?waitingFor=me&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await stack.call(as, 'GET', url);
    expect(res.status).toBe(200);
    seen.push(...(res.body.items as Array<{ id: string }>).map((r) => r.id).filter((id) => ours.includes(id)));
    cursor = res.body.nextCursor;
  } while (cursor);
  return seen;
}

describe('GET /v1/help-requests?waitingFor=me', () => {
  const r: Record<string, string> = {};
  let ours: string[] = [];

  beforeAll(async () => {
    r.pending = await post(RESIDENT, '待审核：帮忙搬米');
    r.open = await post(RESIDENT, '待接单：陪同买菜');
    await verify(r.open);
    r.memberOwn = await post(OTHER_MEMBER, '党员自己的点单：修水管');
    await verify(r.memberOwn);
    r.claimed = await post(RESIDENT, '已接单：取药');
    await verify(r.claimed);
    await claim(MEMBER, r.claimed);
    r.inService = await post(RESIDENT, '服务中：打扫楼道');
    await verify(r.inService);
    await claim(STREET, r.inService);
    await act(STREET, r.inService, 'check-in');
    r.completed = await post(RESIDENT, '待确认：换灯泡');
    await verify(r.completed);
    await claim(MEMBER, r.completed);
    await act(MEMBER, r.completed, 'check-in');
    await act(MEMBER, r.completed, 'complete', { note: '已换好' });
    r.closed = await post(RESIDENT, '已结束：送餐');
    await verify(r.closed);
    await claim(MEMBER, r.closed);
    await act(MEMBER, r.closed, 'check-in');
    await act(MEMBER, r.closed, 'complete', { note: '已送到' });
    await act(RESIDENT, r.closed, 'confirm', { rating: 5 });
    ours = Object.values(r);
    // The list reads the read model: wait until it shows the last step.
    await eventually(async () => (await stack.call(RESIDENT, 'GET', `/v1/help-requests?status=closed&communityId=${COMMUNITY}`))
      .body.items.some((v: { id: string }) => v.id === r.closed), 20_000, 'the read model');
  });

  test.each([
    ['the community: its verifications (社区下单)', COMMUNITY, ['pending']],
    ['another community: nothing of this one', 'qinjiang', []],
    ['the street: open requests of its communities to take, and its own claim to complete', STREET, ['open', 'memberOwn', 'inService']],
    ['another street: nothing of this community', 'hangcheng', []],
    ['a party member: open requests to take (not its own) and its claim to check in', MEMBER, ['open', 'memberOwn', 'claimed']],
    ['the party member who asked: never its own request to take', OTHER_MEMBER, ['open']],
    ['a party member of another community: the open requests (any member may take them)', 'qinjiang-member-1', ['open', 'memberOwn']],
    ['the requester: only what it must confirm (cancelling is no to-do)', RESIDENT, ['completed']],
    ['the center: nothing to do on the board', 'center', []],
  ])('%s', async (_what, account, names) => {
    const want = (names as string[]).map((n) => r[n]);
    expect(new Set(await waiting(account, ours))).toEqual(new Set(want));
  });

  test('the list agrees with the rules: listed exactly when allowedActions holds an action other than cancel', async () => {
    for (const account of [COMMUNITY, STREET, 'hangcheng', MEMBER, OTHER_MEMBER, RESIDENT, 'jinfeng-town-resident-2', 'center', 'supervision']) {
      const listed = new Set(await waiting(account, ours));
      for (const id of ours) {
        const view = await stack.call(account, 'GET', `/v1/help-requests/${id}`);
        const duties = view.status === 200 ? (view.body.allowedActions as string[]).filter((a) => a !== 'cancel') : [];
        expect({ account, id, listed: listed.has(id) }).toEqual({ account, id, listed: duties.length > 0 });
      }
    }
  });

  test('newest first, and pages of one walk the same requests', async () => {
    const all = await waiting(STREET, ours);
    expect(all).toEqual([r.inService, r.memberOwn, r.open]);
    expect(await waiting(STREET, ours, 1)).toEqual(all);
  });

  test('combines with the other filters', async () => {
    const res = await stack.call(MEMBER, 'GET', `/v1/help-requests?waitingFor=me&status=claimed&communityId=${COMMUNITY}`);
    expect(res.status).toBe(200);
    expect(res.body.items.map((v: { id: string }) => v.id)).toEqual([r.claimed]);
  });

  test('anything but `me` is refused as validation_failed', async () => {
    const res = await stack.call(MEMBER, 'GET', '/v1/help-requests?waitingFor=jinfeng-town-member-2');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
  });
});
