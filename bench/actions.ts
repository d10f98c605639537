/**
 * 2. Action latency: `accept`, `resolve` and `evaluate` through the HTTP API, against a raw
 * update round trip on a trivial workflow (bench/trivial-workflow.ts, its own worker and task
 * queue). To tell the API's share from the whistle workflow's, the same updates are also sent
 * straight to other whistles with the Temporal client ("direct"). The three calls of one sample
 * run back to back, so all three meet the same load on this shared machine.
 */
import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { acceptUpdate, evaluateUpdate, resolveUpdate, whistleWorkflowId } from '../workflows/messages';
import type { Actor } from '../domain';
import { call, spawnService, waitForPoller, type Temporal } from './stack';
import { filerOf, filingBody, startRaw } from './filings';
import { drained } from './filing';
import { latencyOf, now, ratio, runLoad, type Latency } from './measure';
import { pingUpdate, stopSignal } from './trivial-workflow';
import { spansOf, summarize, type SpanSummary, type UpdateSpans } from './history';

export const ACTIONS = ['accept', 'resolve', 'evaluate'] as const;
type Action = (typeof ACTIONS)[number];

export interface ActionLevel {
  concurrency: number;
  /** The trivial workflow's update round trip, measured alongside each action. */
  actions: Record<Action, { api: Latency; direct: Latency; trivial: Latency; p99Ratio: number | null; p50Ratio: number | null }>;
}

export interface ActionsResult {
  levels: ActionLevel[];
  /** Where a whistle update's time goes (server timestamps), by update name, over the API's whistles. */
  breakdown: Record<string, SpanSummary>;
}

const BODIES: Record<Action, Record<string, unknown> | undefined> = {
  accept: undefined,
  resolve: { result: '已协调施工队疏通管道，恢复正常。', outcome: 'solved' },
  evaluate: { rating: 'satisfied', comment: '处理及时' },
};

function actorFor(action: Action, i: number): Actor {
  const filer = filerOf(i);
  return action === 'evaluate'
    ? { accountId: filer.id, role: 'community', orgId: filer.id }
    : { accountId: filer.streetId, role: 'street', orgId: filer.streetId };
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = now();
  await fn();
  return now() - t0;
}

export async function benchActions(options: {
  temporal: Temporal; apiUrl: string; pool: Pool; taskQueue: string; dir: string; samples: number; levels: number[];
  log: (line: string) => void;
}): Promise<ActionsResult> {
  const { temporal, apiUrl, taskQueue, samples, log } = options;
  const client: Client = temporal.client;

  // The yardstick: a trivial workflow with its own worker process and task queue.
  const trivialQueue = `bench-trivial-${randomBytes(3).toString('hex')}`;
  const trivialWorker = spawnService({
    name: 'trivial-worker', script: 'bench/trivial-worker.ts', dir: options.dir,
    env: { TEMPORAL_ADDRESS: temporal.address, TEMPORAL_TASK_QUEUE: trivialQueue },
  });
  await waitForPoller(client, trivialQueue, trivialWorker);
  const trivials: WorkflowHandle[] = [];
  for (let k = 0; k < 16; k++) {
    trivials.push(await client.workflow.start('trivial', { workflowId: `trivial-${trivialQueue}-${k}`, taskQueue: trivialQueue }));
  }
  let pings = 0;
  const ping = () => trivials[pings % trivials.length].executeUpdate(pingUpdate, { args: [pings++] });
  for (let k = 0; k < 20; k++) await ping(); // warm

  const levels: ActionLevel[] = [];
  const apiWorkflowIds: string[] = [];
  let n = 0;
  for (const concurrency of options.levels) {
    // Whistles to act on: filed through the API (measured below) and straight on Temporal (direct).
    const base = n;
    n += samples;
    const apiIds: string[] = [];
    await runLoad({
      concurrency: 8, count: samples,
      task: async (k) => {
        const i = base + k;
        const { body } = await call(apiUrl, filerOf(i).id, 'POST', '/v1/whistles', filingBody(i), 201);
        apiIds[k] = body.id;
      },
    });
    const directIds: string[] = [];
    const prefix = `d${randomBytes(3).toString('hex')}`;
    await runLoad({
      concurrency: 8, count: samples,
      task: async (k) => {
        directIds[k] = await startRaw(client, taskQueue, base + k, `${prefix}${k}`);
      },
    });
    // Filed as far as the API's filing waits for: recorded and in the read model.
    await drained(options.pool, prefix, samples);
    apiWorkflowIds.push(...apiIds.slice(0, 40).map(whistleWorkflowId));

    const actions = {} as ActionLevel['actions'];
    for (const action of ACTIONS) {
      const api: number[] = [];
      const direct: number[] = [];
      const trivial: number[] = [];
      const result = await runLoad({
        concurrency, count: samples,
        task: async (k) => {
          const i = base + k;
          const actor = actorFor(action, i);
          trivial.push(await timed(ping));
          api.push(await timed(() => call(apiUrl, actor.accountId, 'POST', `/v1/whistles/${apiIds[k]}/${action}`, BODIES[action])));
          const update = action === 'accept' ? acceptUpdate : action === 'resolve' ? resolveUpdate : evaluateUpdate;
          const handle = client.workflow.getHandle(whistleWorkflowId(directIds[k]));
          direct.push(await timed(() => handle.executeUpdate(update as never, { args: (BODIES[action] ? [actor, BODIES[action]] : [actor]) as never })));
        },
      });
      if (result.failed > 0) throw new Error(`${action}: ${result.failed} of ${samples} samples failed: ${result.firstError}`);
      const a = latencyOf(api);
      const t = latencyOf(trivial);
      actions[action] = { api: a, direct: latencyOf(direct), trivial: t, p99Ratio: ratio(a.p99, t.p99), p50Ratio: ratio(a.p50, t.p50) };
      log(`  ${action} c=${concurrency}: API p50 ${a.p50} / p99 ${a.p99} ms, direct p50 ${actions[action].direct.p50} / p99 ${actions[action].direct.p99} ms, ` +
        `trivial update p50 ${t.p50} / p99 ${t.p99} ms`);
    }
    levels.push({ concurrency, actions });
  }

  // Where the time goes: the histories of some of the API's whistles.
  const spans: UpdateSpans[] = [];
  for (const workflowId of apiWorkflowIds) spans.push(...await spansOf(client, workflowId));
  const breakdown: Record<string, SpanSummary> = {};
  for (const name of ['filed', ...ACTIONS]) breakdown[name] = summarize(spans.filter((s) => s.name === name));

  for (const h of trivials) await h.signal(stopSignal).catch(() => undefined);
  await trivialWorker.stop();
  return { levels, breakdown };
}
