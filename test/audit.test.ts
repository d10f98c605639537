/**
 * The audit log (审计日志) through `GET /v1/audit`: the center and supervisors read it, newest
 * first, filtered by ISO dates (days in Asia/Shanghai) or instants, in keyset pages.
 */
import { recordAudit } from '../lib/audit';
import { startStack, type Stack } from './support/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ noWorker: true });
  // 2001: a year no other test writes to. 12 entries one hour apart on 2001-03-01/02 (UTC), and
  // 25 written in one transaction (one instant for all: the page order falls back on the id).
  const client = await stack.pool.connect();
  try {
    await client.query('BEGIN');
    for (let h = 0; h < 12; h++) {
      await client.query("INSERT INTO audit_log (at, type, actor, subject, note) VALUES ($1, 'key_rotated', 'cli:ops', $2, 'new API key issued')",
        [new Date(Date.UTC(2001, 2, 1, 12 + h, 30)), `hour-${h}`]);
    }
    await client.query('COMMIT');
    await client.query('BEGIN');
    await client.query("SET LOCAL TIME ZONE 'UTC'");
    for (let i = 0; i < 25; i++) {
      await client.query("INSERT INTO audit_log (at, type, actor, subject, note) VALUES ('2001-06-01T08:00:00.123456Z', 'account_created', 'cli:ops', $1, 'member of xiguan')", [`same-${i}`]);
    }
    await client.query('COMMIT');
  } finally {
    client.release();
  }
});
afterAll(async () => { await stack?.stop(); });

async function allPages(as: string, query: string, limit: number) {
  const subjects: string[] = [];
  const ats: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res = await stack.call(as, 'GET', `/v1/audit?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeLessThanOrEqual(limit);
    subjects.push(...res.body.items.map((i: { subject: string }) => i.subject));
    ats.push(...res.body.items.map((i: { at: string }) => i.at));
    cursor = res.body.nextCursor;
    pages++;
  } while (cursor && pages < 50);
  return { subjects, ats, pages };
}

test('the center, supervisors and the auditor read the audit log; every other role is 403, no credential 401', async () => {
  for (const as of ['center', 'supervision', 'auditor']) expect((await stack.call(as, 'GET', '/v1/audit')).status).toBe(200);
  for (const as of ['wuhang', 'xiguan', 'housing', 'xiguan-member-1', 'xiguan-resident-1', 'admin', 'security']) {
    const res = await stack.call(as, 'GET', '/v1/audit');
    expect({ as, status: res.status, code: res.body.error?.code }).toEqual({ as, status: 403, code: 'forbidden' });
  }
  expect((await stack.call(null, 'GET', '/v1/audit')).status).toBe(401);
});

test('items are { at, type, actor, subject, note, seq, hash, address }, newest first', async () => {
  const res = await stack.call('center', 'GET', '/v1/audit?from=2001-03-01&to=2001-03-31&limit=3');
  const chained = { seq: expect.any(Number), hash: expect.stringMatching(/^[0-9a-f]{64}$/), address: null };
  expect(res.body.items).toEqual([
    { at: '2001-03-01T23:30:00.000Z', type: 'key_rotated', actor: 'cli:ops', subject: 'hour-11', note: 'new API key issued', ...chained },
    { at: '2001-03-01T22:30:00.000Z', type: 'key_rotated', actor: 'cli:ops', subject: 'hour-10', note: 'new API key issued', ...chained },
    { at: '2001-03-01T21:30:00.000Z', type: 'key_rotated', actor: 'cli:ops', subject: 'hour-9', note: 'new API key issued', ...chained },
  ]);
  expect(res.body.items.map((i: { seq: number }) => i.seq)).toEqual([...res.body.items.map((i: { seq: number }) => i.seq)].sort((a, b) => b - a));
  expect(res.body.nextCursor).toEqual(expect.any(String));
});

test('from and to are days in Asia/Shanghai, both inclusive', async () => {
  // 2001-03-01 12:30Z … 23:30Z: 20:30 on 1 March to 07:30 on 2 March in Shanghai.
  const first = await allPages('center', 'from=2001-03-01&to=2001-03-01', 100);
  expect(first.subjects).toEqual(['hour-3', 'hour-2', 'hour-1', 'hour-0']);
  const second = await allPages('supervision', 'from=2001-03-02&to=2001-03-02', 100);
  expect(second.subjects).toEqual(['hour-11', 'hour-10', 'hour-9', 'hour-8', 'hour-7', 'hour-6', 'hour-5', 'hour-4']);
});

test('from and to may be instants with an offset, both inclusive', async () => {
  const res = await allPages('center', `from=${encodeURIComponent('2001-03-01T15:30:00Z')}&to=${encodeURIComponent('2001-03-02T02:30:00+08:00')}`, 100);
  expect(res.subjects).toEqual(['hour-6', 'hour-5', 'hour-4', 'hour-3']);
});

test('pages follow the cursor to the end without losing or repeating an entry, also within one instant', async () => {
  const hours = await allPages('center', 'from=2001-03-01&to=2001-03-02', 5);
  expect(hours.pages).toBe(3);
  expect(hours.subjects).toEqual(Array.from({ length: 12 }, (_, h) => `hour-${11 - h}`));
  const same = await allPages('center', 'from=2001-06-01&to=2001-06-01', 7);
  expect(same.pages).toBe(4);
  expect(same.subjects).toEqual(Array.from({ length: 25 }, (_, i) => `same-${24 - i}`));
  expect(new Set(same.ats)).toEqual(new Set(['2001-06-01T08:00:00.123Z']));
});

test('entries written by recordAudit appear at once, newest first', async () => {
  await recordAudit(stack.pool, { type: 'catalogue_changed', actor: 'center', subject: 'utilities', note: 'lead: water' });
  const res = await stack.call('center', 'GET', '/v1/audit?limit=1');
  expect(res.body.items[0]).toMatchObject({ type: 'catalogue_changed', actor: 'center', subject: 'utilities', note: 'lead: water' });
});

test('actor, type and subject narrow the log (each exact), through every page of the cursor', async () => {
  const year = 'from=2001-01-01&to=2001-12-31';
  const created = await allPages('auditor', `${year}&type=account_created`, 10);
  expect(created.subjects).toHaveLength(25);
  expect(created.subjects.every((s) => s.startsWith('same-'))).toBe(true);
  expect(created.pages).toBe(3);
  expect((await allPages('auditor', `${year}&actor=cli%3Aops&type=key_rotated`, 100)).subjects).toHaveLength(12);
  expect((await allPages('center', `${year}&subject=hour-3`, 100)).subjects).toEqual(['hour-3']);
  expect((await allPages('center', `${year}&actor=cli%3Anobody`, 100)).subjects).toEqual([]);
  expect((await allPages('center', `${year}&actor=cli%3Aop`, 100)).subjects).toEqual([]);
  const bad = await stack.call('auditor', 'GET', '/v1/audit?type=no_such_type');
  expect({ status: bad.status, code: bad.body.error?.code }).toEqual({ status: 400, code: 'validation_failed' });
});

test('bad queries are 400 validation_failed', async () => {
  for (const q of ['limit=0', 'limit=101', 'from=yesterday', 'from=2001-02-30', 'to=2001-03-01T10:00:00', 'from=2001-03-02&to=2001-03-01',
    'cursor=bm90LWEtY3Vyc29y', `cursor=${Buffer.from(JSON.stringify(['2001-03-01T12:30:00.000Z', 'abc'])).toString('base64url')}`, 'sort=asc']) {
    const res = await stack.call('center', 'GET', `/v1/audit?${q}`);
    expect({ q, status: res.status, code: res.body.error?.code }).toEqual({ q, status: 400, code: 'validation_failed' });
  }
});
