/**
 * 实时更新 (GET /v1/events): each account hears of the changes it may see — whistles by the
 * lists' visibility, help requests by theirs (before verification and once rejected only their
 * parties; on the board everyone), notifications by their reader — as Server-Sent
 * Events; a reconnection with Last-Event-ID gets what it missed, and an id the journal cannot
 * resume from gets `reset`.
 */
import { pruneJournal } from '../lib/stores/live-events';
import { openSse, type SseClient, type SseEvent } from './support/sse';
import { eventually, filing, quietPolicy, startStack, type Stack } from './support/stack';

let stack: Stack;
let url: string;
const open: SseClient[] = [];

beforeAll(async () => {
  // Heartbeats (which carry the id to resume from) twice a second, so that a test can wait for one.
  stack = await startStack({ policy: quietPolicy(), env: { EVENTS_HEARTBEAT_SECONDS: '0.5' } });
  url = await stack.app.listen({ port: 0, host: '127.0.0.1' });
}, 60_000);
afterEach(() => { while (open.length) open.pop()!.close(); });
afterAll(async () => { await stack?.stop(); });

/** A stream of the dev account `as` (or a given header set), once it is live. */
async function stream(as: string, headers: Record<string, string> = {}): Promise<SseClient> {
  const client = await openSse(url, { authorization: `Bearer dev-${as}`, ...headers });
  open.push(client);
  expect(client.status).toBe(200);
  await client.comment('ready');
  return client;
}

async function file(as = 'xiguan', title = '实时更新：楼道灯不亮'): Promise<string> {
  const res = await stack.call(as, 'POST', '/v1/whistles', filing({ title }));
  expect(res.status).toBe(201);
  return res.body.id;
}

async function postHelp(as = 'xiguan-resident-1'): Promise<string> {
  const res = await stack.call(as, 'POST', '/v1/help-requests', { title: '需要帮忙搬运家具', description: '周六上午搬家，需要两位志愿者', communityId: 'xiguan' });
  expect(res.status).toBe(201);
  return res.body.id;
}

/** A help request posted and verified by its community: once open, every account hears of it (a marker on every stream). */
async function openHelp(as = 'xiguan-resident-1'): Promise<string> {
  const id = await postHelp(as);
  expect((await stack.call('xiguan', 'POST', `/v1/help-requests/${id}/verify`, { approve: true })).status).toBe(200);
  return id;
}

const isWhistle = (id: string) => (e: SseEvent) => e.type === 'whistle' && e.data.id === id;
const isHelp = (id: string) => (e: SseEvent) => e.type === 'help' && e.data.id === id;
const isOpenHelp = (id: string) => (e: SseEvent) => isHelp(id)(e) && e.data.status === 'open';

test('the stream is text/event-stream, never cached or buffered by a proxy, and says when it is live with an id to resume from', async () => {
  const client = await openSse(url, { authorization: 'Bearer dev-center' });
  open.push(client);
  expect(client.status).toBe(200);
  expect(client.headers['content-type']).toBe('text/event-stream; charset=utf-8');
  expect(client.headers['cache-control']).toBe('no-cache, no-transform');
  expect(client.headers['x-accel-buffering']).toBe('no');
  await client.comment('ready');
  expect(client.lastId).toMatch(/^[0-9]+$/);
});

test('without a credential it is 401, as every other route', async () => {
  const client = await openSse(url, {});
  await client.closed;
  expect(client.status).toBe(401);
  expect(JSON.parse(client.body).error.code).toBe('unauthenticated');
});

describe('who hears of what', () => {
  test('a filed whistle reaches its community, its street, the center and supervisors — not another street, a department or residents', async () => {
    const hearing = { xiguan: true, wuhang: true, center: true, supervision: true, hangcheng: false, housing: false, 'xiguan-member-1': false, 'xiguan-resident-1': false };
    const streams = Object.fromEntries(await Promise.all(Object.keys(hearing).map(async (as) => [as, await stream(as)] as const)));
    const whistle = await file();
    // Then a change every account hears of: what came before it on each stream is all there is.
    const help = await openHelp();
    for (const [as, hears] of Object.entries(hearing)) {
      const s = streams[as];
      const helpAt = s.events.indexOf(await s.next(isOpenHelp(help)));
      const heard = s.events.slice(0, helpAt).find(isWhistle(whistle));
      expect({ as, heard: Boolean(heard) }).toEqual({ as, heard: hears });
      if (heard) expect(heard.data).toEqual({ id: whistle, status: 'filed', holder: 'wuhang', version: expect.any(Number) });
    }
  });

  test('a department hears of a whistle once it is dispatched to it; the event says who holds it now', async () => {
    const housing = await stream('housing');
    const whistle = await file('dongguan', '实时更新：小区外墙脱落');
    expect((await stack.call('wuhang', 'POST', `/v1/whistles/${whistle}/escalate`, { reason: '需要住建部门' })).status).toBe(200);
    expect((await stack.call('center', 'POST', `/v1/whistles/${whistle}/triage`, { list: 'immediate', departmentIds: ['housing'] })).status).toBe(200);
    const dispatched = await housing.next((e) => isWhistle(whistle)(e) && e.data.status === 'dispatched');
    expect(dispatched.data.holder).toBe('housing');
    // Before the dispatch it did not: the first event it heard is the dispatch itself.
    expect(housing.events.filter(isWhistle(whistle))[0]).toBe(dispatched);
  });

  test('the street hears of the notification for it (whistle_filed); another street does not', async () => {
    const [wuhang, hangcheng] = [await stream('wuhang'), await stream('hangcheng')];
    const whistle = await file('zhenghe', '实时更新：路面塌陷');
    const notified = await wuhang.next((e) => e.type === 'notification' && e.data.subjectId === whistle);
    expect(notified.data).toEqual({ id: expect.stringMatching(/^[0-9]+$/), kind: 'whistle_filed', subjectId: whistle });
    const listed = await stack.call('wuhang', 'GET', '/v1/notifications?limit=50');
    expect(listed.body.items.map((n: { id: string }) => n.id)).toContain(notified.data.id);
    const help = await openHelp();
    await hangcheng.next(isOpenHelp(help));
    expect(hangcheng.events.filter((e) => e.type === 'notification' && e.data.subjectId === whistle)).toEqual([]);
  });

  test('a help request waiting for verification reaches only its parties (requester, community, street, center); once open, every account', async () => {
    const parties = ['xiguan-member-1', 'xiguan', 'wuhang', 'center'];
    const others = ['changan-member-2', 'xiguan-resident-2', 'yingqian', 'dongguan', 'supervision', 'housing'];
    const streams = Object.fromEntries(await Promise.all([...parties, ...others].map(async (as) => [as, await stream(as)] as const)));
    const help = await openHelp('xiguan-member-1');
    for (const as of [...parties, ...others]) {
      // The first event each hears of it: the parties from the posting on, everyone else from the board on.
      const first = await streams[as].next(isHelp(help));
      expect({ as, status: first.data.status }).toEqual({ as, status: parties.includes(as) ? 'pending_verification' : 'open' });
      if (!parties.includes(as)) expect(first.data).toEqual({ id: help, status: 'open', holder: null, version: expect.any(Number) });
    }
  });

  test('a rejected help request reaches its parties only', async () => {
    const parties = ['xiguan-resident-1', 'xiguan', 'wuhang', 'center'];
    const others = ['xiguan-member-1', 'xiguan-resident-2', 'hangcheng', 'supervision'];
    const streams = Object.fromEntries(await Promise.all([...parties, ...others].map(async (as) => [as, await stream(as)] as const)));
    const rejected = await postHelp();
    expect((await stack.call('xiguan', 'POST', `/v1/help-requests/${rejected}/verify`, { approve: false, reason: '不属于本社区' })).status).toBe(200);
    const marker = await openHelp();
    for (const as of [...parties, ...others]) {
      const s = streams[as];
      const markerAt = s.events.indexOf(await s.next(isOpenHelp(marker)));
      const heard = s.events.slice(0, markerAt).filter(isHelp(rejected)).map((e) => e.data.status);
      expect({ as, heard }).toEqual({ as, heard: parties.includes(as) ? ['pending_verification', 'rejected'] : [] });
    }
  });
});

describe('resuming with Last-Event-ID', () => {
  test('a reconnection gets what it missed, and not what it had', async () => {
    const first = await stream('center');
    const had = await file('xiguan', '实时更新：断线前');
    const heard = await first.next(isWhistle(had));
    // The id to resume from passes the event heard once every change before it is settled (a heartbeat says so).
    const { rows } = await stack.pool.query("SELECT max(id)::text AS id FROM live_events WHERE subject_id = $1 AND (facts ->> 'version')::int = $2", [had, heard.data.version]);
    await first.comment('heartbeat', 1);
    await eventually(async () => BigInt(first.lastId!) >= BigInt(rows[0].id), 5000, 'a resume point past the event heard');
    const lastId = first.lastId!;
    first.close();
    const missed = await file('xiguan', '实时更新：断线期间');
    const again = await stream('center', { 'last-event-id': lastId });
    // The replay comes before the stream says it is live.
    expect(again.events.find(isWhistle(missed))).toBeDefined();
    expect(again.events.filter(isWhistle(had)).map((e) => e.data.version)).not.toContain(heard.data.version);
    expect(again.events.find((e) => e.type === 'reset')).toBeUndefined();
  });

  test('a resumed stream hears only what its account may see', async () => {
    const first = await stream('hangcheng');
    const help = await openHelp();
    const heard = await first.next(isOpenHelp(help));
    first.close();
    const other = await file('xiguan', '实时更新：他街道的事项');
    const later = await openHelp();
    const again = await stream('hangcheng', { 'last-event-id': heard.id! });
    expect(again.events.find(isOpenHelp(later))).toBeDefined();
    // Of the help request another street's account may not see yet, the replay carries only the board's event.
    expect(again.events.filter(isHelp(later)).map((e) => e.data.status)).toEqual(['open']);
    expect(again.events.find(isWhistle(other))).toBeUndefined();
  });

  test.each([
    ['something this API never gave out', 'abc', 'invalid'],
    ['an id from the future', '9007199254740993', 'ahead'],
  ])('%s gets the event reset, and the stream goes on live', async (_what, lastEventId, reason) => {
    const client = await stream('wuhang', { 'last-event-id': lastEventId });
    expect(client.events[0]).toEqual({ id: undefined, type: 'reset', data: { reason } });
    const whistle = await file();
    await client.next(isWhistle(whistle));
  });

  test('an id older than the journal keeps (five minutes) gets reset', async () => {
    const first = await stream('center');
    const old = await file('xiguan', '实时更新：很久以前');
    const heard = await first.next(isWhistle(old));
    await file('xiguan', '实时更新：之后又有变化');
    // Five minutes pass for every row but the newest, and the journal is pruned.
    await stack.pool.query("UPDATE live_events SET at = at - interval '10 minutes' WHERE id < (SELECT max(id) FROM live_events)");
    expect(await pruneJournal(stack.pool, 300)).toBeGreaterThan(0);
    const again = await stream('center', { 'last-event-id': heard.id! });
    expect(again.events[0]).toEqual({ id: undefined, type: 'reset', data: { reason: 'expired' } });
  });
});
