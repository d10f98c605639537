/**
 * What Temporal server 1.29.1 (CLI v1.5.1) does with a workflow's priority after the start:
 * `npx tsx bench/priority-server.ts` (half a minute; its own dev server in memory on free ports).
 *
 * 1. A change of a running workflow's priority (UpdateWorkflowExecutionOptions with `priority`,
 *    which later versions of the API carry): what the server answers.
 * 2. An activity scheduled without a priority of its own: 20 workflows of priorityKey 3 and one of
 *    priorityKey 1 each schedule one activity once poked, the priority-1 one last; every activity
 *    is scheduled before the single activity slot opens; the place at which the priority-1
 *    workflow's activity is served (1: it takes its workflow's priority; 21: arrival order).
 * 3. continue-as-new: the priority of the run that follows.
 * (Whether a priority added to activity options in workflow code replays the histories recorded
 * without it: test/priority-replay.test.ts.)
 */
import path from 'node:path';
import os from 'node:os';
import fs from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { freePort, MATCHING_DYNAMIC_CONFIG, startDevServer, temporalBinary } from '../lib/temporal-dev-server';
import type { inheritanceProbe } from './fairness-workflow';

const OTHERS = 20;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const QUIET = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never;

export interface PriorityServerResult { updateRefused: string | null; inheritedPlace: number; of: number; continuedPriority: unknown }

export async function benchPriorityServer(log: (line: string) => void = console.log): Promise<PriorityServerResult> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'whistle-priority-'));
  const bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./fairness-workflow'), logger: QUIET });
  const port = await freePort();
  const server = await startDevServer({
    ip: '127.0.0.1', port, namespace: 'default', logFile: path.join(dir, 'temporal.log'),
    dynamicConfig: { ...MATCHING_DYNAMIC_CONFIG, 'matching.numTaskqueueReadPartitions': 1, 'matching.numTaskqueueWritePartitions': 1 },
  }, temporalBinary());
  const connection = await Connection.connect({ address: server.address });
  const native = await NativeConnection.connect({ address: server.address });
  const client = new Client({ connection, namespace: 'default' });
  try {
    const taskQueue = 'priority-wf';
    const activityQueue = 'priority-act';
    const labels = [...Array.from({ length: OTHERS }, (_, i) => `other-${i}`), 'high'];
    for (const label of labels) {
      await client.workflow.start<typeof inheritanceProbe>('inheritanceProbe', {
        workflowId: label, taskQueue, args: [activityQueue, label], priority: { priorityKey: label === 'high' ? 1 : 3, fairnessKey: 'street-a' },
      });
    }

    let updateRefused: string | null = null;
    try {
      await client.workflowService.updateWorkflowExecutionOptions({
        namespace: 'default', workflowExecution: { workflowId: 'other-0' },
        workflowExecutionOptions: { priority: { priorityKey: 1 } }, updateMask: { paths: ['priority'] },
      });
    } catch (err) {
      updateRefused = (err as { details?: string }).details ?? String(err);
    }
    log(`1. a running workflow's priority changed: ${updateRefused ? `refused — ${updateRefused}` : 'accepted'}`);

    const workflows = await Worker.create({ connection: native, taskQueue, workflowBundle: bundle });
    const served: string[] = [];
    await workflows.runUntil(async () => {
      // The priority-1 workflow's activity is scheduled last, after the 20 others'.
      const pendingOf = async (ids: string[]) => Promise.all(ids.map(async (id) =>
        (await client.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId: id } })).pendingActivities?.length ?? 0));
      for (const ids of [labels.slice(0, OTHERS), ['high']]) {
        for (const id of ids) await client.workflow.getHandle(id).signal('poke');
        while (!(await pendingOf(ids)).every((n) => n === 1)) await wait(100);
      }
      const activities = await Worker.create({
        connection: native, taskQueue: activityQueue, maxConcurrentActivityTaskExecutions: 1, maxConcurrentActivityTaskPolls: 1,
        activities: { served: async (label: string) => { served.push(label); await wait(5); } },
      });
      await activities.runUntil(Promise.all(labels.map((id) => client.workflow.getHandle(id).result())));
    });
    const inheritedPlace = served.indexOf('high') + 1;
    log(`2. the activity of the priority-1 workflow (no priority of its own) served at place ${inheritedPlace} of ${served.length}`);
    const continued = (await client.workflow.getHandle('high').describe()).raw.workflowExecutionInfo?.priority ?? null;
    log(`3. the run after continue-as-new has priority ${JSON.stringify(continued)}`);
    return { updateRefused, inheritedPlace, of: served.length, continuedPriority: continued };
  } finally {
    await native.close();
    await connection.close();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchPriorityServer().then(() => process.exit(0)).catch((err) => { console.error(err); process.exit(1); });
}
