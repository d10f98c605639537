/**
 * A whistle cannot be grown until Temporal terminates it: every action answers a small result
 * (the state and the new timeline entries, never the whole timeline), so many progress notes of
 * 2,000 characters leave a history far below Temporal's limits (50 MB, 51,200 events), and the
 * whistle still answers. Prints the figures. Shared by the fast suite (200 notes) and
 * `npm run chaos` (1,000).
 */
import { startStack, quietPolicy, type Stack } from './stack';
import { fileWhistle, must } from './whistles';

export function historySizeTest(NOTES: number): void {
  let stack: Stack;
  beforeAll(async () => { stack = await startStack({ policy: quietPolicy(3600) }); });
  afterAll(async () => { await stack?.stop(); });
  test(`a whistle takes ${NOTES} progress notes of 2,000 characters and stays healthy`, async () => {
    const w = await fileWhistle(stack);
    await must(stack, 'wuhang', w.id, 'accept');
    const note = '进展'.repeat(1000); // 2,000 characters
    const started = Date.now();
    for (let i = 0; i < NOTES; i++) {
      const res = await stack.call('wuhang', 'POST', `/v1/whistles/${w.id}/progress`, { note });
      if (res.status !== 200) throw new Error(`note ${i}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    const elapsed = Date.now() - started;
    const handle = stack.client.workflow.getHandle(`whistle-${w.id}`);
    const described = await handle.describe();
    const events = described.historyLength;
    const bytes = Number(described.raw.workflowExecutionInfo?.historySizeBytes ?? 0);
    console.log(`[history] ${NOTES} notes in ${elapsed} ms (${(elapsed / NOTES).toFixed(1)} ms each): ${events} events, ` +
      `${(bytes / 1e6).toFixed(2)} MB of history (limits: 51,200 events, 50 MB)`);
    expect(events).toBeLessThan(51_200 / 4);
    expect(bytes).toBeLessThan(50e6 / 4);
    // Still healthy: it answers an action, the API reads it, the read model has every note.
    const resolved = await must(stack, 'wuhang', w.id, 'resolve', { result: '已处理' });
    expect(resolved.status).toBe('resolved');
    const { rows } = await stack.pool.query("SELECT count(*)::int AS n FROM whistle_events WHERE whistle_id = $1 AND type = 'progress'", [w.id]);
    expect(rows[0].n).toBe(NOTES);
    expect((await stack.call('center', 'GET', `/v1/whistles/${w.id}`)).body.timeline).toHaveLength(NOTES + 3);
  }, 600_000);
}
