/**
 * Operators see how many running whistles and help requests run each version of their workflow's
 * code (lib/workflow-versions.ts): counted by Temporal's visibility from the markers the cases
 * recorded, on the deployment's task queue, in `npm run reconcile` and in the API's
 * `whistle_workflows_running` gauge.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { NativeConnection, Worker } from '@temporalio/worker';
import { countRunningByVersion, type VersionCount } from '../lib/workflow-versions';
import { NEXT_DEADLINE_ONLY, PLANNED_DEADLINES, PROJECTION_AS_LOCAL_ACTIVITY } from '../workflows/whistle/versions';
import { CALENDAR_RECOUNT, TIMER_PER_DEADLINE } from '../workflows/help/versions';
import { bundleEntry } from './support/bundles';
import { TEST_PEPPER } from './support/constants';
import { ROOT } from './support/processes';
import { eventually, startStack, type Stack } from './support/stack';
import { fileWhistle } from './support/whistles';

const run = promisify(execFile);
let stack: Stack;
beforeAll(async () => { stack = await startStack(); });
afterAll(async () => { await stack?.stop(); });

/** The counts as `workflow version: running`, for comparing. */
const shown = (counts: VersionCount[]) => Object.fromEntries(counts.map((c) => [`${c.workflow} ${c.version} ${c.marker ?? '-'}`, c.running]));
const none = {
  'whistle stays-for-callback callback-window': 0, 'whistle next-deadline-only lean-tasks': 0, 'whistle planned-deadlines second-round': 0, 'whistle before-planned-deadlines -': 0,
  'help timer-per-deadline help-timer-per-deadline': 0, 'help timer-per-wait -': 0,
};

test('running cases are counted by the version their marker names; a case with none of the entry point\'s markers as the oldest code; ended ones not at all', async () => {
  const taskQueue = `versions-${randomBytes(4).toString('hex')}`;
  const connection = await NativeConnection.connect({ address: process.env.WHISTLE_TEST_TEMPORAL! });
  const worker = await Worker.create({
    connection, taskQueue, workflowBundle: { codePath: await bundleEntry(require.resolve('./support/entries/version-markers')) },
  });
  await worker.runUntil(async () => {
    const cases: Array<['whistle' | 'help', string[]]> = [
      ['whistle', [NEXT_DEADLINE_ONLY]], ['whistle', [NEXT_DEADLINE_ONLY]], ['whistle', [NEXT_DEADLINE_ONLY]],
      ['whistle', [PLANNED_DEADLINES]], ['whistle', [PLANNED_DEADLINES]],
      ['whistle', []], ['whistle', [PROJECTION_AS_LOCAL_ACTIVITY]],
      ['help', [TIMER_PER_DEADLINE]], ['help', [TIMER_PER_DEADLINE]], ['help', [CALENDAR_RECOUNT]], ['help', []],
    ];
    const handles = await Promise.all(cases.map(([type, markers], i) => stack.client.workflow.start(type, {
      taskQueue, workflowId: `${type}-versions-${taskQueue}-${i}`, args: [markers],
    })));
    const expected = {
      'whistle stays-for-callback callback-window': 0, 'whistle next-deadline-only lean-tasks': 3, 'whistle planned-deadlines second-round': 2, 'whistle before-planned-deadlines -': 2,
      'help timer-per-deadline help-timer-per-deadline': 2, 'help timer-per-wait -': 2,
    };
    // Visibility takes in each marker a moment after the case's first task.
    const counted = await eventually(async () => {
      const counts = shown(await countRunningByVersion(stack.client, taskQueue));
      return JSON.stringify(counts) === JSON.stringify(expected) && counts;
    }, 20_000, 'the counts by version');
    expect(counted).toEqual(expected);
    // Another queue's cases are not this deployment's.
    expect(shown(await countRunningByVersion(stack.client, `${taskQueue}-elsewhere`))).toEqual(none);

    // A case that ends is no longer counted.
    await handles[0].signal('finish');
    await handles[3].signal('finish');
    await handles[0].result();
    await handles[3].result();
    await eventually(async () => shown(await countRunningByVersion(stack.client, taskQueue))['whistle planned-deadlines second-round'] === 1,
      20_000, 'the ended cases left out');
    expect(shown(await countRunningByVersion(stack.client, taskQueue)))
      .toEqual({ ...expected, 'whistle next-deadline-only lean-tasks': 2, 'whistle planned-deadlines second-round': 1 });
    await Promise.all(handles.map((h) => h.signal('finish').catch(() => undefined)));
  });
  await connection.close();
}, 90_000);

test('whistles and help requests filed now run the newest versions: in the /metrics gauge and in npm run reconcile', async () => {
  const filed = [await fileWhistle(stack), await fileWhistle(stack, 'dongguan')];
  const help = await stack.call('xiguan-resident-1', 'POST', '/v1/help-requests', { title: '陪同就医', description: '需要陪同', communityId: 'xiguan' });
  expect(help.status).toBe(201);
  const expected = { ...none, 'whistle stays-for-callback callback-window': 2, 'help timer-per-deadline help-timer-per-deadline': 1 };
  await eventually(async () => JSON.stringify(shown(await countRunningByVersion(stack.client, stack.config.taskQueue))) === JSON.stringify(expected),
    20_000, 'the filed cases counted by version');

  const metrics = (await stack.call(null, 'GET', '/metrics')).body as string;
  const gauge = metrics.split('\n').filter((l) => l.startsWith('whistle_workflows_running{'));
  expect(gauge.sort()).toEqual([
    'whistle_workflows_running{workflow="help",version="timer-per-deadline",marker="help-timer-per-deadline"} 1',
    'whistle_workflows_running{workflow="help",version="timer-per-wait",marker=""} 0',
    'whistle_workflows_running{workflow="whistle",version="before-planned-deadlines",marker=""} 0',
    'whistle_workflows_running{workflow="whistle",version="next-deadline-only",marker="lean-tasks"} 0',
    'whistle_workflows_running{workflow="whistle",version="planned-deadlines",marker="second-round"} 0',
    'whistle_workflows_running{workflow="whistle",version="stays-for-callback",marker="callback-window"} 2',
  ]);

  const { stdout } = await run('npx', ['tsx', 'scripts/reconcile.ts', '--id', filed[0].id, '--settle', '0'], {
    cwd: ROOT, timeout: 120_000,
    env: {
      ...process.env, DATABASE_URL: stack.config.databaseUrl, TEMPORAL_ADDRESS: stack.config.temporalAddress,
      TEMPORAL_TASK_QUEUE: stack.config.taskQueue, API_KEY_PEPPER: TEST_PEPPER, LOG_LEVEL: 'silent',
    },
  });
  const lines = stdout.split('\n');
  const from = lines.findIndex((l) => l.startsWith('running workflows by version'));
  expect(lines.slice(from + 1, from + 7).map((l) => l.trim().split(/\s{2,}/))).toEqual([
    ['whistle', 'stays-for-callback', 'callback-window', '2'],
    ['whistle', 'next-deadline-only', 'lean-tasks', '0'],
    ['whistle', 'planned-deadlines', 'second-round', '0'],
    ['whistle', 'before-planned-deadlines', '(no marker)', '0'],
    ['help', 'timer-per-deadline', 'help-timer-per-deadline', '1'],
    ['help', 'timer-per-wait', '(no marker)', '0'],
  ]);
}, 150_000);
