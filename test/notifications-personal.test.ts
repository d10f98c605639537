/**
 * Notifications go to the accounts they concern (security review): a resident and a party member
 * read their own — about the help requests they posted or claimed — and never their community
 * office's; the office reads what is addressed to the unit, and no one reads another person's.
 */
import { eventually, startStack, type Stack } from './support/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    policy: { help: { verifyWithin: { seconds: 600 }, claimWithin: { seconds: 600 }, checkInGrace: { seconds: 600 }, confirmWithin: { seconds: 600 } } },
  });
});
afterAll(async () => { await stack?.stop(); });

const inAnHour = () => new Date(Date.now() + 3_600_000 + 8 * 3_600_000).toISOString().replace('Z', '+08:00');
const act = async (as: string, id: string, action: string, body?: unknown) => {
  const res = await stack.call(as, 'POST', `/v1/help-requests/${id}/${action}`, body);
  expect({ action, status: res.status }).toEqual({ action, status: 200 });
  return res.body;
};
const kindsFor = async (as: string, subjectId: string) => {
  const res = await stack.call(as, 'GET', '/v1/notifications?limit=100');
  expect(res.status).toBe(200);
  return (res.body.items as Array<{ kind: string; subjectId: string }>).filter((n) => n.subjectId === subjectId).map((n) => n.kind).sort();
};

test('a resident\'s and a party member\'s notifications are their own; the community office reads only the unit\'s', async () => {
  const posted = await stack.call('xiguan-resident-1', 'POST', '/v1/help-requests', {
    title: '帮忙搬运旧家具', description: '周六上午需要两人帮忙把旧沙发搬到楼下。', communityId: 'xiguan', place: '江景花园2号楼',
  });
  expect(posted.status).toBe(201);
  const id = posted.body.id as string;
  await act('xiguan', id, 'verify', { approve: true });
  await act('xiguan-member-1', id, 'claim', { appointmentAt: inAnHour(), place: '2号楼楼下' });
  await act('xiguan-member-1', id, 'check-in');
  await act('xiguan-member-1', id, 'complete', { note: '已搬到楼下' });
  await act('xiguan-resident-1', id, 'confirm', { rating: 5 });
  // The last notification written is the claimer's rating: once it is there, every earlier one is.
  expect(await eventually(async () => (await kindsFor('xiguan-member-1', id)).length > 0 && kindsFor('xiguan-member-1', id), 20_000, 'the rating'))
    .toEqual(['help_rated']);
  expect(await kindsFor('xiguan-resident-1', id)).toEqual(['help_claimed', 'help_completed']);
  expect(await kindsFor('xiguan', id)).toEqual(['help_claimed', 'help_completed', 'help_posted']);
  for (const other of ['xiguan-resident-2', 'xiguan-member-2']) expect({ other, kinds: await kindsFor(other, id) }).toEqual({ other, kinds: [] });
  const rows = await stack.pool.query("SELECT kind, recipient_org_id, recipient_account_id, event_key FROM notifications WHERE subject_id = $1 AND recipient_account_id IS NOT NULL ORDER BY id", [id]);
  expect(rows.rows.map((r) => [r.kind, r.recipient_org_id, r.recipient_account_id])).toEqual([
    ['help_claimed', 'xiguan', 'xiguan-resident-1'], ['help_completed', 'xiguan', 'xiguan-resident-1'], ['help_rated', 'xiguan', 'xiguan-member-1'],
  ]);
  for (const r of rows.rows) expect(r.event_key).toMatch(new RegExp(`@${r.recipient_account_id}$`));
}, 60_000);

test('a unit\'s own request stays the unit\'s: the street claims, every account of the community office reads the community\'s copy', async () => {
  const posted = await stack.call('dongguan', 'POST', '/v1/help-requests', { title: '社区活动室需要志愿者', description: '周日下午整理图书。', communityId: 'dongguan' });
  const id = posted.body.id as string;
  await act('dongguan', id, 'verify', { approve: true });
  await act('wuhang', id, 'claim', { appointmentAt: inAnHour(), place: '活动室' });
  await eventually(async () => (await kindsFor('dongguan', id)).includes('help_claimed'), 20_000, 'the claim notice');
  expect(await kindsFor('dongguan', id)).toEqual(['help_claimed', 'help_posted']);
  expect(await kindsFor('dongguan-resident-1', id)).toEqual([]);
});
