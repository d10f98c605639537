/**
 * 实时更新 under strain: every API process hears every change (a second process, B, serves the
 * streams while the first, A, takes the actions), heartbeats, the limits on open streams, a client
 * that stops reading, the listener's connection killed in PostgreSQL, and streams that end with
 * their session or account.
 */
import net from 'node:net';
import { createAccount, disableAccount } from '../lib/accounts';
import { TEST_PEPPER } from './support/constants';
import { openSse, type SseClient, type SseEvent } from './support/sse';
import { eventually, filing, quietPolicy, startStack, type Stack } from './support/stack';

let a: Stack;
let b: Stack;
let url: string;
const open: SseClient[] = [];

beforeAll(async () => {
  a = await startStack({ policy: quietPolicy() });
  b = await startStack({
    noWorker: true,
    env: { EVENTS_HEARTBEAT_SECONDS: '0.2', EVENTS_MAX_STREAMS_PER_ACCOUNT: '2', EVENTS_MAX_STREAMS: '4', EVENTS_BUFFER_KB: '128' },
  });
  url = await b.app.listen({ port: 0, host: '127.0.0.1' });
}, 60_000);
afterEach(async () => {
  while (open.length) open.pop()!.close();
  await eventually(async () => b.app.services.live.size === 0, 5000, 'every stream of the test closed');
});
afterAll(async () => { await b?.stop(); await a?.stop(); });

async function stream(headers: Record<string, string>): Promise<SseClient> {
  const client = await openSse(url, headers);
  open.push(client);
  return client;
}

async function live(as: string): Promise<SseClient> {
  const client = await stream({ authorization: `Bearer dev-${as}` });
  expect(client.status).toBe(200);
  await client.comment('ready');
  return client;
}

async function file(title: string): Promise<string> {
  const res = await a.call('xiguan', 'POST', '/v1/whistles', filing({ title }));
  expect(res.status).toBe(201);
  return res.body.id;
}

const isWhistle = (id: string) => (e: SseEvent) => e.type === 'whistle' && e.data.id === id;

test('a change made through one API process reaches the streams of another', async () => {
  const center = await live('center');
  const id = await file('实时更新：跨进程');
  expect((await center.next(isWhistle(id))).data.status).toBe('filed');
});

test('a comment line comes every EVENTS_HEARTBEAT_SECONDS, with the id to resume from', async () => {
  const client = await live('wuhang');
  await client.comment('heartbeat', 3);
  expect(client.lastId).toMatch(/^[0-9]+$/);
});

describe('limits on open streams', () => {
  test('past EVENTS_MAX_STREAMS_PER_ACCOUNT an account is refused with 429 and a Chinese sentence; a closed stream frees its place', async () => {
    const first = await live('center');
    await live('center');
    const third = await stream({ authorization: 'Bearer dev-center' });
    await third.closed;
    expect(third.status).toBe(429);
    expect(JSON.parse(third.body).error).toMatchObject({ code: 'rate_limited', messageZh: expect.stringContaining('实时更新连接') });
    first.close();
    await eventually(async () => b.app.services.live.size === 1, 5000, 'the first stream gone');
    await live('center');
  });

  test('past EVENTS_MAX_STREAMS the process refuses any account with 429, and goes on serving the streams it has', async () => {
    const held = [await live('center'), await live('wuhang'), await live('xiguan'), await live('hangcheng')];
    const refused = await stream({ authorization: 'Bearer dev-dongguan' });
    await refused.closed;
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.body).error.messageZh).toContain('实时更新连接数已满');
    const id = await file('实时更新：满员时');
    await held[0].next(isWhistle(id));
    await held[1].next(isWhistle(id));
  });
});

test('a client that stops reading gets its stream closed once EVENTS_BUFFER_KB waits unsent; one that reads keeps up; the process goes on', async () => {
  const reading = await live('center');
  const port = Number(new URL(url).port);
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => undefined); // the server destroys it
  socket.write('GET /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer dev-center\r\nAccept: text/event-stream\r\n\r\n');
  socket.pause(); // never reads
  await eventually(async () => b.app.services.live.size === 2, 5000, 'both streams open');
  // Far more than the sockets' buffers (megabytes on loopback) and the stream's bound hold:
  // 30,000 journal rows of whistles the center sees (10 MB of events), announced as the triggers do.
  await a.pool.query(`
    WITH rows AS (
      INSERT INTO live_events (kind, subject_id, facts)
      SELECT 'whistle', 'overflow-' || i, jsonb_build_object('status', 'filed', 'holder', repeat('x', 250), 'version', i,
        'streetId', 'wuhang', 'filerOrgId', 'xiguan', 'communityId', 'xiguan', 'seenByDepartments', '[]'::jsonb, 'merged', '[]'::jsonb)
        FROM generate_series(1, 30000) AS i
      RETURNING id)
    SELECT pg_notify('whistle_live', max(id)::text) FROM rows`);
  await reading.next((e) => e.type === 'whistle' && e.data.id === 'overflow-30000', 30_000);
  expect(reading.events.filter((e) => e.type === 'reset')).toEqual([]);
  await eventually(async () => b.app.services.live.size === 1, 20_000, 'the stream that does not read closed');
  // And its connection destroyed: nothing of it stays in the process's memory.
  const connections = () => new Promise<number>((resolve, reject) => b.app.server.getConnections((err, n) => (err ? reject(err) : resolve(n))));
  await eventually(async () => (await connections()) === 1, 10_000, 'the connection destroyed');
  socket.destroy();
  const next = await file('实时更新：之后照常');
  await reading.next(isWhistle(next));
});

test('the listener reconnects when PostgreSQL ends its connection, and the streams get what changed meanwhile', async () => {
  const center = await live('center');
  const listener = async () => (await a.pool.query<{ pid: number }>(
    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN whistle_live'")).rows.map((r) => r.pid);
  const [pid] = await listener();
  expect(pid).toEqual(expect.any(Number));
  expect((await a.pool.query('SELECT pg_terminate_backend($1) AS done', [pid])).rows[0].done).toBe(true);
  // Changed while nobody listens.
  const during = [await file('实时更新：监听断开时 1'), await file('实时更新：监听断开时 2')];
  await eventually(async () => { const pids = await listener(); return pids.length === 1 && pids[0] !== pid; }, 10_000, 'a new listening connection');
  const after = await file('实时更新：监听恢复后');
  for (const id of [...during, after]) await center.next(isWhistle(id));
});

describe('streams end with their credentials', () => {
  test('signing out (on another process) closes the session\'s streams', async () => {
    const signedIn = await a.call(null, 'POST', '/v1/sessions', { accountId: 'dongguan', password: 'dev-dongguan' });
    expect(signedIn.status).toBe(201);
    const client = await stream({ authorization: `Bearer ${signedIn.body.token}` });
    await client.comment('ready');
    expect((await a.call(null, 'DELETE', '/v1/sessions/current', undefined, { authorization: `Bearer ${signedIn.body.token}` })).status).toBe(204);
    await client.closed;
    expect(client.ended).toBe(true);
  });

  test('disabling the account closes its streams', async () => {
    const { id, key } = await createAccount(a.pool, TEST_PEPPER, 'cli:test', { org: 'wuhang', role: 'street' });
    const client = await stream({ authorization: `Bearer ${key}` });
    await client.comment('ready');
    await disableAccount(a.pool, 'cli:test', id, '实时更新测试');
    await client.closed;
  });

  test('a session\'s streams end when it expires', async () => {
    const short = await startStack({ noWorker: true, env: { SESSION_TTL_HOURS: '0.0005' } }); // 1.8 s
    try {
      const shortUrl = await short.app.listen({ port: 0, host: '127.0.0.1' });
      const signedIn = await short.call(null, 'POST', '/v1/sessions', { accountId: 'zhenghe', password: 'dev-zhenghe' });
      const client = await openSse(shortUrl, { authorization: `Bearer ${signedIn.body.token}` });
      open.push(client);
      await client.comment('ready');
      await client.closed;
      expect((await short.call(null, 'GET', '/v1/whistles', undefined, { authorization: `Bearer ${signedIn.body.token}` })).status).toBe(401);
    } finally {
      await short.stop();
    }
  });
});
