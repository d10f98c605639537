/**
 * Feedback and notifications: the outbox reaches the right organisations (反馈 to the filing
 * community, 超时 and 督办 to the holder, supervisors and the center), and the outbox delivery
 * workflow POSTs each notification to the webhook once, signed, retrying through Temporal when
 * the webhook fails. The webhook is a local HTTP server.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  SIGNATURE_HEADER, TIMESTAMP_HEADER, createOutboxActivities, ensureOutboxDelivery, verifySignature, type WebhookPayload,
} from '../activities/outbox';
import { ConfigError, readConfig } from '../lib/config';
import { eventually, filing, startStack, type Stack } from './support/stack';

const SECRET = 'notifications-test-secret';
const FAIL_ONCE = 'WEBHOOK-FAILS-ONCE';

interface Received { raw: string; payload: WebhookPayload; headers: http.IncomingHttpHeaders; status: number }

let stack: Stack;
let server: http.Server;
let workflowId: string;
const received: Received[] = [];
const failedOnce = new Set<string>();

function startWebhook(): Promise<number> {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const payload = JSON.parse(raw) as WebhookPayload;
      // The first POST of the filing notice whose message carries FAIL_ONCE is answered 500.
      const fail = payload.kind === 'whistle_filed' && payload.message.includes(FAIL_ONCE) && !failedOnce.has(payload.id);
      if (fail) failedOnce.add(payload.id);
      const status = fail ? 500 : 200;
      received.push({ raw, payload, headers: req.headers, status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(fail ? 'try later' : 'ok');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

const savedEnv = { url: process.env.WEBHOOK_URL, secret: process.env.WEBHOOK_SECRET };

beforeAll(async () => {
  const port = await startWebhook();
  // The worker's activities read the webhook from the process's configuration.
  process.env.WEBHOOK_URL = `http://127.0.0.1:${port}/whistle-hook`;
  process.env.WEBHOOK_SECRET = SECRET;
  stack = await startStack({ env: { WEBHOOK_URL: process.env.WEBHOOK_URL!, WEBHOOK_SECRET: SECRET } });
  workflowId = `outbox-delivery-${stack.config.taskQueue}`;
  await ensureOutboxDelivery(stack.client, stack.config.taskQueue, { workflowId, input: { pauseSeconds: 0.3 } });
}, 60_000);

afterAll(async () => {
  await stack?.client.workflow.getHandle(workflowId).terminate('test over').catch(() => undefined);
  await stack?.stop();
  await new Promise((resolve) => server?.close(resolve));
  process.env.WEBHOOK_URL = savedEnv.url;
  process.env.WEBHOOK_SECRET = savedEnv.secret;
  if (savedEnv.url === undefined) delete process.env.WEBHOOK_URL;
  if (savedEnv.secret === undefined) delete process.env.WEBHOOK_SECRET;
});

async function file(as: string, title: string): Promise<string> {
  const res = await stack.call(as, 'POST', '/v1/whistles', filing({ title }));
  expect(res.status).toBe(201);
  return res.body.id;
}

async function notificationsOf(as: string, subjectId: string) {
  const res = await stack.call(as, 'GET', '/v1/notifications?limit=100');
  expect(res.status).toBe(200);
  return (res.body.items as Array<{ kind: string; subjectType: string; subjectId: string; message: string; deliveredAt: string | null }>)
    .filter((n) => n.subjectId === subjectId);
}

const posts = (notificationId: string) => received.filter((r) => r.payload.id === notificationId);
const signed = (r: Received) => ({
  body: r.raw, timestamp: r.headers[TIMESTAMP_HEADER] as string | undefined, signature: r.headers[SIGNATURE_HEADER] as string | undefined,
});

describe('delivery to the webhook', () => {
  test('the feedback (反馈) carries the reporter\'s contact to the webhook; no other notification does', async () => {
    const res = await stack.call('zhenghe', 'POST', '/v1/whistles', filing({ title: '路灯不亮', reporter: { name: '郑阿姨', phone: '13911112222' } }));
    const id = res.body.id as string;
    await stack.call('wuhang', 'POST', `/v1/whistles/${id}/accept`);
    await stack.call('wuhang', 'POST', `/v1/whistles/${id}/resolve`, { result: '已更换灯具' });
    const feedback = await eventually(async () => received.find((r) => r.payload.subjectId === id && r.payload.kind === 'feedback'), 20_000, 'feedback delivery');
    expect(feedback.payload.reporter).toEqual({ name: '郑阿姨', phone: '13911112222' });
    const others = received.filter((r) => r.payload.subjectId === id && r.payload.kind !== 'feedback');
    expect(others.length).toBeGreaterThan(0);
    for (const other of others) expect(other.raw).not.toContain('13911112222');
  });

  test('a notification is delivered once, signed with HMAC-SHA256 of the raw body, with a timestamp; delivered_at is set', async () => {
    const id = await file('zhenghe', '宝船小区消防通道被占');
    const row = await eventually(async () => {
      const { rows } = await stack.pool.query(
        "SELECT id::text, event_key, recipient_org_id, delivered_at, attempts FROM notifications WHERE subject_id = $1 AND kind = 'whistle_filed'", [id]);
      return rows[0]?.delivered_at ? rows[0] : undefined;
    }, 20_000, 'the whistle_filed notification to be delivered');
    expect(row.recipient_org_id).toBe('wuhang');
    expect(row.attempts).toBe(1);
    const [post] = posts(row.id);
    expect(post.status).toBe(200);
    expect(verifySignature(SECRET, signed(post))).toBe(true);
    expect(post.headers[SIGNATURE_HEADER]).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifySignature('another-secret', signed(post))).toBe(false);
    expect(verifySignature(SECRET, { ...signed(post), body: `${post.raw} ` })).toBe(false);
    // The timestamp is signed with the body: another one does not verify, nor does an old POST replayed.
    const ts = post.headers[TIMESTAMP_HEADER] as string;
    expect(verifySignature(SECRET, { ...signed(post), timestamp: String(Number(ts) + 1) }, { nowSeconds: Number(ts) })).toBe(false);
    expect(verifySignature(SECRET, signed(post), { nowSeconds: Number(ts) + 301 })).toBe(false);
    expect(verifySignature(SECRET, signed(post), { nowSeconds: Number(ts) + 299 })).toBe(true);
    const timestamp = Number(post.headers[TIMESTAMP_HEADER]);
    expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(60);
    expect(timestamp).toBe(Math.floor(Date.parse(post.payload.sentAt) / 1000));
    expect(post.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(post.payload).toMatchObject({
      id: row.id, eventKey: row.event_key, recipientOrgId: 'wuhang', kind: 'whistle_filed', subjectType: 'whistle',
      subjectId: id, attempt: 1, message: expect.stringContaining('宝船小区消防通道被占'),
    });
    // Several more rounds pass: still exactly one POST.
    await new Promise((r) => setTimeout(r, 1500));
    expect(posts(row.id)).toHaveLength(1);
  });

  test('a webhook answering 500 is tried again after a backoff until it answers 200; then the notification is marked delivered', async () => {
    const id = await file('zhenghe', `${FAIL_ONCE} 郑和路井盖缺失`);
    const row = await eventually(async () => {
      const { rows } = await stack.pool.query(
        "SELECT id::text, delivered_at, attempts, last_error FROM notifications WHERE subject_id = $1 AND kind = 'whistle_filed'", [id]);
      return rows[0]?.delivered_at ? rows[0] : undefined;
    }, 30_000, 'the notification to be delivered after a failure');
    expect(posts(row.id).map((p) => [p.status, p.payload.attempt])).toEqual([[500, 1], [200, 2]]);
    expect(row.attempts).toBe(2);
    expect(row.last_error).toBeNull();
    for (const p of posts(row.id)) expect(verifySignature(SECRET, signed(p))).toBe(true);
    await new Promise((r) => setTimeout(r, 1500));
    expect(posts(row.id)).toHaveLength(2);
  });

  test('delivery attempts running at the same time never send one notification twice', async () => {
    for (let i = 0; i < 6; i++) await file('dongguan', `东方花园第${i + 1}号路灯不亮`);
    const extra = createOutboxActivities(stack.pool, { url: process.env.WEBHOOK_URL!, secret: SECRET });
    await Promise.allSettled([extra.deliverPending(2), extra.deliverPending(2), extra.deliverPending(3)]);
    await eventually(async () => {
      const { rows } = await stack.pool.query("SELECT count(*)::int AS n FROM notifications WHERE delivered_at IS NULL AND subject_id IN (SELECT id FROM whistles WHERE community_id = 'dongguan')");
      return rows[0].n === 0;
    }, 20_000, 'every notification to be delivered');
    const acknowledged = new Map<string, number>();
    for (const r of received.filter((p) => p.status === 200)) acknowledged.set(r.payload.id, (acknowledged.get(r.payload.id) ?? 0) + 1);
    expect([...acknowledged.values()].every((n) => n === 1)).toBe(true);
  });

  test('without a webhook nothing is sent and the rows stay waiting; starting the loop twice keeps one', async () => {
    const none = createOutboxActivities(stack.pool, null);
    expect(await none.deliverPending(10)).toMatchObject({ delivered: 0, more: false, webhook: false });
    const again = await ensureOutboxDelivery(stack.client, stack.config.taskQueue, { workflowId });
    const first = await stack.client.workflow.getHandle(workflowId).describe();
    expect((await again.describe()).runId).toBe(first.runId);
    expect(first.status.name).toBe('RUNNING');
  });
});

describe('webhook settings', () => {
  test('WEBHOOK_URL must be http(s); in production it must be https and needs WEBHOOK_SECRET', () => {
    expect(readConfig({ WEBHOOK_URL: 'https://hooks.example.org/whistle' }).webhookUrl).toBe('https://hooks.example.org/whistle');
    expect(readConfig({}).webhookUrl).toBeUndefined();
    expect(() => readConfig({ WEBHOOK_URL: 'ftp://hooks.example.org' })).toThrow(ConfigError);
    expect(() => readConfig({ WEBHOOK_URL: 'not a url' })).toThrow(ConfigError);
    const production = { NODE_ENV: 'production', API_KEY_PEPPER: 'p', WEBHOOK_URL: 'https://hooks.example.org/whistle' };
    expect(() => readConfig(production)).toThrow(/WEBHOOK_SECRET/);
    expect(readConfig({ ...production, WEBHOOK_SECRET: 's' }).webhookSecret).toBe('s');
    // Plain http would carry the reporter's phone in clear text.
    expect(() => readConfig({ ...production, WEBHOOK_SECRET: 's', WEBHOOK_URL: 'http://hooks.example.org/whistle' })).toThrow(/https/);
    expect(readConfig({ WEBHOOK_URL: 'http://127.0.0.1:9/hook' }).webhookUrl).toBe('http://127.0.0.1:9/hook');
    expect(readConfig({}).webhookMaxAttempts).toBe(10);
    expect(readConfig({ WEBHOOK_MAX_ATTEMPTS: '3' }).webhookMaxAttempts).toBe(3);
    expect(() => readConfig({ WEBHOOK_MAX_ATTEMPTS: '0' })).toThrow(ConfigError);
  });
});

describe('who is told', () => {
  test('on resolution the filing community gets the result as feedback (反馈)', async () => {
    const id = await file('zhenghe', '郑和广场健身器材损坏');
    expect((await stack.call('wuhang', 'POST', `/v1/whistles/${id}/accept`)).status).toBe(200);
    expect((await stack.call('wuhang', 'POST', `/v1/whistles/${id}/resolve`, { result: '已更换损坏的健身器材' })).status).toBe(200);
    const feedback = await eventually(async () => (await notificationsOf('zhenghe', id)).find((n) => n.kind === 'feedback'), 10_000, 'feedback');
    expect(feedback.message).toContain('已更换损坏的健身器材');
    // Another community hears nothing of it.
    expect(await notificationsOf('xiguan', id)).toEqual([]);
  });

  test('an overdue whistle reaches the holder, supervisors and the center', async () => {
    const id = await file('zhenghe', '宝船小区外墙瓷砖脱落'); // nobody accepts: street.acceptWithin (3 s) passes
    for (const org of ['wuhang', 'supervision', 'center']) {
      await eventually(async () => (await notificationsOf(org, id)).some((n) => n.kind === 'overdue'), 20_000, `overdue for ${org}`);
    }
  });

  test('an urge (督办) reaches the holder, supervisors and the center', async () => {
    const id = await file('zhenghe', '郑和社区垃圾清运不及时');
    expect((await stack.call('supervision', 'POST', `/v1/whistles/${id}/urge`, { note: '请今日内处理' })).status).toBe(200);
    for (const org of ['wuhang', 'supervision', 'center']) {
      const urged = await eventually(async () => (await notificationsOf(org, id)).find((n) => n.kind === 'urged'), 10_000, `urged for ${org}`);
      expect(urged.message).toContain('请今日内处理');
    }
  });
});

describe('GET /v1/notifications', () => {
  test('lists what was sent or is waiting for the caller\'s organisation, newest first, with deliveredAt', async () => {
    const id = await file('zhenghe', '郑和路人行道破损');
    const mine = await eventually(async () => {
      const n = (await notificationsOf('wuhang', id)).find((x) => x.kind === 'whistle_filed');
      return n?.deliveredAt ? n : undefined;
    }, 20_000, 'the delivered notification in the list');
    expect(Object.keys(mine).sort()).toEqual(['createdAt', 'deliveredAt', 'delivery', 'id', 'kind', 'message', 'subjectId', 'subjectType'].sort());
    expect((mine as unknown as { delivery: unknown }).delivery).toEqual({ status: 'delivered', attempts: 1, lastError: null });
    expect(mine.subjectType).toBe('whistle');
    expect(await notificationsOf('hangcheng', id)).toEqual([]);
    const all = (await stack.call('wuhang', 'GET', '/v1/notifications?limit=100')).body.items as Array<{ id: string }>;
    const ids = all.map((n) => BigInt(n.id));
    expect([...ids].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0))).toEqual(ids);
  });

  test('pages through nextCursor without repeats; a bad cursor or limit is 400; no key is 401', async () => {
    const first = await stack.call('wuhang', 'GET', '/v1/notifications?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await stack.call('wuhang', 'GET', `/v1/notifications?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(second.status).toBe(200);
    const firstIds = first.body.items.map((n: { id: string }) => n.id);
    for (const n of second.body.items) {
      expect(firstIds).not.toContain(n.id);
      expect(BigInt(n.id)).toBeLessThan(BigInt(firstIds[1]));
    }
    expect((await stack.call('wuhang', 'GET', '/v1/notifications?cursor=zzz')).status).toBe(400);
    expect((await stack.call('wuhang', 'GET', '/v1/notifications?limit=500')).status).toBe(400);
    expect((await stack.call(null, 'GET', '/v1/notifications')).status).toBe(401);
  });
});
