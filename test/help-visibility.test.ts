/**
 * 邻里搭把手, who sees what: a request waiting for verification or rejected is seen only by its
 * requester, its community, its street and the center (404 for everyone else, and left out of
 * their boards); `place` only by those and the claimer. Every role, on the list, the detail and
 * the place; the three administrators never reach help requests at all (三员分立).
 */
import { canSeeHelp, helpVisibleCondition } from '../workflows/help-visibility';
import type { Actor, Role } from '../domain';
import { startStack, type Stack } from './support/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    policy: { help: { verifyWithin: { seconds: 600 }, claimWithin: { seconds: 600 }, checkInGrace: { seconds: 600 }, confirmWithin: { seconds: 600 } } },
  });
}, 60_000);
afterAll(async () => { await stack?.stop(); });

const PLACE = '江景花园3号楼一单元502室';
const MEETING = '江景花园3号楼一单元门口';

/** Every role of the dev seed, with the request's parties first (西关社区 of 吴航街道, posted by a resident). */
const PARTIES = ['xiguan-resident-1', 'xiguan', 'wuhang', 'center'];
const OTHERS = [
  'xiguan-resident-2', 'xiguan-member-1', 'xiguan-member-2', 'xiguan-jiangjing', 'dongguan', 'dongguan-resident-2',
  'hangcheng', 'supervision', 'civil',
];
const ADMINS = ['admin', 'security', 'auditor'];

async function post(): Promise<string> {
  const res = await stack.call('xiguan-resident-1', 'POST', '/v1/help-requests', {
    title: '独居老人需要陪同就医', description: '王奶奶周五上午需要有人陪同去区医院复查。', communityId: 'xiguan', place: PLACE,
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
}
const act = async (as: string, id: string, action: string, body?: unknown) => {
  const res = await stack.call(as, 'POST', `/v1/help-requests/${id}/${action}`, body);
  expect([action, res.status]).toEqual([action, 200]);
  return res.body;
};
const listed = async (as: string, id: string, query = 'communityId=xiguan&limit=100') => {
  const res = await stack.call(as, 'GET', `/v1/help-requests?${query}`);
  expect([as, res.status]).toEqual([as, 200]);
  return (res.body.items as Array<{ id: string }>).some((i) => i.id === id);
};

describe('a request waiting for verification, and one rejected', () => {
  let pending: string;
  let rejected: string;
  beforeAll(async () => {
    pending = await post();
    rejected = await post();
    await act('xiguan', rejected, 'verify', { approve: false, reason: '不属于本社区服务范围' });
  });

  test.each(PARTIES)('%s (a party) reads it with its place and finds it on the board', async (as) => {
    for (const id of [pending, rejected]) {
      const res = await stack.call(as, 'GET', `/v1/help-requests/${id}`);
      expect([as, res.status]).toEqual([as, 200]);
      expect(res.body).toMatchObject({ id, place: PLACE, requestedPlace: PLACE });
      expect(await listed(as, id)).toBe(true);
    }
    expect(await listed(as, pending, 'status=pending_verification&limit=100')).toBe(true);
  });

  test.each(OTHERS)('%s gets not_found and never finds it on the board, whatever the filter', async (as) => {
    for (const id of [pending, rejected]) {
      const res = await stack.call(as, 'GET', `/v1/help-requests/${id}`);
      expect([as, res.status, res.body.error?.code]).toEqual([as, 404, 'not_found']);
      expect(await listed(as, id)).toBe(false);
      expect(await listed(as, id, 'limit=100')).toBe(false);
    }
    expect(await listed(as, pending, 'status=pending_verification&limit=100')).toBe(false);
    expect(await listed(as, rejected, 'status=rejected&limit=100')).toBe(false);
    // Acting on it is refused as before (403 or 409), and the refusal carries nothing of the request.
    const claim = await stack.call(as, 'POST', `/v1/help-requests/${pending}/claim`, { appointmentAt: new Date(Date.now() + 3_600_000).toISOString(), place: MEETING });
    expect([as, [403, 409].includes(claim.status)]).toEqual([as, true]);
    expect(Object.keys(claim.body)).toEqual(['error']);
    for (const text of [PLACE, '独居老人', '王奶奶']) expect(JSON.stringify(claim.body)).not.toContain(text);
  });

  test.each(ADMINS)('%s (三员分立) is refused every help route', async (as) => {
    expect((await stack.call(as, 'GET', `/v1/help-requests/${pending}`)).status).toBe(403);
    expect((await stack.call(as, 'GET', '/v1/help-requests')).status).toBe(403);
  });
});

describe('a request on the board', () => {
  let open: string;
  let taken: string;
  beforeAll(async () => {
    open = await post();
    await act('xiguan', open, 'verify', { approve: true });
    taken = await post();
    await act('xiguan', taken, 'verify', { approve: true });
    await act('xiguan-member-1', taken, 'claim', { appointmentAt: new Date(Date.now() + 3_600_000).toISOString(), place: MEETING });
  });

  test.each([...PARTIES, ...OTHERS])('%s reads it and finds it; the place only for the requester, community, street, center and claimer', async (as) => {
    const party = PARTIES.includes(as);
    const res = await stack.call(as, 'GET', `/v1/help-requests/${open}`);
    expect([as, res.status]).toEqual([as, 200]);
    expect({ as, place: res.body.place, requestedPlace: res.body.requestedPlace }).toEqual({ as, place: party ? PLACE : null, requestedPlace: party ? PLACE : null });
    expect(await listed(as, open)).toBe(true);
    const page = (await stack.call(as, 'GET', '/v1/help-requests?communityId=xiguan&limit=100')).body.items as Array<{ id: string; place: string | null }>;
    expect(page.find((i) => i.id === open)?.place).toBe(party ? PLACE : null);

    // Claimed: the claimer sees the agreed place too; the timeline's claim names it only where the place is shown.
    const seesTaken = party || as === 'xiguan-member-1';
    const claimed = await stack.call(as, 'GET', `/v1/help-requests/${taken}`);
    expect(claimed.status).toBe(200);
    expect({ as, place: claimed.body.place, appointmentPlace: claimed.body.appointmentPlace, requestedPlace: claimed.body.requestedPlace })
      .toEqual({ as, place: seesTaken ? MEETING : null, appointmentPlace: seesTaken ? MEETING : null, requestedPlace: seesTaken ? PLACE : null });
    const note = (claimed.body.timeline as Array<{ type: string; note: string | null }>).find((e) => e.type === 'claimed')!.note!;
    expect({ as, names: note.includes(MEETING) }).toEqual({ as, names: seesTaken });
    expect(JSON.stringify(claimed.body).includes(PLACE)).toBe(seesTaken);
  });

  test('the claimer also sees the place in the answer of its own actions', async () => {
    const view = await act('xiguan-member-1', taken, 'check-in');
    expect(view).toMatchObject({ status: 'in_service', place: MEETING, appointmentPlace: MEETING });
  });
});

describe('the rule and its SQL condition agree', () => {
  const roles: Role[] = ['center', 'supervisor', 'street', 'community', 'department', 'member', 'resident', 'admin', 'security', 'auditor'];
  const statuses = ['pending_verification', 'rejected', 'open', 'claimed', 'in_service', 'completed', 'closed', 'cancelled'];

  test('for every role, organisation and status, the board\'s condition keeps exactly what canSeeHelp allows', async () => {
    const client = await stack.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`CREATE TEMP TABLE help_requests_probe (id text, status text, community_id text, street_id text, requester_id text) ON COMMIT DROP`);
      const rows: Array<[string, string, string, string, string]> = [];
      for (const status of statuses) {
        for (const [community, street] of [['xiguan', 'wuhang'], ['dongguan', 'wuhang'], ['yingqian-c', 'hangcheng']]) {
          for (const requester of ['p1', 'xiguan', 'wuhang']) rows.push([`${status}/${community}/${requester}`, status, community, street, requester]);
        }
      }
      for (const r of rows) await client.query('INSERT INTO help_requests_probe VALUES ($1, $2, $3, $4, $5)', r);
      for (const role of roles) {
        for (const [orgId, accountId] of [['xiguan', 'xiguan'], ['wuhang', 'wuhang'], ['xiguan', 'p1'], ['center', 'center'], ['hangcheng', 'p2']]) {
          const actor: Actor = { accountId, role, orgId };
          const params: unknown[] = [];
          const condition = helpVisibleCondition(actor, (v) => { params.push(v); return `$${params.length}`; });
          const { rows: seen } = await client.query<{ id: string }>(`SELECT id FROM help_requests_probe WHERE ${condition}`, params);
          const expected = rows.filter(([, status, communityId, streetId, requesterId]) => canSeeHelp({ status, communityId, streetId, requesterId }, actor))
            .map(([id]) => id).sort();
          expect({ actor, seen: seen.map((r) => r.id).sort() }).toEqual({ actor, seen: expected });
        }
      }
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
  });
});
