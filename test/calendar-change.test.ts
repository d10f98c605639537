/**
 * A calendar import reaching the running cases: `npm run holidays -- import` writes the days,
 * one audit entry and one change record, and starts one `calendarChange` workflow that signals
 * `calendarChanged` to every open whistle and help request (seen in each one's history); the
 * same import again changes nothing. The walk goes on across a worker restart in the middle
 * and across continue-as-new. (Moving the deadlines is the cases' part, tested with them.)
 * A database of its own: the imports here must not change other files' working days.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { NativeConnection } from '@temporalio/worker';
import type { Worker } from '@temporalio/worker';
import { createCalendarChangeActivities, openCasesQuery } from '../activities/calendar-change';
import { startPendingCalendarChanges, importCalendar, parseCalendarFile } from '../lib/calendar-import';
import { calendarChangeWorkflowId, recheckId, type CalendarChangeResult } from '../workflows/calendar-change-messages';
import { createWorker } from '../worker/worker';
import { TEST_PEPPER } from './support/constants';
import { createDatabase, type ThrowawayDatabase } from './support/processes';
import { eventually, quietPolicy, startStack, type Stack } from './support/stack';
import { replay } from './support/replay';
import { fileWhistle, must } from './support/whistles';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..');
const EXAMPLE = path.join(ROOT, 'docs', 'holidays-example.json');

let db: ThrowawayDatabase;
let stack: Stack;
const extraWorkers: Array<{ worker: Worker; running: Promise<void>; connection: NativeConnection }> = [];

beforeAll(async () => {
  db = await createDatabase('calendar_change', TEST_PEPPER);
  const quiet = { seconds: 600 };
  stack = await startStack({
    env: { DATABASE_URL: db.url },
    policy: { ...quietPolicy(), help: { verifyWithin: quiet, claimWithin: quiet, checkInGrace: quiet, confirmWithin: quiet } },
  });
}, 120_000);
afterAll(async () => {
  for (const w of extraWorkers) {
    if (w.worker.getState() === 'RUNNING') w.worker.shutdown();
    await w.running;
    await w.connection.close();
  }
  await stack?.stop();
  await db?.drop();
});

/** The changeIds of every `calendarChanged` signal in the workflow's history. */
async function calendarSignals(workflowId: string): Promise<string[]> {
  const history = await stack.client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? [])
    .map((e) => e.workflowExecutionSignaledEventAttributes)
    .filter((a) => a?.signalName === 'calendarChanged')
    .map((a) => JSON.parse(Buffer.from(a!.input!.payloads![0].data!).toString('utf8')).changeId as string);
}

async function postHelp(as = 'xiguan-resident-1'): Promise<string> {
  const res = await stack.call(as, 'POST', '/v1/help-requests', {
    title: '独居老人需要陪同就医', description: '王奶奶周五上午需要有人陪同去区医院复查。', communityId: 'xiguan', place: '江景花园3号楼一单元',
  });
  expect(res.status).toBe(201);
  return `help-${res.body.id}`;
}

async function fileWhistles(n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push(`whistle-${(await fileWhistle(stack)).id}`);
  return ids;
}

/** Workflows that have received `changeId`. */
async function reached(ids: string[], changeId: string): Promise<string[]> {
  const got: string[] = [];
  for (const id of ids) if ((await calendarSignals(id)).includes(changeId)) got.push(id);
  return got;
}

async function holidays(...args: string[]) {
  return run(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/holidays.ts', ...args], {
    cwd: ROOT,
    env: {
      ...process.env, DATABASE_URL: db.url, TEMPORAL_ADDRESS: stack.config.temporalAddress,
      TEMPORAL_TASK_QUEUE: stack.config.taskQueue, USER: 'operator', SUDO_USER: '',
    },
  });
}

const count = async (sql: string, params: unknown[] = []) => (await stack.pool.query<{ n: number }>(sql, params)).rows[0].n;

let open: string[] = [];

describe('npm run holidays -- import', () => {
  test('the 2027 file reaches every open whistle and help request once; the same import again changes nothing', async () => {
    open = [...await fileWhistles(3), await postHelp(), await postHelp('xiguan-member-1')];
    // A withdrawn whistle has ended: nothing is sent to it.
    const ended = await fileWhistle(stack);
    await must(stack, 'xiguan', ended.id, 'withdraw', { reason: '居民已自行解决' });
    await eventually(async () => (await stack.client.workflow.getHandle(`whistle-${ended.id}`).describe()).status.name !== 'RUNNING',
      60_000, 'the withdrawn whistle to end');

    const first = await holidays('import', EXAMPLE);
    expect(first.stdout).toContain('holidays-example.json: 20 of its 20 days written (17 days off, 3 working days)');
    expect(first.stdout).toContain('official schedule of 2027 imported');
    expect(first.stdout).toContain('20 days turn between working and off');
    expect(first.stdout).toMatch(/workflow calendar-change-\d{8}-[0-9a-f]{10} started/);
    expect(first.stdout).toContain('official schedule known through 2027-12-31');

    const change = await stack.pool.query<{ change_id: string; started: boolean }>(
      'SELECT change_id, started_at IS NOT NULL AS started FROM calendar_changes');
    expect(change.rows).toEqual([{ change_id: expect.any(String), started: true }]);
    const { change_id: changeId } = change.rows[0];
    expect(first.stdout).toContain(calendarChangeWorkflowId(changeId));

    const audit = await stack.pool.query("SELECT actor, subject, note FROM audit_log WHERE type = 'calendar_imported'");
    expect(audit.rows).toEqual([{ actor: 'cli:operator', subject: 'holidays-example.json', note: expect.stringContaining(calendarChangeWorkflowId(changeId)) }]);
    expect(await count("SELECT count(*)::int AS n FROM calendar_days WHERE day BETWEEN '2027-01-01' AND '2027-12-31'")).toBe(20);
    expect(await count('SELECT count(*)::int AS n FROM calendar_years WHERE year = 2027')).toBe(1);

    await eventually(async () => (await reached(open, changeId)).length === open.length, 90_000, 'every open case to get calendarChanged');
    for (const id of open) expect({ id, signals: await calendarSignals(id) }).toEqual({ id, signals: [changeId] });
    expect(await calendarSignals(`whistle-${ended.id}`)).toEqual([]);

    const second = await holidays('import', EXAMPLE);
    expect(second.stdout).toContain('nothing changed');
    expect(second.stdout).not.toContain('started');
    expect(await count("SELECT count(*)::int AS n FROM audit_log WHERE type = 'calendar_imported'")).toBe(1);
    expect(await count('SELECT count(*)::int AS n FROM calendar_changes')).toBe(1);
    const changes = await eventually(async () => {
      const found: string[] = [];
      for await (const w of stack.client.workflow.list({ query: `WorkflowType = "calendarChange" AND TaskQueue = "${stack.config.taskQueue}"` })) found.push(w.workflowId);
      return found.length > 0 && found;
    }, 30_000, 'the change workflow to be listed');
    expect(changes).toEqual([calendarChangeWorkflowId(changeId)]);
    // No second signal reached any case.
    for (const id of open) expect((await calendarSignals(id)).filter((c) => c === changeId)).toHaveLength(1);
  }, 240_000);

  test('a change recorded by a command that died before starting its workflow is started by the next import', async () => {
    // The command's first half: days, audit and change record committed, Temporal never told.
    const outcome = await importCalendar(stack.pool, parseCalendarFile(JSON.stringify([{ day: '2027-03-01', working: false, note: '测试' }])),
      { actor: 'cli:operator', source: 'fix.json' });
    expect(outcome.change).not.toBeNull();
    expect(await count('SELECT count(*)::int AS n FROM calendar_changes WHERE started_at IS NULL')).toBe(1);

    const retry = await holidays('import', EXAMPLE);
    expect(retry.stdout).toContain('nothing changed');
    expect(retry.stdout).toContain(`an earlier change (fix.json) had not reached running cases yet: workflow ${outcome.change!.workflowId} started`);
    expect(await count('SELECT count(*)::int AS n FROM calendar_changes WHERE started_at IS NULL')).toBe(0);
    await eventually(async () => (await reached(open, outcome.change!.changeId)).length === open.length, 90_000, 'the earlier change to reach every case');
    // Starting it again (a worker at its start, say) meets the same workflow and starts nothing new.
    await stack.pool.query('UPDATE calendar_changes SET started_at = NULL');
    const again = await startPendingCalendarChanges(stack.pool, stack.client, stack.config.taskQueue);
    expect(again.map((c) => c.workflowId)).toEqual(expect.arrayContaining([outcome.change!.workflowId]));
    await new Promise((r) => setTimeout(r, 2000));
    for (const id of open) expect((await calendarSignals(id)).filter((c) => c === outcome.change!.changeId)).toHaveLength(1);
  }, 240_000);
});

describe('the calendarChange workflow', () => {
  test('signals every open case, page by page, across continue-as-new and a worker restart in the middle', async () => {
    open = [...open, ...await fileWhistles(5)];
    const outcome = await importCalendar(stack.pool, parseCalendarFile(JSON.stringify([{ day: '2027-03-02', working: false, note: '测试' }])),
      { actor: 'cli:operator', source: 'restart.json' });
    const { changeId, workflowId } = outcome.change!;
    // 10 open cases, 2 a page, 2 pages a run, 2 s between pages: about 10 s of walking.
    await startPendingCalendarChanges(stack.pool, stack.client, stack.config.taskQueue,
      { pageSize: 2, pauseSeconds: 2, pagesPerRun: 2, settleSeconds: 0 });

    await eventually(async () => (await reached(open, changeId)).length > 0, 60_000, 'the first page to be signalled');
    stack.worker!.shutdown();
    await eventually(async () => stack.worker!.getState() === 'STOPPED', 60_000, 'the worker to stop');
    const atStop = (await reached(open, changeId)).length;
    expect(atStop).toBeLessThan(open.length);
    // Without a worker nothing moves on.
    await new Promise((r) => setTimeout(r, 4000));
    expect((await reached(open, changeId)).length).toBe(atStop);

    const connection = await NativeConnection.connect({ address: stack.config.temporalAddress });
    const worker = await createWorker({
      config: stack.config, connection, pool: stack.pool, policy: stack.policy,
      workflowBundle: { codePath: process.env.WHISTLE_TEST_BUNDLE! }, identity: 'calendar-test-restarted',
    });
    extraWorkers.push({ worker, running: worker.run(), connection });

    const result = await stack.client.workflow.getHandle(workflowId).result() as CalendarChangeResult;
    expect(result.signaled).toBeGreaterThanOrEqual(open.length);
    expect(result.rechecked).toBe(0);
    expect(result.pages).toBeGreaterThanOrEqual(5);
    for (const id of open) expect({ id, reached: (await calendarSignals(id)).includes(changeId) }).toEqual({ id, reached: true });

    const runs: string[] = [];
    for await (const w of stack.client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) runs.push(w.status.name);
    expect(runs.filter((s) => s === 'CONTINUED_AS_NEW').length).toBeGreaterThanOrEqual(2);
    expect(runs).toContain('COMPLETED');
  }, 240_000);

  test('once every worker\'s calendar cache has expired, every open case is signalled again with the recheck id', async () => {
    const outcome = await importCalendar(stack.pool, parseCalendarFile(JSON.stringify([{ day: '2027-03-03', working: false, note: '测试' }])),
      { actor: 'cli:operator', source: 'recheck.json' });
    const { changeId, workflowId } = outcome.change!;
    await startPendingCalendarChanges(stack.pool, stack.client, stack.config.taskQueue, { pauseSeconds: 0, settleSeconds: 2 });
    const result = await stack.client.workflow.getHandle(workflowId).result() as CalendarChangeResult;
    expect(result).toMatchObject({ signaled: open.length, rechecked: open.length, gone: 0 });
    for (const id of open) {
      const signals = await calendarSignals(id);
      expect({ id, first: signals.indexOf(changeId) >= 0, recheck: signals.indexOf(recheckId(changeId)) > signals.indexOf(changeId) })
        .toEqual({ id, first: true, recheck: true });
    }
    // Its history replays against today's code (the recorded ones: calendar-change-replay.test.ts).
    const history = await stack.client.workflow.getHandle(workflowId).fetchHistory();
    if (process.env.RECORD_CALENDAR_HISTORY) {
      fs.writeFileSync(process.env.RECORD_CALENDAR_HISTORY, `${JSON.stringify(JSON.parse(historyToJSON(history)), null, 1)}\n`);
    }
    await replay(history, { name: workflowId });
  }, 240_000);
});

describe('one page of the walk (the activity)', () => {
  /** A client whose visibility lists `ids` and whose signal fails as `fail` says. */
  function fakeClient(ids: string[], fail: (id: string) => Error | undefined) {
    const sent: Array<{ id: string; args: unknown[] }> = [];
    const queries: Array<{ query: string; pageSize: number; nextPageToken?: Uint8Array }> = [];
    const client = {
      options: { namespace: 'default' },
      workflowService: {
        listWorkflowExecutions: async (req: { query: string; pageSize: number; nextPageToken?: Uint8Array }) => {
          queries.push(req);
          return { executions: ids.map((workflowId) => ({ execution: { workflowId } })), nextPageToken: Buffer.from('next') };
        },
      },
      workflow: {
        getHandle: (id: string) => ({
          signal: async (_def: unknown, ...args: unknown[]) => {
            const err = fail(id);
            if (err) throw err;
            sent.push({ id, args });
          },
        }),
      },
    } as unknown as Client;
    return { client, sent, queries };
  }

  test('a case that ended since the listing is counted as gone; the page token goes round as base64', async () => {
    const { client, sent, queries } = fakeClient(['whistle-a', 'help-b', 'whistle-c'],
      (id) => (id === 'help-b' ? new WorkflowNotFoundError('gone', id, undefined) : undefined));
    const page = await createCalendarChangeActivities(() => client).signalOpenCases({
      changeId: 'c1', taskQueue: 'whistle', pageSize: 3, pageToken: Buffer.from('prev').toString('base64'),
    });
    expect(page).toEqual({ signaled: 2, gone: 1, nextPageToken: Buffer.from('next').toString('base64') });
    expect(sent).toEqual([{ id: 'whistle-a', args: [{ changeId: 'c1' }] }, { id: 'whistle-c', args: [{ changeId: 'c1' }] }]);
    expect(queries[0].query).toBe('WorkflowType IN ("whistle", "help") AND ExecutionStatus = "Running" AND TaskQueue = "whistle"');
    expect(Buffer.from(queries[0].nextPageToken!).toString()).toBe('prev');
  });

  test('any other failure fails the page, so Temporal retries it', async () => {
    const { client } = fakeClient(['whistle-a'], () => Object.assign(new Error('14 UNAVAILABLE'), { code: 14 }));
    await expect(createCalendarChangeActivities(() => client).signalOpenCases({ changeId: 'c1', taskQueue: 'whistle', pageSize: 1, pageToken: null }))
      .rejects.toThrow('UNAVAILABLE');
  });

  test('a task queue that cannot be quoted in a visibility query is refused for good', () => {
    expect(() => openCasesQuery('a" OR WorkflowType = "x')).toThrow(/cannot be named/);
  });
});
