/**
 * 邻里搭把手: every action, status and role rule of a help request, with the timers set far
 * away so that only the people act (the timers have their own file).
 */
import { startStack, type Stack } from './support/stack';
import * as attrs from '../workflows/search-attributes';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    policy: { help: { verifyWithin: { seconds: 600 }, claimWithin: { seconds: 600 }, checkInGrace: { seconds: 600 }, confirmWithin: { seconds: 600 } } },
  });
});
afterAll(async () => { await stack.stop(); });

const MINUTE = 60_000;
const DAY = 86_400_000;
/** An instant `ms` from now as Asia/Shanghai wall time with its +08:00 zone. */
const shanghaiIn = (ms: number) => new Date(Date.now() + ms + 8 * 3_600_000).toISOString().replace('Z', '+08:00');
const types = (view: { timeline: Array<{ type: string }> }) => view.timeline.map((e) => e.type);

function helpBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: '独居老人需要陪同就医',
    description: '王奶奶周五上午需要有人陪同去区医院复查。',
    communityId: 'xiguan',
    place: '江景花园3号楼一单元',
    ...overrides,
  };
}
const post = (as: string, body: Record<string, unknown> = helpBody(), headers?: Record<string, string>) =>
  stack.call(as, 'POST', '/v1/help-requests', body, headers);
const act = (as: string | null, id: string, action: string, body?: unknown) =>
  stack.call(as, 'POST', `/v1/help-requests/${id}/${action}`, body);
const get = (as: string, id: string) => stack.call(as, 'GET', `/v1/help-requests/${id}`);
const claimBody = (overrides: Record<string, unknown> = {}) => ({ appointmentAt: shanghaiIn(60 * MINUTE), place: '3号楼一单元门口', ...overrides });

async function posted(as = 'xiguan-resident-1', body = helpBody()): Promise<string> {
  const res = await post(as, body);
  expect(res.status).toBe(201);
  return res.body.id as string;
}
async function opened(as = 'xiguan-resident-1', body = helpBody()): Promise<string> {
  const id = await posted(as, body);
  const res = await act(body.communityId as string, id, 'verify', { approve: true });
  expect(res.body.status).toBe('open');
  return id;
}
async function claimed(by = 'xiguan-member-1', as = 'xiguan-resident-1'): Promise<string> {
  const id = await opened(as);
  const res = await act(by, id, 'claim', claimBody());
  expect(res.body.status).toBe('claimed');
  return id;
}
async function inService(by = 'xiguan-member-1'): Promise<string> {
  const id = await claimed(by);
  expect((await act(by, id, 'check-in')).body.status).toBe('in_service');
  return id;
}
async function completed(by = 'xiguan-member-1'): Promise<string> {
  const id = await inService(by);
  expect((await act(by, id, 'complete', { note: '已陪同复查' })).body.status).toBe('completed');
  return id;
}
async function notifications(id: string) {
  const { rows } = await stack.pool.query<{ event_key: string; recipient_org_id: string; kind: string }>(
    "SELECT event_key, recipient_org_id, kind FROM notifications WHERE subject_type = 'help' AND subject_id = $1 ORDER BY id", [id]);
  return rows;
}

describe('a request walks the whole board: 点单 → 下单 → 接单 → 报到 → 完成 → 评价', () => {
  test('a resident posts, the community verifies, a party member claims, checks in, completes, and the resident rates it', async () => {
    const res = await post('xiguan-resident-1', helpBody({ neededBy: shanghaiIn(2 * DAY) }));
    expect(res.status).toBe(201);
    const id = res.body.id as string;
    expect(res.body).toMatchObject({
      id, status: 'pending_verification', communityId: 'xiguan', streetId: 'wuhang',
      requester: { accountId: 'xiguan-resident-1' }, place: '江景花园3号楼一单元', requestedPlace: '江景花园3号楼一单元',
      claimer: null, appointmentAt: null, rating: null, noShows: [],
    });
    expect(Date.parse(res.body.neededBy)).toBeGreaterThan(Date.now());
    expect(types(res.body)).toEqual(['posted']);

    const verified = await act('xiguan', id, 'verify', { approve: true });
    expect(verified.status).toBe(200);
    expect(verified.body.status).toBe('open');
    expect(verified.body.verifiedAt).toEqual(expect.any(String));

    const appointmentAt = shanghaiIn(3 * 60 * MINUTE);
    const claim = await act('xiguan-member-1', id, 'claim', { appointmentAt, place: '3号楼一单元门口' });
    expect(claim.status).toBe(200);
    expect(claim.body).toMatchObject({
      status: 'claimed', claimer: { accountId: 'xiguan-member-1', role: 'member' },
      place: '3号楼一单元门口', appointmentPlace: '3号楼一单元门口', requestedPlace: '江景花园3号楼一单元',
    });
    expect(Date.parse(claim.body.appointmentAt)).toBe(Date.parse(appointmentAt));

    const checkIn = await act('xiguan-member-1', id, 'check-in');
    expect(checkIn.status).toBe(200);
    expect(checkIn.body.status).toBe('in_service');
    expect(checkIn.body.checkedInAt).toEqual(expect.any(String));

    const done = await act('xiguan-member-1', id, 'complete', { note: '已陪同王奶奶复查并送回家' });
    expect(done.body).toMatchObject({ status: 'completed', serviceNote: '已陪同王奶奶复查并送回家' });

    const confirm = await act('xiguan-resident-1', id, 'confirm', { rating: 5, comment: '非常感谢' });
    expect(confirm.status).toBe(200);
    expect(confirm.body).toMatchObject({ status: 'closed', rating: 5, comment: '非常感谢' });
    expect(confirm.body.closedAt).toEqual(expect.any(String));
    expect(types(confirm.body)).toEqual(['posted', 'verified', 'claimed', 'checked_in', 'completed', 'confirmed']);

    // The requester reads the people by name; a resident of another community reads them masked, and not where the service happened.
    expect(confirm.body.requester).toEqual({ accountId: 'xiguan-resident-1', name: '张阿姨' });
    expect(confirm.body.claimer).toEqual({ accountId: 'xiguan-member-1', role: 'member', name: '林秀英（党员）' });
    expect(confirm.body).toMatchObject({ place: '3号楼一单元门口', requestedPlace: '江景花园3号楼一单元', appointmentPlace: '3号楼一单元门口' });
    const read = await get('dongguan-resident-2', id);
    expect(read.status).toBe(200);
    const masked = (name: string) => `${name[0]}*`;
    expect(read.body).toEqual({
      ...confirm.body,
      place: null, requestedPlace: null, appointmentPlace: null,
      requester: { accountId: 'xiguan-resident-1', name: '张*' },
      claimer: { accountId: 'xiguan-member-1', role: 'member', name: '林*' },
      timeline: confirm.body.timeline.map((e: { type: string; actor: string; actorName: string | null; note: string | null }) => ({
        ...e, actorName: e.actor.includes('-resident-') || e.actor.includes('-member-') ? masked(e.actorName!) : e.actorName,
        note: e.type === 'claimed' ? e.note!.split(' @ ')[0] : e.note,
      })),
    });
    expect(JSON.stringify(read.body)).not.toContain('3号楼一单元');
    const entry = read.body.timeline[2];
    expect(entry).toEqual({
      at: expect.any(String), type: 'claimed', actor: 'xiguan-member-1', actorName: '林*', note: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(confirm.body.timeline[2].note).toContain('3号楼一单元门口');
    // The verifying community is named as the office it is.
    expect(read.body.timeline[1]).toMatchObject({ type: 'verified', actor: 'xiguan', actorName: '西关社区' });
  });

  test('every step is published to the read model and tells the right units (event key help:<id>:<seq>)', async () => {
    const id = await completed('xiguan-member-2');
    await act('xiguan-resident-1', id, 'confirm', { rating: 4 });
    const { rows } = await stack.pool.query('SELECT status, community_id, street_id, requester_id, claimer_id, rating FROM help_requests WHERE id = $1', [id]);
    expect(rows[0]).toEqual({ status: 'closed', community_id: 'xiguan', street_id: 'wuhang', requester_id: 'xiguan-resident-1', claimer_id: 'xiguan-member-2', rating: 4 });
    const events = await stack.pool.query('SELECT seq, type, subject_id FROM help_events WHERE help_id = $1 ORDER BY seq', [id]);
    expect(events.rows).toEqual([
      { seq: 1, type: 'posted', subject_id: null },
      { seq: 2, type: 'verified', subject_id: null },
      { seq: 3, type: 'claimed', subject_id: 'xiguan-member-2' },
      { seq: 4, type: 'checked_in', subject_id: 'xiguan-member-2' },
      { seq: 5, type: 'completed', subject_id: 'xiguan-member-2' },
      { seq: 6, type: 'confirmed', subject_id: 'xiguan-member-2' },
    ]);
    const sent = await notifications(id);
    expect(sent).toEqual(expect.arrayContaining([
      { event_key: `help:${id}:1`, recipient_org_id: 'xiguan', kind: 'help_posted' },
      { event_key: `help:${id}:2`, recipient_org_id: 'wuhang', kind: 'help_open' },
      { event_key: `help:${id}:3`, recipient_org_id: 'xiguan', kind: 'help_claimed' },
      { event_key: `help:${id}:5`, recipient_org_id: 'xiguan', kind: 'help_completed' },
    ]));
    // One notification per event and recipient: nothing is sent twice.
    expect(new Set(sent.map((n) => `${n.event_key}/${n.recipient_org_id}`)).size).toBe(sent.length);
  });

  test('the street office of the community may take a request (接单) and serve it', async () => {
    const id = await opened('xiguan-resident-2');
    const res = await act('wuhang', id, 'claim', claimBody());
    expect(res.status).toBe(200);
    expect(res.body.claimer).toEqual({ accountId: 'wuhang', role: 'street', name: '吴航街道' });
    expect((await act('wuhang', id, 'check-in')).body.status).toBe('in_service');
    expect((await act('wuhang', id, 'complete', { note: '街道志愿者已上门' })).body.status).toBe('completed');
  });

  test('a party member of another community may take the request too (anyone can take part)', async () => {
    const id = await opened();
    const res = await act('qinjiang-member-1', id, 'claim', claimBody());
    expect(res.status).toBe(200);
    expect(res.body.claimer.accountId).toBe('qinjiang-member-1');
  });

  test('any account may post a need, e.g. a party member or a department', async () => {
    expect((await post('xiguan-member-1')).status).toBe(201);
    const res = await post('civil', helpBody({ communityId: 'dongguan' }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ communityId: 'dongguan', streetId: 'wuhang', requester: { accountId: 'civil' } });
  });
});

describe('verification (社区下单)', () => {
  test('the community rejects with a reason: rejected, final, the reason kept', async () => {
    const id = await posted();
    const res = await act('xiguan', id, 'verify', { approve: false, reason: '已电话核实，需求不属实' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'rejected', reason: '已电话核实，需求不属实' });
    expect(types(res.body)).toEqual(['posted', 'rejected']);
    expect((await act('xiguan-member-1', id, 'claim', claimBody())).status).toBe(409);
    expect((await act('xiguan', id, 'verify', { approve: true })).status).toBe(409);
  });

  test('rejecting needs a reason (400 validation_failed)', async () => {
    const id = await posted();
    for (const body of [{ approve: false }, { approve: false, reason: '   ' }]) {
      const res = await act('xiguan', id, 'verify', body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    expect((await get('xiguan', id)).body.status).toBe('pending_verification');
  });

  test('only that community verifies: residents, members, the street, another community and a compound are 403', async () => {
    const id = await posted();
    for (const who of ['xiguan-resident-1', 'xiguan-member-1', 'wuhang', 'dongguan', 'xiguan-jiangjing', 'center']) {
      const res = await act(who, id, 'verify', { approve: true });
      expect([who, res.status, res.body.error?.code]).toEqual([who, 403, 'forbidden']);
    }
  });

  test('verifying twice is 409 invalid_state', async () => {
    const id = await opened();
    const res = await act('xiguan', id, 'verify', { approve: true });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('invalid_state');
  });

  test('a verify body with unknown fields or a non-boolean approve is 400', async () => {
    const id = await posted();
    expect((await act('xiguan', id, 'verify', { approve: 'yes' })).status).toBe(400);
    expect((await act('xiguan', id, 'verify', { approve: true, extra: 1 })).status).toBe(400);
    expect((await act('xiguan', id, 'verify')).status).toBe(400);
  });
});

describe('claiming (接单) and appointments', () => {
  test('only a member or the street of that community claims: residents, communities, another street, the center are 403', async () => {
    const id = await opened();
    for (const who of ['xiguan-resident-2', 'xiguan', 'hangcheng', 'center', 'civil', 'supervision']) {
      const res = await act(who, id, 'claim', claimBody());
      expect([who, res.status]).toEqual([who, 403]);
    }
  });

  test('nobody takes their own request', async () => {
    const id = await opened('xiguan-member-2');
    const res = await act('xiguan-member-2', id, 'claim', claimBody());
    expect(res.status).toBe(403);
  });

  test('a request is claimed only while open: pending is 409, already claimed is 409', async () => {
    const pending = await posted();
    expect((await act('xiguan-member-1', pending, 'claim', claimBody())).status).toBe(409);
    const taken = await claimed('xiguan-member-1');
    const res = await act('xiguan-member-2', taken, 'claim', claimBody());
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('invalid_state');
  });

  test.each([
    ['no zone', () => new Date(Date.now() + 3_600_000).toISOString().replace('Z', '')],
    ['not a date', () => 'next friday'],
    ['an impossible date', () => '2027-02-30T09:00:00+08:00'],
    ['in the past', () => shanghaiIn(-MINUTE)],
    ['beyond 90 days', () => shanghaiIn(91 * DAY)],
  ])('an appointment %s is 400 validation_failed and changes nothing', async (_what, at) => {
    const id = await opened();
    const res = await act('xiguan-member-1', id, 'claim', { appointmentAt: at(), place: '门口' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.message).toMatch(/appointmentAt/);
    expect((await get('xiguan', id)).body.status).toBe('open');
  });

  test('an appointment in UTC (Z) within the horizon is accepted', async () => {
    const id = await opened();
    const at = new Date(Date.now() + 89 * DAY).toISOString();
    const res = await act('xiguan-member-1', id, 'claim', { appointmentAt: at, place: '门口' });
    expect(res.status).toBe(200);
    expect(res.body.appointmentAt).toBe(at);
  });

  test('a claim needs a place and nothing else', async () => {
    const id = await opened();
    expect((await act('xiguan-member-1', id, 'claim', { appointmentAt: shanghaiIn(MINUTE * 30) })).status).toBe(400);
    expect((await act('xiguan-member-1', id, 'claim', { ...claimBody(), phone: '13800000000' })).status).toBe(400);
  });
});

describe('check-in (报到), completion and confirmation', () => {
  test('only the claimer checks in; others are 403, and checking in twice is 409', async () => {
    const id = await claimed('xiguan-member-1');
    for (const who of ['xiguan-member-2', 'wuhang', 'xiguan-resident-1', 'xiguan']) {
      expect([who, (await act(who, id, 'check-in')).status]).toEqual([who, 403]);
    }
    expect((await act('xiguan-member-1', id, 'check-in')).status).toBe(200);
    expect((await act('xiguan-member-1', id, 'check-in')).status).toBe(409);
  });

  test('check-in on an open request is 409 for a member and 403 for a resident', async () => {
    const id = await opened();
    expect((await act('xiguan-member-1', id, 'check-in')).status).toBe(409);
    expect((await act('xiguan-resident-2', id, 'check-in')).status).toBe(403);
  });

  test('check-in takes no body', async () => {
    const id = await claimed('xiguan-member-1');
    expect((await act('xiguan-member-1', id, 'check-in', { late: true })).status).toBe(400);
  });

  test('only the claimer completes, only after check-in, with a note', async () => {
    const id = await claimed('xiguan-member-1');
    expect((await act('xiguan-member-1', id, 'complete', { note: '完成' })).status).toBe(409);
    await act('xiguan-member-1', id, 'check-in');
    expect((await act('xiguan-member-2', id, 'complete', { note: '完成' })).status).toBe(403);
    expect((await act('xiguan-member-1', id, 'complete', {})).status).toBe(400);
    expect((await act('xiguan-member-1', id, 'complete', { note: ' ' })).status).toBe(400);
    expect((await act('xiguan-member-1', id, 'complete', { note: '完成' })).status).toBe(200);
  });

  test('only the requester confirms, only when completed, with 1–5 whole stars', async () => {
    const early = await inService('xiguan-member-1');
    expect((await act('xiguan-resident-1', early, 'confirm', { rating: 5 })).status).toBe(409);
    const id = await completed('xiguan-member-1');
    for (const who of ['xiguan-resident-2', 'xiguan', 'xiguan-member-1', 'center']) {
      expect([who, (await act(who, id, 'confirm', { rating: 5 })).status]).toEqual([who, 403]);
    }
    for (const rating of [0, 6, 3.5, '5', 'satisfied']) {
      const res = await act('xiguan-resident-1', id, 'confirm', { rating });
      expect([rating, res.status, res.body.error?.code]).toEqual([rating, 400, 'validation_failed']);
    }
    const res = await act('xiguan-resident-1', id, 'confirm', { rating: 1 });
    expect(res.body).toMatchObject({ status: 'closed', rating: 1, comment: null });
    expect((await act('xiguan-resident-1', id, 'confirm', { rating: 2 })).status).toBe(409);
  });
});

describe('cancelling', () => {
  test('the requester cancels while pending verification', async () => {
    const id = await posted();
    const res = await act('xiguan-resident-1', id, 'cancel', { reason: '家人已回来照顾' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'cancelled', reason: '家人已回来照顾' });
    expect((await act('xiguan', id, 'verify', { approve: true })).status).toBe(409);
  });

  test('the requester cancels while open on the board; the street that was told is told again', async () => {
    const id = await opened();
    const res = await act('xiguan-resident-1', id, 'cancel', { reason: '不需要了' });
    expect(res.body.status).toBe('cancelled');
    const sent = await notifications(id);
    expect(sent.filter((n) => n.kind === 'help_cancelled').map((n) => n.recipient_org_id).sort()).toEqual(['wuhang', 'xiguan']);
  });

  test('no cancelling once claimed (409), and only the requester cancels (403), also after the end', async () => {
    const id = await claimed('xiguan-member-1');
    expect((await act('xiguan-resident-1', id, 'cancel', { reason: 'x' })).status).toBe(409);
    expect((await act('xiguan-member-1', id, 'cancel', { reason: 'x' })).status).toBe(403);
    const ended = await posted();
    await act('xiguan-resident-1', ended, 'cancel', { reason: '不需要了' });
    expect((await act('xiguan-resident-1', ended, 'cancel', { reason: 'again' })).status).toBe(409);
    expect((await act('xiguan-resident-2', ended, 'cancel', { reason: 'x' })).status).toBe(403);
  });

  test('cancelling needs a reason', async () => {
    const id = await posted();
    expect((await act('xiguan-resident-1', id, 'cancel', {})).status).toBe(400);
  });
});

describe('posting', () => {
  test('the same Idempotency-Key from the same account gives the same request; another account gets its own', async () => {
    const key = `help-key-${Date.now()}`;
    const a = await post('xiguan-resident-1', helpBody(), { 'idempotency-key': key });
    const b = await post('xiguan-resident-1', helpBody(), { 'idempotency-key': key });
    const c = await post('xiguan-resident-2', helpBody(), { 'idempotency-key': key });
    expect([a.status, b.status, c.status]).toEqual([201, 201, 201]);
    expect(b.body.id).toBe(a.body.id);
    expect(c.body.id).not.toBe(a.body.id);
    expect(types(b.body)).toEqual(['posted']);
    const { rows } = await stack.pool.query('SELECT count(*)::int AS n FROM help_requests WHERE id = $1', [a.body.id]);
    expect(rows[0].n).toBe(1);
  });

  test('a key reused after the request ended answers with that request', async () => {
    const key = `help-ended-${Date.now()}`;
    const a = await post('xiguan-resident-1', helpBody(), { 'idempotency-key': key });
    await act('xiguan-resident-1', a.body.id, 'cancel', { reason: '不需要了' });
    const again = await post('xiguan-resident-1', helpBody(), { 'idempotency-key': key });
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ id: a.body.id, status: 'cancelled' });
  });

  test.each([
    ['an unknown community', { communityId: 'nowhere' }],
    ['a compound instead of a community', { communityId: 'xiguan-jiangjing' }],
    ['an empty title', { title: '' }],
    ['a blank description', { description: '   ' }],
    ['an unknown field', { phone: '13800000000' }],
    ['a neededBy without zone', { neededBy: '2030-01-01T10:00:00' }],
    ['a neededBy in the past', { neededBy: shanghaiIn(-DAY) }],
    ['a neededBy beyond 90 days', { neededBy: shanghaiIn(120 * DAY) }],
  ])('a post with %s is 400 validation_failed', async (_what, overrides) => {
    const res = await post('xiguan-resident-1', helpBody(overrides));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
  });

  test('without a key nothing is posted twice by accident: two posts are two requests', async () => {
    const a = await post('xiguan-resident-1');
    const b = await post('xiguan-resident-1');
    expect(a.body.id).not.toBe(b.body.id);
  });

  test('unauthenticated calls are 401', async () => {
    expect((await stack.call(null, 'POST', '/v1/help-requests', helpBody())).status).toBe(401);
    expect((await stack.call(null, 'GET', '/v1/help-requests')).status).toBe(401);
  });
});

describe('reading and the board', () => {
  test('an unknown request is 404 to read and to act on', async () => {
    expect((await get('xiguan', 'no-such-request')).status).toBe(404);
    const res = await act('xiguan', 'no-such-request', 'verify', { approve: true });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });

  test('every account reads the board, filtered by status and community, newest first, page by page', async () => {
    const mine = [];
    // 郑和社区 is used by no other help test file, so its open requests are these three.
    for (let i = 0; i < 3; i++) mine.push(await opened('zhenghe-resident-1', helpBody({ communityId: 'zhenghe', title: `看护 ${i}` })));
    const first = await stack.call('jinfeng', 'GET', '/v1/help-requests?communityId=zhenghe&status=open&limit=2');
    expect(first.status).toBe(200);
    expect(first.body.items.map((r: { id: string }) => r.id)).toEqual([mine[2], mine[1]]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await stack.call('jinfeng', 'GET',
      `/v1/help-requests?communityId=zhenghe&status=open&limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(second.body.items.map((r: { id: string }) => r.id)).toEqual([mine[0]]);
    expect(second.body.nextCursor).toBeNull();
    for (const item of [...first.body.items, ...second.body.items]) {
      expect(item).toMatchObject({ status: 'open', communityId: 'zhenghe' });
      expect(JSON.stringify(item)).not.toMatch(/phone/);
    }
    const pending = await stack.call('zhenghe-member-1', 'GET', '/v1/help-requests?status=pending_verification');
    expect(pending.body.items.every((r: { status: string }) => r.status === 'pending_verification')).toBe(true);
    const byStreet = await stack.call('center', 'GET', '/v1/help-requests?streetId=wuhang&requesterId=zhenghe-resident-1');
    expect(byStreet.body.items.map((r: { id: string }) => r.id)).toEqual(expect.arrayContaining(mine));
    const otherStreet = await stack.call('center', 'GET', '/v1/help-requests?streetId=yingqian&requesterId=zhenghe-resident-1');
    expect(otherStreet.body.items).toEqual([]);
  });

  test('the board filters by claimer and requester', async () => {
    const id = await claimed('mofan-member-1', 'mofan-resident-1');
    const byClaimer = await stack.call('mofan', 'GET', '/v1/help-requests?claimerId=mofan-member-1');
    expect(byClaimer.body.items.map((r: { id: string }) => r.id)).toContain(id);
    const byRequester = await stack.call('mofan', 'GET', '/v1/help-requests?requesterId=mofan-resident-1');
    expect(byRequester.body.items.map((r: { id: string }) => r.id)).toContain(id);
  });

  test.each([
    ['an unknown status', 'status=done'],
    ['an unknown community', 'communityId=nowhere'],
    ['a limit over 100', 'limit=101'],
    ['a forged cursor', 'cursor=bm90LWEtY3Vyc29y'],
    ['an unknown filter', 'colour=red'],
  ])('the board with %s is 400', async (_what, query) => {
    const res = await stack.call('xiguan', 'GET', `/v1/help-requests?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
  });
});

describe('Temporal: search attributes, summary and current details', () => {
  test('HelpStatus and CommunityId follow the request; the UI shows a static summary and current details', async () => {
    const id = await claimed('xiguan-member-1');
    const handle = stack.client.workflow.getHandle(`help-${id}`);
    const described = await handle.describe();
    expect(described.typedSearchAttributes.get(attrs.HelpStatus)).toBe('claimed');
    expect(described.typedSearchAttributes.get(attrs.CommunityId)).toBe('xiguan');
    expect(await described.staticSummary()).toContain('独居老人需要陪同就医');
    const meta = await handle.query<{ currentDetails: string }>('__temporal_workflow_metadata');
    expect(meta.currentDetails).toContain('claimed');
    expect(meta.currentDetails).toContain('xiguan-member-1');
  });
});
