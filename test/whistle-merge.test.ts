/**
 * 重复件合并 (merging repeated reports): who merges what into what, the `merged` status, the
 * original's `duplicates` and `reports`, the feedback every merged whistle's community gets, the
 * board showing the original once, and every refusal changing nothing.
 */
import { temporal } from '@temporalio/proto';
import { bundleEntry } from './support/bundles';
import { startStack, eventually, quietPolicy, type Stack } from './support/stack';
import { escalatedWhistle, fileWhistle, must, act, types } from './support/whistles';

let stack: Stack;
beforeAll(async () => { stack = await startStack({ policy: quietPolicy(600) }); });
afterAll(async () => { await stack?.stop(); });

const view = async (id: string, as = 'center') => (await stack.call(as, 'GET', `/v1/whistles/${id}`)).body;
const merge = (as: string, id: string, into: string, note?: string) => act(stack, as, id, 'merge', { into, ...(note ? { note } : {}) });

test('the street merges a repeat into its original: merged, final, and the original counts the reports', async () => {
  const original = await fileWhistle(stack, 'xiguan', { title: '3号楼水管爆裂' });
  const repeat = await fileWhistle(stack, 'xiguan-jiangjing', { title: '江景花园3号楼漏水' });
  expect((await view(repeat.id, 'wuhang')).allowedActions).toContain('merge');
  const res = await merge('wuhang', repeat.id, original.id, '同一水管');
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ status: 'merged', duplicateOf: original.id, holder: null, allowedActions: [] });
  expect(types(res.body).at(-1)).toBe('merged');
  // When the merge answers, the original shows it already (CONTRACT, "Consistency"): no wait, no retry.
  const o = await view(original.id, 'wuhang');
  expect(o).toMatchObject({ duplicates: [repeat.id], reports: 2 });
  expect(types(o).at(-1)).toBe('merged_in');
  // Final: every action on a merged whistle is 409; its workflow ends.
  for (const [as, action, body] of [['wuhang', 'accept', undefined], ['xiguan-jiangjing', 'withdraw', { reason: 'x' }],
    ['supervision', 'urge', { note: 'x' }], ['wuhang', 'merge', { into: original.id }]] as const) {
    expect([action, (await act(stack, as, repeat.id, action, body)).status]).toEqual([action, 409]);
  }
  await stack.client.workflow.getHandle(`whistle-${repeat.id}`).result();
  const attrs = (await stack.client.workflow.getHandle(`whistle-${repeat.id}`).describe()).searchAttributes;
  expect(attrs.WhistleStatus).toEqual(['merged']);
  // The merged whistle's community may view the original; a whistle that has duplicates can be neither merged nor withdrawn.
  expect((await stack.call('xiguan-jiangjing', 'GET', `/v1/whistles/${original.id}`)).status).toBe(200);
  const other = await fileWhistle(stack, 'xiguan');
  const refused = await merge('wuhang', original.id, other.id);
  expect([refused.status, refused.body.error.code]).toEqual([400, 'validation_failed']);
  expect((await act(stack, 'xiguan', original.id, 'withdraw', { reason: '不要了' })).status).toBe(409);
  expect((await view(original.id, 'wuhang')).allowedActions).not.toContain('merge');
});

test('the center merges an escalated whistle into any open one; the street only its own, while it holds them', async () => {
  const a = await escalatedWhistle(stack);
  const target = await fileWhistle(stack, 'qinjiang'); // another street (航城街道)
  expect((await merge('wuhang', a, target.id)).status).toBe(409); // escalated: no longer the street's
  const ok = await merge('center', a, target.id);
  expect(ok.status).toBe(200);
  const filed = await fileWhistle(stack, 'xiguan');
  expect((await merge('center', filed.id, target.id)).status).toBe(409); // the center merges escalated whistles only
  expect((await merge('urban', filed.id, target.id)).status).toBe(404); // a department sees only what it was dispatched
  expect((await merge('xiguan', filed.id, target.id)).status).toBe(403);
  expect((await merge('supervision', filed.id, target.id)).status).toBe(403);
});

test('merging into itself, a closed, a merged, an unknown, an invisible or another street\'s whistle is 400 and changes nothing', async () => {
  const mine = await fileWhistle(stack, 'xiguan');
  const closed = await fileWhistle(stack, 'dongguan');
  await must(stack, 'wuhang', closed.id, 'accept');
  await must(stack, 'wuhang', closed.id, 'resolve', { result: '已处理' });
  await must(stack, 'dongguan', closed.id, 'evaluate', { rating: 'satisfied' });
  const original = await fileWhistle(stack, 'zhenghe');
  const merged = await fileWhistle(stack, 'zhenghe');
  await must(stack, 'wuhang', merged.id, 'merge', { into: original.id });
  const elsewhere = await fileWhistle(stack, 'qinjiang');
  for (const [what, into] of [['itself', mine.id], ['closed', closed.id], ['merged', merged.id], ['unknown', 'nosuchwhistle00'],
    ['another street', elsewhere.id]] as const) {
    const res = await merge('wuhang', mine.id, into);
    expect([what, res.status, res.body.error?.code]).toEqual([what, 400, 'validation_failed']);
    expect(res.body.error.messageZh).toEqual(expect.any(String));
  }
  expect((await view(mine.id)).status).toBe('filed');
  expect((await merge('wuhang', mine.id, original.id)).status).toBe(200);
});

test('when the original is resolved, every merged whistle\'s community gets feedback about its own whistle, with the result; the board shows the original once', async () => {
  const original = await fileWhistle(stack, 'dongguan', { title: '东方花园停车场积水' });
  const repeat = await fileWhistle(stack, 'dongguan-dongfang', { title: '停车场积水严重', reporter: { name: '王阿姨', phone: '13900000001' } });
  const third = await fileWhistle(stack, 'xiguan', { title: '路口积水' });
  await must(stack, 'wuhang', repeat.id, 'merge', { into: original.id });
  await must(stack, 'wuhang', third.id, 'merge', { into: original.id });
  expect((await view(original.id)).reports).toBe(3);
  await must(stack, 'wuhang', original.id, 'accept');
  await must(stack, 'wuhang', original.id, 'resolve', { result: '已疏通排水管' });
  const feedback = await eventually(async () => {
    const { rows } = await stack.pool.query(
      "SELECT recipient_org_id, subject_id, message FROM notifications WHERE kind = 'feedback' AND subject_id = ANY($1) ORDER BY subject_id",
      [[original.id, repeat.id, third.id]]);
    return rows.length === 3 && rows;
  }, 15_000, 'three feedbacks');
  expect(feedback).toEqual(expect.arrayContaining([
    expect.objectContaining({ recipient_org_id: 'dongguan', subject_id: original.id }),
    expect.objectContaining({ recipient_org_id: 'dongguan-dongfang', subject_id: repeat.id, message: expect.stringContaining('已疏通排水管') }),
    expect.objectContaining({ recipient_org_id: 'xiguan', subject_id: third.id, message: expect.stringContaining('已疏通排水管') }),
  ]));
  const board = (await stack.call(null, 'GET', '/v1/communities/dongguan/board?limit=100')).body;
  const onBoard = board.items.filter((i: { title: string }) => i.title.includes('积水'));
  expect(onBoard).toHaveLength(1);
  expect(onBoard[0]).toMatchObject({ title: '东方花园停车场积水', reports: 3 });
  const xiguanBoard = (await stack.call(null, 'GET', '/v1/communities/xiguan/board?limit=100')).body;
  expect(xiguanBoard.items.some((i: { title: string }) => i.title === '路口积水')).toBe(false);
  // The street's assessment: the merged whistles stay received, and count for nothing after the merge.
  const { rows } = await stack.pool.query('SELECT resolved FROM whistle_receipts WHERE whistle_id = $1', [repeat.id]);
  expect(rows).toEqual([{ resolved: false }]);
});

test('possible duplicates: the street sees the open whistles of the same compound and category; a community does not', async () => {
  const a = await fileWhistle(stack, 'xiguan-wuhang', { category: 'greening', title: '树枝压线' });
  const b = await fileWhistle(stack, 'xiguan-wuhang', { category: 'greening', title: '大树倾斜' });
  expect((await view(b.id, 'wuhang')).possibleDuplicates).toContain(a.id);
  expect((await view(b.id, 'center')).possibleDuplicates).toContain(a.id);
  expect((await view(b.id, 'xiguan-wuhang')).possibleDuplicates).toEqual([]);
  await must(stack, 'wuhang', b.id, 'merge', { into: a.id });
  expect((await view(b.id, 'wuhang')).possibleDuplicates).toEqual([]);
});

describe('the original hears of the merge twice and takes it once', () => {
  const { EventType } = temporal.api.enums.v1;
  const history = async (id: string) => (await stack.client.workflow.getHandle(`whistle-${id}`).fetchHistory()).events ?? [];
  const signalled = async (id: string) => (await history(id)).filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED
    && e.workflowExecutionSignaledEventAttributes?.signalName === 'mergedIn').length;

  test('from the API (the mergedIn update) and from the merged whistle\'s signal, whichever comes first; the other changes nothing', async () => {
    const original = await fileWhistle(stack, 'xiguan');
    const repeat = await fileWhistle(stack, 'xiguan');
    await must(stack, 'wuhang', repeat.id, 'merge', { into: original.id, note: '同一处' });
    const updates = (await history(original.id)).filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED);
    expect(updates.map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name)).toEqual(['mergedIn']);
    await eventually(async () => (await signalled(original.id)) === 1, 15_000, 'the merged whistle\'s signal');
    const told = await stack.client.workflow.getHandle(`whistle-${original.id}`).query('view') as { reports: number; timeline: Array<{ type: string }> };
    expect(told.reports).toBe(2);
    expect(types(told).filter((t) => t === 'merged_in')).toHaveLength(1);
  });

  test('an original whose workflow has no mergedIn update (filed before it) hears of it by the signal', async () => {
    const before = await startStack({ policy: quietPolicy(600), workflowBundle: await bundleEntry(require.resolve('./support/entries/before-merged-in-update')) });
    try {
      const original = await fileWhistle(before, 'dongguan');
      const repeat = await fileWhistle(stack, 'dongguan');
      const res = await merge('wuhang', repeat.id, original.id);
      expect([res.status, res.body.status]).toEqual([200, 'merged']);
      const o = await eventually(async () => { const v = await view(original.id); return v.reports === 2 && v; }, 15_000, 'the signal');
      expect(o.duplicates).toEqual([repeat.id]);
      expect(await signalled(original.id)).toBe(1);
      // The update it has no handler for was refused without a trace in its history.
      expect((await history(original.id)).some((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
        && e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'mergedIn')).toBe(false);
    } finally {
      await before.stop();
    }
  }, 120_000);
});
