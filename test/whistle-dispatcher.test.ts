/**
 * The dispatcher's trade (12345 practice): the dispatch catalogue (派单目录), extension requests
 * (延期申请), the center's final dispatch after returns (退单, 终审), and early warnings before
 * deadlines (临期预警) — each in its allowed and forbidden cases, and each deadline that moves
 * moving its timer.
 */
import { WorkingCalendar } from '../lib/calendar';
import { startStack, eventually, quietPolicy, type Stack } from './support/stack';
import { dispatchedWhistle, escalatedWhistle, fileWhistle, must, act, types } from './support/whistles';

let stack: Stack;
beforeAll(async () => { stack = await startStack({ policy: quietPolicy(600) }); });
afterAll(async () => { await stack?.stop(); });

const view = async (s: Stack, id: string, as = 'center') => (await s.call(as, 'GET', `/v1/whistles/${id}`)).body;
const notified = async (s: Stack, id: string, kind: string) =>
  (await s.pool.query('SELECT recipient_org_id FROM notifications WHERE subject_id = $1 AND kind = $2 ORDER BY recipient_org_id', [id, kind]))
    .rows.map((r) => r.recipient_org_id as string);
const later = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

async function handledByStreet(s: Stack) {
  const w = await fileWhistle(s);
  await must(s, 'wuhang', w.id, 'accept');
  return (await view(s, w.id)) as { id: string; dueAt: string };
}

describe('the dispatch catalogue (派单目录)', () => {
  test('the seed has an entry for every category with seeded departments; the center, supervisors and departments read it', async () => {
    const categories = (await stack.call(null, 'GET', '/v1/categories')).body as Array<{ id: string }>;
    const res = await stack.call('supervision', 'GET', '/v1/dispatch-catalogue');
    expect(res.status).toBe(200);
    expect(res.body.map((e: { category: string }) => e.category)).toEqual(categories.map((c) => c.id));
    const departments = new Set((await stack.call('center', 'GET', '/v1/orgs')).body
      .filter((o: { kind: string }) => o.kind === 'department').map((o: { id: string }) => o.id));
    for (const e of res.body) {
      expect(['immediate', 'phased', 'understanding']).toContain(e.list);
      expect(e.departmentIds.length).toBeGreaterThan(0);
      for (const d of e.departmentIds) expect(departments.has(d)).toBe(true);
      expect(e.departmentIds).toContain(e.leadDepartmentId);
    }
    expect((await stack.call('urban', 'GET', '/v1/dispatch-catalogue')).status).toBe(200);
    for (const as of ['wuhang', 'xiguan', 'xiguan-member-1']) {
      expect([as, (await stack.call(as, 'GET', '/v1/dispatch-catalogue')).status]).toEqual([as, 403]);
    }
  });

  test('the center changes an entry (audited); others may not; bad categories, departments and lead rules are 400', async () => {
    const put = (as: string, category: string, body: unknown) => stack.call(as, 'PUT', `/v1/dispatch-catalogue/${category}`, body);
    const ok = await put('center', 'greening', { list: 'phased', departmentIds: ['urban', 'planning'], leadDepartmentId: 'planning' });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ category: 'greening', list: 'phased', departmentIds: ['urban', 'planning'], leadDepartmentId: 'planning' });
    const entry = (await stack.call('center', 'GET', '/v1/dispatch-catalogue')).body.find((e: { category: string }) => e.category === 'greening');
    expect(entry).toEqual(ok.body);
    const audit = await stack.pool.query("SELECT actor, subject, note FROM audit_log WHERE type = 'catalogue_changed' ORDER BY id DESC LIMIT 1");
    expect(audit.rows[0]).toMatchObject({ actor: 'center', subject: 'greening' });
    expect((await put('supervision', 'greening', { list: 'immediate', departmentIds: ['urban'] })).status).toBe(403);
    for (const [category, body] of [
      ['flying_saucers', { list: 'immediate', departmentIds: ['urban'] }],
      ['greening', { list: 'immediate', departmentIds: ['nosuch'] }],
      ['greening', { list: 'immediate', departmentIds: ['urban', 'water'] }],
      ['greening', { list: 'immediate', departmentIds: ['urban', 'water'], leadDepartmentId: 'police' }],
      ['greening', { list: 'soon', departmentIds: ['urban'] }],
      ['greening', { list: 'immediate', departmentIds: ['urban'], extra: 1 }],
    ] as const) {
      const res = await put('center', category, body);
      expect([category, body, res.status, res.body.error?.code]).toEqual([category, body, 400, 'validation_failed']);
    }
    expect((await stack.call('center', 'GET', '/v1/dispatch-catalogue')).body
      .find((e: { category: string }) => e.category === 'greening')).toEqual(ok.body);
  });

  test('the center sees the suggestion while the whistle is escalated; nobody else, and not after triage', async () => {
    const id = await escalatedWhistle(stack); // category utilities
    const suggestion = { list: 'immediate', departmentIds: ['water', 'housing'], leadDepartmentId: 'water' };
    expect((await view(stack, id, 'center')).suggestion).toEqual(suggestion);
    expect((await view(stack, id, 'supervision')).suggestion).toBeNull();
    expect((await view(stack, id, 'wuhang')).suggestion).toBeNull();
    await must(stack, 'center', id, 'triage', { list: 'immediate', departmentIds: ['water', 'housing'], leadDepartmentId: 'water' });
    expect((await view(stack, id, 'center')).suggestion).toBeNull();
  });

  test('a category without an entry is listed with list null and gives no suggestion', async () => {
    await stack.pool.query("DELETE FROM dispatch_catalogue WHERE category = 'noise'");
    try {
      await new Promise((r) => setTimeout(r, 10_500)); // the API's catalogue cache
      const entry = (await stack.call('center', 'GET', '/v1/dispatch-catalogue')).body.find((e: { category: string }) => e.category === 'noise');
      expect(entry).toEqual({ category: 'noise', list: null, departmentIds: [], leadDepartmentId: null });
      const w = await fileWhistle(stack, 'xiguan', { category: 'noise' });
      await must(stack, 'wuhang', w.id, 'escalate', { reason: '噪音' });
      expect((await view(stack, w.id)).suggestion).toBeNull();
    } finally {
      await stack.call('center', 'PUT', '/v1/dispatch-catalogue/noise', { list: 'immediate', departmentIds: ['environment', 'police'], leadDepartmentId: 'environment' });
    }
  });

  test('the statistics say how often triage followed the catalogue', async () => {
    const before = (await stack.call('center', 'GET', '/v1/stats')).body.triage;
    const a = await escalatedWhistle(stack);
    await must(stack, 'center', a, 'triage', { list: 'immediate', departmentIds: ['housing', 'water'], leadDepartmentId: 'water' });
    const b = await escalatedWhistle(stack);
    await must(stack, 'center', b, 'triage', { list: 'phased', departmentIds: ['water'] });
    const after = (await stack.call('center', 'GET', '/v1/stats')).body.triage;
    expect(after.dispatches - before.dispatches).toBe(2);
    expect(after.followedSuggestion - before.followedSuggestion).toBe(1);
    expect(after.followedRate).toBeCloseTo(after.followedSuggestion / after.withSuggestion, 4);
  });
});

describe('extension requests (延期申请)', () => {
  test('the street asks while handling, the center approves: dueAt moves, the holder and the community are told', async () => {
    const w = await handledByStreet(stack);
    const until = later(w.dueAt, 3_600_000);
    const asked = await must(stack, 'wuhang', w.id, 'request-extension', { until, reason: '需协调管网改造' });
    expect(asked.extension).toMatchObject({ status: 'requested', until, reason: '需协调管网改造', requestedBy: 'wuhang', decidedBy: null });
    expect(asked.dueAt).toBe(w.dueAt);
    expect(asked.allowedActions).not.toContain('request-extension');
    expect(types(asked).at(-1)).toBe('extension_requested');
    expect(await notified(stack, w.id, 'extension_requested')).toEqual(['center']);
    expect((await view(stack, w.id, 'center')).allowedActions).toContain('decide-extension');
    // The center's queue holds it while the request waits.
    const queue = (await stack.call('center', 'GET', '/v1/whistles?holder=me&limit=100')).body.items.map((i: { id: string }) => i.id);
    expect(queue).toContain(w.id);
    const approved = await must(stack, 'center', w.id, 'decide-extension', { approve: true, note: '同意' });
    expect(approved.extension).toMatchObject({ status: 'approved', until, decidedBy: 'center', note: '同意' });
    expect(approved.dueAt).toBe(until);
    expect(types(approved).at(-1)).toBe('extension_approved');
    expect(await notified(stack, w.id, 'extension_decided')).toEqual(['wuhang', 'xiguan']);
    const row = await stack.pool.query('SELECT due_at FROM whistles WHERE id = $1', [w.id]);
    expect(row.rows[0].due_at.toISOString()).toBe(until);
    const described = await stack.client.workflow.getHandle(`whistle-${w.id}`).describe();
    expect((described.searchAttributes.DueAt as Date[])[0].toISOString()).toBe(until);
  });

  test('a rejection tells the holder only and keeps the deadline', async () => {
    const w = await handledByStreet(stack);
    await must(stack, 'wuhang', w.id, 'request-extension', { until: later(w.dueAt, 60_000), reason: '材料未到' });
    const rejected = await must(stack, 'center', w.id, 'decide-extension', { approve: false, note: '请按时办结' });
    expect(rejected.extension).toMatchObject({ status: 'rejected', decidedBy: 'center' });
    expect(rejected.dueAt).toBe(w.dueAt);
    expect(await notified(stack, w.id, 'extension_decided')).toEqual(['wuhang']);
  });

  test('who may ask and decide, and when: 403 for others, 409 when the status or the stage does not allow it', async () => {
    const filed = await fileWhistle(stack);
    const body = { until: later(filed.dueAt, 60_000), reason: '需要时间' };
    expect((await act(stack, 'wuhang', filed.id, 'request-extension', body)).status).toBe(409); // not accepted yet
    expect((await act(stack, 'xiguan', filed.id, 'request-extension', body)).status).toBe(403);
    expect((await act(stack, 'center', filed.id, 'decide-extension', { approve: true })).status).toBe(409); // nothing pending
    const id = await dispatchedWhistle(stack, ['urban', 'water']);
    await must(stack, 'urban', id, 'accept');
    await must(stack, 'water', id, 'accept');
    const dueAt = (await view(stack, id)).dueAt;
    const ask = { until: later(dueAt, 60_000), reason: '需要时间' };
    expect((await act(stack, 'water', id, 'request-extension', ask)).status).toBe(403); // a co-department
    expect((await act(stack, 'wuhang', id, 'request-extension', ask)).status).toBe(409);
    expect((await act(stack, 'urban', id, 'decide-extension', { approve: true })).status).toBe(403);
    await must(stack, 'urban', id, 'request-extension', ask);
    const second = await act(stack, 'urban', id, 'request-extension', ask);
    expect(second.status).toBe(409);
    expect(second.body.error.messageZh).toBe('已有延期申请在等待区中心审批');
    expect((await act(stack, 'wuhang', id, 'decide-extension', { approve: true })).status).toBe(403);
    await must(stack, 'center', id, 'decide-extension', { approve: true });
    // extension.maxCount is 1: this stage has no approval left.
    const third = await act(stack, 'urban', id, 'request-extension', { until: later(ask.until, 60_000), reason: '还需时间' });
    expect(third.status).toBe(409);
    expect((await view(stack, id, 'urban')).allowedActions).not.toContain('request-extension');
  });

  test('bad bodies are 400 and change nothing: not after dueAt, beyond the working-day limit, not an instant with an offset', async () => {
    const w = await handledByStreet(stack);
    const limit = new WorkingCalendar().addWorkingDays(new Date(Date.parse(w.dueAt) - 1), 10).toISOString();
    const cases: Array<[string, unknown]> = [
      ['at dueAt', { until: w.dueAt, reason: 'x' }],
      ['before dueAt', { until: later(w.dueAt, -60_000), reason: 'x' }],
      ['in the past', { until: '2020-01-01T00:00:00+08:00', reason: 'x' }],
      ['beyond the limit', { until: later(limit, 1000), reason: 'x' }],
      ['no offset', { until: '2030-01-01T10:00:00', reason: 'x' }],
      ['not a date', { until: 'next week', reason: 'x' }],
      ['no reason', { until: later(w.dueAt, 60_000) }],
      ['unknown field', { until: later(w.dueAt, 60_000), reason: 'x', days: 3 }],
    ];
    for (const [what, body] of cases) {
      const res = await act(stack, 'wuhang', w.id, 'request-extension', body);
      expect([what, res.status, res.body.error?.code]).toEqual([what, 400, 'validation_failed']);
    }
    expect((await view(stack, w.id)).extension).toBeNull();
    // The limit itself is allowed.
    expect((await act(stack, 'wuhang', w.id, 'request-extension', { until: limit, reason: '上限' })).status).toBe(200);
  });

  test('an approved extension moves the deadline timer: the street escalates at the new instant, not the old', async () => {
    const fast = await startStack({ policy: { ...quietPolicy(600), street: { acceptWithin: { seconds: 600 }, acceptWithinUrgent: { seconds: 600 }, handleWithin: { seconds: 6 } } } });
    try {
      const w = await handledByStreet(fast);
      const until = later(w.dueAt, 6_000);
      await must(fast, 'wuhang', w.id, 'request-extension', { until, reason: '再给六秒' });
      await must(fast, 'center', w.id, 'decide-extension', { approve: true });
      await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(w.dueAt) - Date.now()) + 1500));
      expect((await view(fast, w.id)).status).toBe('street_handling');
      const escalated = await eventually(async () => { const v = await view(fast, w.id); return v.status === 'escalated' && v; }, 20_000, 'escalation');
      const entry = escalated.timeline.find((e: { type: string }) => e.type === 'deadline_escalation');
      expect(Date.parse(entry.at)).toBeGreaterThanOrEqual(Date.parse(until));
      // In the event history: the handling timer started for `until` fired, the first one was cancelled.
      const history = await fast.client.workflow.getHandle(`whistle-${w.id}`).fetchHistory();
      const fired = history.events!.filter((e) => e.timerFiredEventAttributes).length;
      const cancelled = history.events!.filter((e) => e.timerCanceledEventAttributes).length;
      expect(fired).toBeGreaterThanOrEqual(1);
      expect(cancelled).toBeGreaterThanOrEqual(1);
      // A new stage: the street's approved extension is not the center's.
      expect(escalated.extension).toBeNull();
    } finally {
      await fast.stop();
    }
  });

  test('a request still pending when the deadline passes lapses, and the deadline does what it does', async () => {
    const fast = await startStack({ policy: { ...quietPolicy(600), street: { acceptWithin: { seconds: 600 }, acceptWithinUrgent: { seconds: 600 }, handleWithin: { seconds: 5 } } } });
    try {
      const w = await handledByStreet(fast);
      await must(fast, 'wuhang', w.id, 'request-extension', { until: later(w.dueAt, 3_600_000), reason: '来不及了' });
      const v = await eventually(async () => { const x = await view(fast, w.id); return x.status === 'escalated' && x; }, 20_000, 'escalation');
      const t = types(v);
      expect(t.indexOf('extension_lapsed')).toBeGreaterThan(t.indexOf('extension_requested'));
      expect(t.indexOf('deadline_escalation')).toBeGreaterThan(t.indexOf('extension_lapsed'));
      expect(v.extension).toMatchObject({ status: 'lapsed', requestedBy: 'wuhang', decidedBy: null });
      expect((await act(fast, 'center', w.id, 'decide-extension', { approve: true })).status).toBe(409);
    } finally {
      await fast.stop();
    }
  });
});

describe('returns and the final dispatch (退单, 终审)', () => {
  test('a department returns with a kind; after maxReturns (2) returns the next dispatch is final and a return is 409', async () => {
    const id = await dispatchedWhistle(stack, ['water']);
    const first = await must(stack, 'water', id, 'return', { reason: '不属于本部门', kind: 'not_our_area' });
    expect(first).toMatchObject({ status: 'escalated', returns: 1, finalDispatch: false });
    const row = await stack.pool.query("SELECT data FROM whistle_events WHERE whistle_id = $1 AND type = 'returned'", [id]);
    expect(row.rows[0].data).toMatchObject({ kind: 'not_our_area' });
    await must(stack, 'center', id, 'triage', { list: 'immediate', departmentIds: ['urban'], returnRuling: 'upheld' });
    const second = await must(stack, 'urban', id, 'return', { reason: '非本局职能' });
    expect(second).toMatchObject({ returns: 2, finalDispatch: true });
    const final = await must(stack, 'center', id, 'triage', { list: 'immediate', departmentIds: ['housing'], returnRuling: 'upheld' });
    expect(final.finalDispatch).toBe(true);
    const housing = await view(stack, id, 'housing');
    expect(housing.allowedActions).toEqual(expect.arrayContaining(['accept']));
    expect(housing.allowedActions).not.toContain('return');
    const refused = await act(stack, 'housing', id, 'return', { reason: '还是不归我们', kind: 'not_our_function' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('invalid_state');
    expect(refused.body.error.message).toMatch(/final/);
    expect(refused.body.error.messageZh).toMatch(/终审/);
    expect((await view(stack, id)).status).toBe('dispatched');
    const badKind = await act(stack, 'housing', id, 'return', { reason: 'x', kind: 'bored' });
    expect(badKind.status).toBe(400);
  });
});

describe('early warnings (临期预警)', () => {
  test('at the later of dueAt − warnBefore and the midpoint: dueSoon, one due_soon notice to the holder, filters and the Temporal attribute', async () => {
    const fast = await startStack({
      policy: { ...quietPolicy(600), street: { acceptWithin: { seconds: 600 }, acceptWithinUrgent: { seconds: 600 }, handleWithin: { seconds: 8 } }, warnBefore: { seconds: 2 } },
    });
    try {
      const w = await fileWhistle(fast);
      expect(w.dueSoon).toBe(false);
      await must(fast, 'wuhang', w.id, 'accept');
      const warned = await eventually(async () => { const v = await view(fast, w.id); return v.dueSoon && v; }, 15_000, 'the warning');
      const entry = warned.timeline.find((e: { type: string }) => e.type === 'due_soon');
      // 8 s from filing, warned 2 s before: 6 s after filing (later than the 4 s midpoint).
      expect(Date.parse(entry.at) - Date.parse(w.filedAt)).toBeGreaterThanOrEqual(5_900);
      expect(warned.status).toBe('street_handling');
      expect(await notified(fast, w.id, 'due_soon')).toEqual(['wuhang']);
      const listed = (await fast.call('supervision', 'GET', '/v1/whistles?dueSoon=true&limit=100')).body.items;
      expect(listed.map((i: { id: string }) => i.id)).toContain(w.id);
      expect(listed.find((i: { id: string }) => i.id === w.id).dueSoon).toBe(true);
      const attrs = (await fast.client.workflow.getHandle(`whistle-${w.id}`).describe()).searchAttributes;
      expect(attrs.WhistleDueSoon).toEqual([true]);
      // The deadline passes: the whistle goes to the center, dueSoon ends; one warning only.
      const escalated = await eventually(async () => { const v = await view(fast, w.id); return v.status === 'escalated' && v; }, 15_000, 'escalation');
      expect(escalated.dueSoon).toBe(false);
      expect(types(escalated).filter((t) => t === 'due_soon')).toHaveLength(1);
      expect((await fast.call('supervision', 'GET', '/v1/whistles?dueSoon=false&limit=100')).body.items.map((i: { id: string }) => i.id)).toContain(w.id);
      const quarter = (await fast.call('center', 'GET', '/v1/assessments')).body;
      expect(quarter.items.find((r: { unitId: string }) => r.unitId === 'wuhang').dueSoonWarned).toBeGreaterThanOrEqual(1);
    } finally {
      await fast.stop();
    }
  });
});
