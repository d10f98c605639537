/**
 * Task-queue fairness and priority (优先级与公平) on the Temporal server the project runs, proven
 * by experiment: `npx tsx bench/fairness.ts` (a minute; its own dev servers in memory on free ports).
 *
 * For each matcher setting — MATCHING_DYNAMIC_CONFIG (`matching.useNewMatcher` and
 * `matching.enableFairness` on, as every server of the project runs) and the server's defaults
 * (both off) — a backlog is built while nobody polls, then a single slot serves it:
 * - fairness: 40 tasks of fairness key `street-a` (a burst) arrive first, then 5 of `street-b`;
 * - priority: 40 tasks of priorityKey 3 arrive first, then 5 of priorityKey 1;
 * once as workflow tasks (the priority given at `workflow.start`; the order is that of each
 * workflow's first WorkflowTaskStarted) and once as activity tasks (the priority in the activity
 * options of one workflow that schedules all 45 at once; the order is that of the activity's runs).
 * Printed: the places (1-based) at which the 5 late tasks were served. Fair: spread through the
 * first ten (every other one); in arrival order: 41–45; by priority: 1–5.
 *
 * One partition per task queue here, so that the order is the matcher's alone (with the default
 * four, a poller meets the partitions in turn and each has its own order).
 */
import path from 'node:path';
import os from 'node:os';
import fs from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import type { Priority } from '@temporalio/common';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker, type WorkflowBundle } from '@temporalio/worker';
import { temporal as proto } from '@temporalio/proto';
import { freePort, MATCHING_DYNAMIC_CONFIG, startDevServer, temporalBinary } from '../lib/temporal-dev-server';
import type { activityBurst, fairnessProbe } from './fairness-workflow';

const BURST = 40;
const LATE = 5;
const ONE_PARTITION = { 'matching.numTaskqueueReadPartitions': 1, 'matching.numTaskqueueWritePartitions': 1 };

interface Case { name: string; early: Priority; late: Priority }
const CASES: Case[] = [
  { name: 'fairness', early: { fairnessKey: 'street-a', fairnessWeight: 1 }, late: { fairnessKey: 'street-b', fairnessWeight: 1 } },
  { name: 'priority', early: { priorityKey: 3 }, late: { priorityKey: 1 } },
];

export interface FairnessResult { setting: string; level: 'workflow' | 'activity'; case: string; latePlaces: number[] }

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The places of the late tasks among all, in the order served. */
function placesOf(order: string[]): number[] {
  return order.map((label, i) => (label.startsWith('late') ? i + 1 : 0)).filter(Boolean);
}

function labels(): Array<{ label: string; early: boolean }> {
  return [
    ...Array.from({ length: BURST }, (_, i) => ({ label: `early-${i}`, early: true })),
    ...Array.from({ length: LATE }, (_, i) => ({ label: `late-${i}`, early: false })),
  ];
}

async function workflowLevel(client: Client, nativeConnection: NativeConnection, bundle: WorkflowBundle, c: Case, run: string): Promise<string[]> {
  const taskQueue = `fair-wf-${c.name}-${run}`;
  const started: Array<{ id: string; label: string }> = [];
  for (const { label, early } of labels()) {
    const id = `${taskQueue}-${label}`;
    await client.workflow.start<typeof fairnessProbe>('fairnessProbe', { workflowId: id, taskQueue, args: [], priority: early ? c.early : c.late });
    started.push({ id, label });
  }
  const worker = await Worker.create({
    connection: nativeConnection, taskQueue, workflowBundle: bundle, maxConcurrentWorkflowTaskExecutions: 1, maxCachedWorkflows: 0,
    maxConcurrentWorkflowTaskPolls: 1,
  });
  await worker.runUntil(Promise.all(started.map((s) => client.workflow.getHandle(s.id).result())));
  const firstTask = await Promise.all(started.map(async (s) => {
    const history = await client.workflow.getHandle(s.id).fetchHistory();
    const event = history.events!.find((e) => e.eventType === proto.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED)!;
    const t = event.eventTime!;
    return { label: s.label, at: Number(t.seconds) * 1e9 + (t.nanos ?? 0), id: Number(event.eventId) };
  }));
  return firstTask.sort((a, b) => a.at - b.at).map((f) => f.label);
}

async function activityLevel(client: Client, nativeConnection: NativeConnection, bundle: WorkflowBundle, c: Case, run: string): Promise<string[]> {
  const taskQueue = `fair-burst-${c.name}-${run}`;
  const activityQueue = `fair-act-${c.name}-${run}`;
  const tasks = labels().map(({ label, early }) => ({ label, early, priority: early ? c.early : c.late }));
  const handle = await client.workflow.start<typeof activityBurst>('activityBurst', {
    workflowId: taskQueue, taskQueue, args: [activityQueue, tasks.filter((t) => t.early), tasks.filter((t) => !t.early)],
  });
  const workflows = await Worker.create({ connection: nativeConnection, taskQueue, workflowBundle: bundle });
  const served: string[] = [];
  await workflows.runUntil(async () => {
    // Every activity scheduled (and none polled yet) before the single activity slot opens.
    for (;;) {
      const raw = await client.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId: handle.workflowId } });
      if ((raw.pendingActivities ?? []).length === tasks.length) break;
      await wait(100);
    }
    const activities = await Worker.create({
      // Polls only while its slot is free, so nothing waits in the worker: the server's order is what runs.
      connection: nativeConnection, taskQueue: activityQueue, maxConcurrentActivityTaskExecutions: 1, maxConcurrentActivityTaskPolls: 1,
      activities: { served: async (label: string) => { served.push(label); await wait(5); } },
    });
    await activities.runUntil(handle.result());
  });
  return served;
}

export async function benchFairness(log: (line: string) => void = console.log): Promise<FairnessResult[]> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'whistle-fairness-'));
  const bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./fairness-workflow'), logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never });
  const binary = temporalBinary();
  const settings: Array<{ name: string; values: Record<string, boolean | number> }> = [
    { name: 'fairness and priority on (MATCHING_DYNAMIC_CONFIG)', values: { ...MATCHING_DYNAMIC_CONFIG, ...ONE_PARTITION } },
    { name: 'server defaults (both off)', values: { 'matching.useNewMatcher': false, 'matching.enableFairness': false, ...ONE_PARTITION } },
  ];
  const results: FairnessResult[] = [];
  try {
    for (const [i, setting] of settings.entries()) {
      const port = await freePort();
      const server = await startDevServer({ ip: '127.0.0.1', port, namespace: 'default', logFile: path.join(dir, `temporal-${i}.log`), dynamicConfig: setting.values }, binary);
      const connection = await Connection.connect({ address: server.address });
      const nativeConnection = await NativeConnection.connect({ address: server.address });
      const client = new Client({ connection, namespace: 'default' });
      try {
        for (const c of CASES) {
          for (const level of ['workflow', 'activity'] as const) {
            const order = level === 'workflow'
              ? await workflowLevel(client, nativeConnection, bundle, c, String(i))
              : await activityLevel(client, nativeConnection, bundle, c, String(i));
            const latePlaces = placesOf(order);
            results.push({ setting: setting.name, level, case: c.name, latePlaces });
            log(`${setting.name}: ${c.name}, ${level} tasks — the ${LATE} late ones served at ${latePlaces.join(', ')} of ${order.length}`);
          }
        }
      } finally {
        await nativeConnection.close();
        await connection.close();
        await server.stop();
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

if (require.main === module) {
  benchFairness().then(() => process.exit(0)).catch((err) => { console.error(err); process.exit(1); });
}
