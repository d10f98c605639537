/**
 * Retiring a workflow version (docs/OPERATIONS.md, "Retiring a workflow version"), each step's
 * entry point against the histories it must replay and those it must wait for:
 *
 *   1. today: `patched(NEXT_DEADLINE_ONLY)` chooses between the process and the frozen code
 *      (workflows/whistle/index.ts);
 *   2. once no whistle on the frozen code runs: `deprecatePatch(NEXT_DEADLINE_ONLY)`, then the
 *      process (test/support/entries/deprecated-next-deadline-only.ts);
 *   3. once no whistle whose marker `patched` recorded runs: the process alone
 *      (test/support/entries/without-version-switch.ts).
 */
import type { WorkflowHandle } from '@temporalio/client';
import { bundleEntry } from './support/bundles';
import { eventsOf, historyFiles, replay, type History } from './support/replay';
import { eventually, startStack, quietPolicy, type Stack } from './support/stack';
import { fileWhistle, must } from './support/whistles';

const files = historyFiles('whistle-');
const nextDeadlineOnly = files.filter((f) => f.endsWith('.next-deadline-only.json'));
/** Histories that took a frozen branch: PLANNED_DEADLINES, or no marker of the switch at all. */
const frozen = files.filter((f) => !f.endsWith('.next-deadline-only.json'));

let deprecated: string;
let withoutSwitch: string;
beforeAll(async () => {
  deprecated = await bundleEntry(require.resolve('./support/entries/deprecated-next-deadline-only'));
  withoutSwitch = await bundleEntry(require.resolve('./support/entries/without-version-switch'));
}, 240_000);

test('there are histories of the version that stays and of the frozen ones', () => {
  expect(nextDeadlineOnly.length).toBeGreaterThan(0);
  expect(frozen.length).toBeGreaterThan(0);
});

test.each(nextDeadlineOnly)('step 2: %s, whose marker patched() recorded, replays on deprecatePatch', async (file) => {
  await expect(replay(file, { codePath: deprecated })).resolves.toBeUndefined();
});

test.each(frozen)('step 2 waits until no whistle of the frozen code runs: %s does not replay on deprecatePatch', async (file) => {
  await expect(replay(file, { codePath: deprecated })).rejects.toThrow(/nondetermin/i);
});

test.each(nextDeadlineOnly)('step 3 waits until no whistle whose marker patched() recorded runs: %s does not replay without the call', async (file) => {
  // The core SDK refuses a marker patched() recorded that no call asks for (a deprecated one it skips).
  await expect(replay(file, { codePath: withoutSwitch })).rejects.toThrow(/non-deprecated patch marker .* lean-tasks/i);
});

describe('a whistle filed at step 2', () => {
  let stack: Stack;
  beforeAll(async () => { stack = await startStack({ policy: quietPolicy(600), workflowBundle: deprecated }); }, 60_000);
  afterAll(async () => { await stack?.stop(); });

  test('records its marker deprecated, is counted as next-deadline-only, and replays on step 3 and on today\'s code', async () => {
    const deployed = new Date(Date.now() - 1000).toISOString();
    const w = await fileWhistle(stack, 'xiguan');
    await must(stack, 'wuhang', w.id, 'accept');
    await must(stack, 'wuhang', w.id, 'resolve', { result: '已处理' });
    await must(stack, 'xiguan', w.id, 'evaluate', { rating: 'satisfied' });
    const handle: WorkflowHandle = stack.client.workflow.getHandle(`whistle-${w.id}`);
    expect((await handle.result()).status).toBe('closed');
    const history: History = await handle.fetchHistory();
    expect(patchMarkers(history)).toEqual([{ id: 'lean-tasks', deprecated: true }]);
    expect((await handle.describe()).searchAttributes.TemporalChangeVersion).toEqual(['lean-tasks']);
    // Step 3's count tells it from those patched() marked by when it started (docs/OPERATIONS.md).
    const marked = `WorkflowType = 'whistle' AND TaskQueue = '${stack.config.taskQueue}' AND TemporalChangeVersion = 'lean-tasks'`;
    await eventually(async () => (await stack.client.workflow.count(`${marked} AND StartTime >= '${deployed}'`)).count === 1, 20_000, 'counted');
    expect((await stack.client.workflow.count(`${marked} AND StartTime < '${deployed}'`)).count).toBe(0);
    await expect(replay(history, { name: 'step-3', codePath: withoutSwitch })).resolves.toBeUndefined();
    await expect(replay(history, { name: 'step-2', codePath: deprecated })).resolves.toBeUndefined();
    // Step 2 can be rolled back: today's `patched` takes the deprecated marker as its own.
    await expect(replay(history, { name: 'today' })).resolves.toBeUndefined();
  }, 60_000);
});

/** The patch markers of a history with their deprecated flag (history fetched from the server: payload data as bytes). */
function patchMarkers(history: History): Array<{ id: string; deprecated: boolean }> {
  return eventsOf(history).flatMap((e) => {
    const marker = e.markerRecordedEventAttributes as { markerName?: string; details?: Record<string, { payloads?: Array<{ data?: Uint8Array }> }> } | undefined;
    const data = marker?.markerName === 'core_patch' ? marker.details?.['patch-data']?.payloads?.[0]?.data : undefined;
    return data ? [JSON.parse(Buffer.from(data).toString('utf8')) as { id: string; deprecated: boolean }] : [];
  });
}
