/**
 * 邻里搭把手 timers with the fast policy (help: verify 3 s, claim 4 s, check-in grace 2 s,
 * confirm 5 s): the street is reminded, the community told of an unclaimed request, a no-show
 * goes back on the board, a silent requester's request closes by itself.
 */
import { startStack, eventually, type Stack } from './support/stack';

let stack: Stack;
beforeAll(async () => { stack = await startStack(); });
afterAll(async () => { await stack.stop(); });

const types = (view: { timeline: Array<{ type: string }> }) => view.timeline.map((e) => e.type);
const isoIn = (ms: number) => new Date(Date.now() + ms).toISOString();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const body = (communityId: string) => ({ title: '帮忙搬运旧家具', description: '需要两位志愿者帮忙把旧柜子搬下楼。', communityId });
const post = async (as: string, communityId: string): Promise<string> => {
  const res = await stack.call(as, 'POST', '/v1/help-requests', body(communityId));
  expect(res.status).toBe(201);
  return res.body.id;
};
const act = (as: string, id: string, action: string, b?: unknown) => stack.call(as, 'POST', `/v1/help-requests/${id}/${action}`, b);
const get = async (id: string) => (await stack.call('center', 'GET', `/v1/help-requests/${id}`)).body;
async function notifications(id: string) {
  const { rows } = await stack.pool.query<{ event_key: string; recipient_org_id: string; recipient_account_id: string | null; kind: string }>(
    `SELECT event_key, recipient_org_id, recipient_account_id, kind FROM notifications
      WHERE subject_type = 'help' AND subject_id = $1 ORDER BY id`, [id]);
  return rows;
}
/** Waits until the request's timeline (from the read model) holds an entry of `type`. */
const until = (id: string, type: string, ms = 15_000) =>
  eventually(async () => { const v = await get(id); return types(v).includes(type) ? v : undefined; }, ms, `${type} on ${id}`);

test('verification missed: the street of the community is reminded once, the request still waits for its community', async () => {
  const id = await post('qinjiang-resident-1', 'qinjiang');
  expect(types(await get(id))).toEqual(['posted']);
  const view = await until(id, 'verification_reminder');
  expect(view.status).toBe('pending_verification');
  expect(view.timeline[1]).toMatchObject({ type: 'verification_reminder', actor: 'system' });
  expect(await notifications(id)).toEqual(expect.arrayContaining([
    { event_key: `help:${id}:2`, recipient_org_id: 'hangcheng', recipient_account_id: null, kind: 'help_verification_reminder' },
  ]));
  expect((await act('qinjiang', id, 'verify', { approve: true })).body.status).toBe('open');
  await sleep(1500);
  expect(types(await get(id)).filter((t) => t === 'verification_reminder')).toHaveLength(1);
});

test('open and unclaimed past help.claimWithin: the community is told, the request stays open for a claimer', async () => {
  const id = await post('qinjiang-resident-2', 'qinjiang');
  await act('qinjiang', id, 'verify', { approve: true });
  const view = await until(id, 'unclaimed_notice');
  expect(view.status).toBe('open');
  expect(types(view)).toEqual(['posted', 'verified', 'unclaimed_notice']);
  expect((await notifications(id)).filter((n) => n.kind === 'help_unclaimed')).toEqual([
    { event_key: `help:${id}:3`, recipient_org_id: 'qinjiang', recipient_account_id: null, kind: 'help_unclaimed' },
  ]);
  expect((await act('qinjiang-member-1', id, 'claim', { appointmentAt: isoIn(3_600_000), place: '楼下' })).body.status).toBe('claimed');
});

test('no check-in by the appointment plus the grace: back on the board, the claimer recorded as a no-show', async () => {
  const id = await post('dongjiang-resident-1', 'dongjiang');
  await act('dongjiang', id, 'verify', { approve: true });
  const claim = await act('dongjiang-member-1', id, 'claim', { appointmentAt: isoIn(1500), place: '楼下' });
  expect(claim.body.status).toBe('claimed');

  const view = await until(id, 'no_show');
  expect(view).toMatchObject({ status: 'open', claimer: null, appointmentAt: null, appointmentPlace: null, noShows: ['dongjiang-member-1'] });
  expect(view.timeline.find((e: { type: string }) => e.type === 'no_show')).toMatchObject({ actor: 'system', note: expect.stringContaining('dongjiang-member-1') });
  const { rows } = await stack.pool.query("SELECT subject_id FROM help_events WHERE help_id = $1 AND type = 'no_show'", [id]);
  expect(rows).toEqual([{ subject_id: 'dongjiang-member-1' }]);
  // The community office, and the party member who did not turn up (its own notice, addressed to its account).
  expect((await notifications(id)).filter((n) => n.kind === 'help_no_show').map((n) => [n.recipient_org_id, n.recipient_account_id]))
    .toEqual([['dongjiang', null], ['dongjiang', 'dongjiang-member-1']]);

  // The former claimer no longer acts on it; someone else may take it.
  expect((await act('dongjiang-member-1', id, 'check-in')).status).toBe(409);
  const again = await act('dongjiang-member-2', id, 'claim', { appointmentAt: isoIn(3_600_000), place: '楼下' });
  expect(again.body).toMatchObject({ status: 'claimed', claimer: { accountId: 'dongjiang-member-2' }, noShows: ['dongjiang-member-1'] });
  expect((await act('dongjiang-member-1', id, 'check-in')).status).toBe(403);
});

test('released after a no-show and still unclaimed: the claim timer starts again and the community is told', async () => {
  const id = await post('dongjiang-resident-2', 'dongjiang');
  await act('dongjiang', id, 'verify', { approve: true });
  await act('dongjiang-member-2', id, 'claim', { appointmentAt: isoIn(1000), place: '楼下' });
  const view = await until(id, 'unclaimed_notice', 20_000);
  expect(types(view)).toEqual(['posted', 'verified', 'claimed', 'no_show', 'unclaimed_notice']);
});

test('the check-in deadline counts from the appointment, not from the claim', async () => {
  const id = await post('changan-resident-1', 'changan');
  await act('changan', id, 'verify', { approve: true });
  await act('changan-member-1', id, 'claim', { appointmentAt: isoIn(6000), place: '楼下' });
  await sleep(3500); // past claim + grace, before appointment + grace
  expect((await get(id)).status).toBe('claimed');
  const view = await until(id, 'no_show');
  expect(view.noShows).toEqual(['changan-member-1']);
});

test('a check-in after the appointment but within the grace is accepted, and no no-show follows', async () => {
  const id = await post('changan-resident-2', 'changan');
  await act('changan', id, 'verify', { approve: true });
  await act('changan-member-2', id, 'claim', { appointmentAt: isoIn(1000), place: '楼下' });
  await sleep(1800);
  const res = await act('changan-member-2', id, 'check-in');
  expect(res.status).toBe(200);
  expect(res.body.status).toBe('in_service');
  await sleep(2500);
  const view = await get(id);
  expect(view.status).toBe('in_service');
  expect(view.noShows).toEqual([]);
});

test('no confirmation within help.confirmWithin: closed without a rating (confirmation_expired)', async () => {
  const id = await post('mofan-resident-1', 'mofan');
  await act('mofan', id, 'verify', { approve: true });
  await act('mofan-member-1', id, 'claim', { appointmentAt: isoIn(3_600_000), place: '楼下' });
  await act('mofan-member-1', id, 'check-in');
  const done = await act('mofan-member-1', id, 'complete', { note: '柜子已搬下楼' });
  expect(done.body.status).toBe('completed');
  await sleep(2000);
  expect((await get(id)).status).toBe('completed');
  const view = await until(id, 'confirmation_expired');
  expect(view).toMatchObject({ status: 'closed', rating: null, comment: null });
  expect(view.closedAt).toEqual(expect.any(String));
  const late = await act('mofan-resident-1', id, 'confirm', { rating: 5 });
  expect(late.status).toBe(409);
  expect(late.body.error.code).toBe('invalid_state');
});

test('each timer is a named timer in the workflow history (condition with a summary)', async () => {
  const id = await post('mofan-resident-2', 'mofan');
  await until(id, 'verification_reminder');
  const history = await stack.client.workflow.getHandle(`help-${id}`).fetchHistory();
  const summaries = (history.events ?? [])
    .filter((e) => e.timerStartedEventAttributes)
    .map((e) => JSON.parse(Buffer.from(e.userMetadata?.summary?.data ?? new Uint8Array()).toString('utf8') || 'null'));
  expect(summaries).toContain('verification reminder (help.verifyWithin)');
});
