/**
 * Notifications never stuck: every notification has its own attempts and backoff, is marked
 * `failed` after WEBHOOK_MAX_ATTEMPTS with its last error, and never holds up the notifications of
 * other whistles (a receiver that never answers one delays the others by at most one attempt's
 * timeout); within one whistle the order of delivery is kept. Failed ones are queued again with
 * `npm run notifications -- retry`, audited. Notifications are shown only to roles that may see
 * their subject. The webhook is a local HTTP server; this file has its own database, so its
 * delivery loop sees only its own outbox.
 */
import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { ensureOutboxDelivery, type WebhookPayload } from '../activities/outbox';
import { createDatabase, type ThrowawayDatabase } from './support/processes';
import { TEST_PEPPER } from './support/constants';
import { eventually, filing, quietPolicy, startStack, type Stack } from './support/stack';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..');
const SECRET = 'delivery-test-secret';
const MAX_ATTEMPTS = 5;
const TIMEOUT_SECONDS = 2;
/** A filing notice whose title carries this is refused (HTTP 500) until `healed`. */
const POISON = 'POISON';
/** A filing notice whose title carries this is never answered (the POST times out). */
const HANG = 'HANG';

interface Post { id: string; kind: string; subjectId: string; attempt: number; status: number | 'hung'; at: number }

let db: ThrowawayDatabase;
let stack: Stack;
let server: http.Server;
let loopId: string;
let healed = false;
const posts: Post[] = [];
const hanging = new Set<http.ServerResponse>();

function startWebhook(): Promise<number> {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const p = JSON.parse(Buffer.concat(chunks).toString('utf8')) as WebhookPayload;
      const post: Post = { id: p.id, kind: p.kind, subjectId: p.subjectId, attempt: p.attempt, status: 200, at: Date.now() };
      posts.push(post);
      if (p.kind === 'whistle_filed' && p.message.includes(HANG)) {
        post.status = 'hung';
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      if (p.kind === 'whistle_filed' && p.message.includes(POISON) && !healed) post.status = 500;
      res.writeHead(post.status as number, { 'content-type': 'text/plain' }).end(post.status === 200 ? 'ok' : 'no');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

beforeAll(async () => {
  db = await createDatabase('delivery', TEST_PEPPER);
  const port = await startWebhook();
  stack = await startStack({
    policy: quietPolicy(900),
    env: {
      DATABASE_URL: db.url, WEBHOOK_URL: `http://127.0.0.1:${port}/hook`, WEBHOOK_SECRET: SECRET,
      WEBHOOK_MAX_ATTEMPTS: String(MAX_ATTEMPTS), WEBHOOK_TIMEOUT_SECONDS: String(TIMEOUT_SECONDS),
    },
  });
  loopId = `outbox-delivery-${stack.config.taskQueue}`;
  await ensureOutboxDelivery(stack.client, stack.config.taskQueue, { workflowId: loopId, input: { pauseSeconds: 0.3 } });
}, 90_000);

afterAll(async () => {
  await stack?.client.workflow.getHandle(loopId).terminate('test over').catch(() => undefined);
  await stack?.stop();
  for (const res of hanging) res.destroy();
  await new Promise((resolve) => server?.close(resolve));
  await db?.drop();
});

async function file(as: string, title: string): Promise<string> {
  const res = await stack.call(as, 'POST', '/v1/whistles', filing({ title }));
  expect(res.status).toBe(201);
  return res.body.id;
}

interface OutboxRow {
  id: string; kind: string; recipient_org_id: string; attempts: number; last_error: string | null;
  created_at: Date; delivered_at: Date | null; failed_at: Date | null;
}

async function outboxOf(whistleId: string): Promise<OutboxRow[]> {
  const { rows } = await stack.pool.query<OutboxRow>(
    `SELECT id::text, kind, recipient_org_id, attempts, last_error, created_at, delivered_at, failed_at
       FROM notifications WHERE subject_id = $1 ORDER BY id`, [whistleId]);
  return rows;
}

async function filedNotice(whistleId: string): Promise<OutboxRow> {
  return eventually(async () => (await outboxOf(whistleId)).find((r) => r.kind === 'whistle_filed'), 20_000, 'the filing notice');
}

const secondsBetween = (a: Date, b: Date) => (b.getTime() - a.getTime()) / 1000;

describe('a receiver that refuses one notification for ever', () => {
  let poison: string;
  let head: OutboxRow;
  const others: string[] = [];

  test('the other whistles\' notifications are delivered while it is still being tried', async () => {
    poison = await file('zhenghe', `${POISON} 郑和路下水道返味`);
    await eventually(async () => posts.some((p) => p.subjectId === poison && p.status === 500), 20_000, 'the first refusal');
    // Behind the refused notice: the same whistle's urge (督办) notices, to the street, supervisors and the center.
    expect((await stack.call('supervision', 'POST', `/v1/whistles/${poison}/urge`, { note: '请尽快处理' })).status).toBe(200);
    for (let i = 0; i < 3; i++) others.push(await file('dongguan', `东关路第${i + 1}处路灯不亮`));
    for (const id of others) {
      await eventually(async () => (await filedNotice(id)).delivered_at ?? undefined, 30_000, `delivery for ${id}`);
    }
    head = await filedNotice(poison);
    // Refused 500 and still pending, or only just marked failed: either way, after the others.
    const rows = await Promise.all(others.map((id) => filedNotice(id)));
    const delivered = rows.map((r) => r.delivered_at!);
    const delays = rows.map((r) => secondsBetween(r.created_at, r.delivered_at!));
    console.log(`notification delivery, one notice refused for ever (HTTP 500): the other whistles' notices delivered ` +
      `after max ${Math.max(...delays).toFixed(2)} s (${delays.length}), while it was still being tried`);
    if (head.failed_at) for (const at of delivered) expect(at.getTime()).toBeLessThan(head.failed_at.getTime());
    expect(head.delivered_at).toBeNull();
  });

  test(`it is marked failed after WEBHOOK_MAX_ATTEMPTS (${MAX_ATTEMPTS}) attempts with exponential backoff and its last error`, async () => {
    head = await eventually(async () => {
      const row = await filedNotice(poison);
      return row.failed_at ? row : undefined;
    }, 60_000, 'the refused notification to be marked failed');
    expect(head.attempts).toBe(MAX_ATTEMPTS);
    expect(head.last_error).toBe('webhook answered HTTP 500');
    const tries = posts.filter((p) => p.id === head.id);
    expect(tries.map((p) => p.attempt)).toEqual([1, 2, 3, 4, 5]);
    // Backoff: 1, 2, 4, 8 seconds between the attempts (the loop may add a few hundred ms).
    const gaps = tries.slice(1).map((p, i) => (p.at - tries[i].at) / 1000);
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(2 ** i - 0.05));
    expect(gaps[3]).toBeGreaterThan(gaps[0] * 4);

    const listed = (await stack.call('wuhang', 'GET', '/v1/notifications?limit=100')).body.items
      .find((n: { id: string }) => n.id === head.id);
    expect(listed.delivery).toEqual({ status: 'failed', attempts: MAX_ATTEMPTS, lastError: 'webhook answered HTTP 500' });
    expect(listed.deliveredAt).toBeNull();
  });

  test('the same whistle\'s later notifications keep their order: sent only once the refused one is failed', async () => {
    const rows = await eventually(async () => {
      const all = await outboxOf(poison);
      const urged = all.filter((r) => r.kind === 'urged');
      return urged.length === 3 && urged.every((r) => r.delivered_at) ? all : undefined;
    }, 30_000, 'the urge notices to be delivered');
    const failedAt = rows.find((r) => r.id === head.id)!.failed_at!;
    for (const r of rows.filter((x) => x.kind === 'urged')) {
      expect(BigInt(r.id)).toBeGreaterThan(BigInt(head.id));
      const first = posts.find((p) => p.id === r.id)!;
      expect(first.at).toBeGreaterThanOrEqual(failedAt.getTime() - 50);
      expect(first.attempt).toBe(1);
    }
    // Among themselves, in the order they were written.
    const order = posts.filter((p) => p.subjectId === poison && p.kind === 'urged').map((p) => p.id);
    expect(order).toEqual([...order].sort((a, b) => Number(BigInt(a) - BigInt(b))));
  });

  test('the Prometheus gauge counts it as failed', async () => {
    const value = await eventually(async () => {
      const text = (await stack.call(null, 'GET', '/metrics')).body as string;
      const match = /^whistle_notifications\{status="failed"\} (\d+)$/m.exec(text);
      return match && Number(match[1]) >= 1 ? text : undefined;
    }, 20_000, 'whistle_notifications{status="failed"}');
    expect(value).toMatch(/^whistle_notifications\{status="pending"\} \d+$/m);
  });

  test('npm run notifications -- retry --id queues it again with attempts from zero, audited; it is then delivered', async () => {
    const env = { ...process.env, DATABASE_URL: db.url, API_KEY_PEPPER: TEST_PEPPER, LOG_LEVEL: 'silent' };
    healed = true;
    const { stdout } = await run('npx', ['tsx', 'scripts/notifications.ts', 'retry', '--id', head.id], { cwd: ROOT, env });
    expect(stdout).toContain(`1 failed notification(s) queued again: ${head.id}`);
    const audit = await stack.pool.query("SELECT actor, subject, note FROM audit_log WHERE type = 'notification_retried'");
    expect(audit.rows).toEqual([{ actor: expect.stringMatching(/^cli:/), subject: head.id, note: expect.stringContaining('after 5 attempts') }]);
    const delivered = await eventually(async () => {
      const row = await filedNotice(poison);
      return row.delivered_at ? row : undefined;
    }, 20_000, 'the retried notification to be delivered');
    expect(delivered.failed_at).toBeNull();
    expect(delivered.attempts).toBe(1);
    expect(posts.filter((p) => p.id === head.id).at(-1)).toMatchObject({ attempt: 1, status: 200 });
    // Nothing failed is left: retry without --id queues nothing and writes no audit entry.
    const again = await run('npx', ['tsx', 'scripts/notifications.ts', 'retry'], { cwd: ROOT, env });
    expect(again.stdout).toContain('0 failed notification(s) queued again');
    expect((await stack.pool.query("SELECT count(*)::int AS n FROM audit_log WHERE type = 'notification_retried'")).rows[0].n).toBe(1);
  });
});

describe('a receiver that never answers one notification', () => {
  /** Files `n` whistles 0.4 s apart and gives each filing notice's delay from its creation to its delivery (s). */
  async function deliveryDelays(n: number, label: string): Promise<number[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      ids.push(await file('dongguan', `东关社区${label}第${i + 1}栋楼道灯损坏`));
      await new Promise((r) => setTimeout(r, 400));
    }
    const delays: number[] = [];
    for (const id of ids) {
      const row = await eventually(async () => {
        const r = await filedNotice(id);
        return r.delivered_at ? r : undefined;
      }, 30_000, `delivery for ${id}`);
      delays.push(secondsBetween(row.created_at, row.delivered_at!));
    }
    return delays;
  }
  const figure = (d: number[]) => `max ${Math.max(...d).toFixed(2)} s, median ${[...d].sort((a, b) => a - b)[Math.floor(d.length / 2)].toFixed(2)} s`;

  test(`delays the others by at most one attempt's timeout (${TIMEOUT_SECONDS} s)`, async () => {
    const baseline = await deliveryDelays(6, '甲');
    const hung = await file('zhenghe', `${HANG} 郑和广场井盖松动`);
    await eventually(async () => posts.some((p) => p.subjectId === hung && p.status === 'hung'), 20_000, 'the first hung POST');
    const delays = await deliveryDelays(6, '乙');
    const hungRow = await filedNotice(hung);
    expect(hungRow.delivered_at).toBeNull();
    expect(hungRow.last_error).toBe('webhook did not answer in time');
    expect(hungRow.attempts).toBeGreaterThanOrEqual(2);
    // The figure for docs/RELIABILITY.md (not a timed assertion).
    console.log(`notification delivery, other whistles' notices: nothing refused ${figure(baseline)}; ` +
      `one notice never answered (timeout ${TIMEOUT_SECONDS} s) ${figure(delays)}; ${delays.length} each`);
  });
});

describe('who reads a notification', () => {
  test('residents and party members read their own (help requests they posted or claimed), never the community office\'s', async () => {
    const id = await file('zhenghe', '郑和社区健身器材松动');
    expect((await stack.call('wuhang', 'POST', `/v1/whistles/${id}/accept`)).status).toBe(200);
    expect((await stack.call('wuhang', 'POST', `/v1/whistles/${id}/resolve`, { result: '已紧固' })).status).toBe(200);
    const help = await stack.call('zhenghe-resident-1', 'POST', '/v1/help-requests', {
      title: '帮忙取药', description: '腿脚不便，请帮忙到社区医院取药', communityId: 'zhenghe',
    });
    expect(help.status).toBe(201);
    const helpId = help.body.id as string;
    const step = async (as: string, action: string, body?: unknown) =>
      expect((await stack.call(as, 'POST', `/v1/help-requests/${helpId}/${action}`, body)).status).toBe(200);
    await step('zhenghe', 'verify', { approve: true });
    await step('zhenghe-member-1', 'claim', { appointmentAt: new Date(Date.now() + 3_600_000).toISOString(), place: '社区医院门口' });
    await step('zhenghe-member-1', 'check-in');
    await step('zhenghe-member-1', 'complete', { note: '药已送到' });
    await step('zhenghe-resident-1', 'confirm', { rating: 5 });

    type Item = { kind: string; subjectType: string; subjectId: string };
    const read = async (as: string) => (await stack.call(as, 'GET', '/v1/notifications?limit=100')).body.items as Item[];
    // The community office: the feedback on its whistle and its help notices (点单 to verify, 接单, 完成).
    const community = await eventually(async () => {
      const items = await read('zhenghe');
      return items.some((n) => n.subjectId === id && n.kind === 'feedback') && items.some((n) => n.subjectId === helpId && n.kind === 'help_posted')
        ? items : undefined;
    }, 20_000, 'the feedback and the help notice for the community');
    expect(community.length).toBeGreaterThan(1);
    const kindsOf = (items: Item[]) => items.filter((n) => n.subjectId === helpId).map((n) => n.kind).sort();
    // The requester: told of the claim and of the completion of its own request; the claimer: of its rating.
    const requester = await eventually(async () => {
      const items = await read('zhenghe-resident-1');
      return kindsOf(items).length === 2 ? items : undefined;
    }, 20_000, 'the requester\'s own notices');
    expect(kindsOf(requester)).toEqual(['help_claimed', 'help_completed']);
    const claimer = await eventually(async () => {
      const items = await read('zhenghe-member-1');
      return kindsOf(items).length === 1 ? items : undefined;
    }, 20_000, 'the claimer\'s own notice');
    expect(kindsOf(claimer)).toEqual(['help_rated']);
    const communityIds = new Set(community.map((n) => (n as Item & { id: string }).id));
    for (const [as, items] of [['zhenghe-resident-1', requester], ['zhenghe-member-1', claimer], ['zhenghe-resident-2', await read('zhenghe-resident-2')],
      ['zhenghe-member-2', await read('zhenghe-member-2')]] as const) {
      // Never a whistle's, never one the community office reads.
      expect({ as, whistles: items.filter((n) => n.subjectType === 'whistle') }).toEqual({ as, whistles: [] });
      expect({ as, office: items.filter((n) => communityIds.has((n as Item & { id: string }).id)) }).toEqual({ as, office: [] });
    }
    expect(kindsOf(await read('zhenghe-resident-2'))).toEqual([]);
    // Paging stays whole when items are hidden: pages of one.
    const first = await stack.call('zhenghe-resident-1', 'GET', '/v1/notifications?limit=1');
    expect(first.body.items).toHaveLength(1);
  });
});

describe('without WEBHOOK_URL', () => {
  test('nothing is sent and delivery.status is inbox', async () => {
    // The delivery loop of this file is stopped first, so nothing delivers the new notice.
    await stack.client.workflow.getHandle(loopId).terminate('inbox test');
    const inbox = await startStack({ policy: quietPolicy(900), env: { DATABASE_URL: db.url } });
    try {
      const res = await inbox.call('xiguan', 'POST', '/v1/whistles', filing({ title: '西关路口信号灯故障' }));
      expect(res.status).toBe(201);
      const item = await eventually(async () => ((await inbox.call('wuhang', 'GET', '/v1/notifications?limit=100')).body.items as
        Array<{ subjectId: string; delivery: unknown; deliveredAt: string | null }>).find((n) => n.subjectId === res.body.id), 20_000, 'the notice');
      expect(item.delivery).toEqual({ status: 'inbox', attempts: 0, lastError: null });
      expect(item.deliveredAt).toBeNull();
    } finally {
      await inbox.stop();
    }
  });
});
