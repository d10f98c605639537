/**
 * `npm run reconcile [-- --all] [--repair] [--settle SECONDS] [--id ID ...] [--json]`
 *
 * Compares every whistle workflow with its read model (对账): the workflow's `view` query against
 * the `whistles` row (`view` and `status`) and the `whistle_events` rows (the timeline). Whistles
 * come from Temporal visibility (`WorkflowType = 'whistle'`, open ones unless `--all`) and from
 * the read model (open rows unless `--all`), so a row without a workflow and a workflow without a
 * row are both found. Visibility is limited to the deployment's task queue (TEMPORAL_TASK_QUEUE):
 * its worker writes this read model. A whistle that differs is checked again after `--settle`
 * seconds (default 5): a change that is being published at that moment is not a difference.
 *
 * `--repair` re-runs the projection of each drifted whistle: it asks the workflow for what its
 * projection writes (the `projection` query: version, view, timeline with units and facts) and
 * applies it with the same code as the worker (the row is rewritten from it; timeline
 * rows are inserted where missing; notifications are written only for timeline entries that were
 * missing, each at most once by its key).
 *
 * Then it prints how many whistles and help requests on the task queue run each version of their
 * workflow's code (lib/workflow-versions.ts; `versions` in the JSON): a version whose count is 0
 * can be retired (docs/OPERATIONS.md, "Retiring a workflow version").
 *
 * Exit code: 0 no difference, 1 differences (after repair, if asked), 2 the check could not run.
 */
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import type { Pool } from 'pg';
import { readConfig } from '../lib/config';
import { createPool } from '../lib/db';
import { projectWhistle } from '../lib/read-model/whistles';
import { storable } from '../lib/read-model/storable';
import { stepVersionBelow, storedView, whistleIds, whistleTimeline, type TimelineRow } from '../lib/stores/whistles';
import type { WhistleProjection, WhistleView } from '../domain';
import { projectionQuery, viewQuery, whistleWorkflowId } from '../workflows/messages';
import { countRunningByVersion, formatVersionCounts } from '../lib/workflow-versions';

export type DifferenceKind =
  /** The workflow exists, the read model has no row for it. */
  | 'missing_row'
  /** A read-model row whose workflow does not exist (in this namespace). */
  | 'orphan_row'
  /** Fields of the row's view (or its status column) differ from the workflow's view. */
  | 'view'
  /** The timeline rows differ from the workflow's timeline. */
  | 'timeline'
  /** The workflow could not be queried. */
  | 'query_failed';

export interface Difference { id: string; kind: DifferenceKind; detail: string }

export interface ReconcileOptions {
  /** Closed and withdrawn whistles too. */
  all?: boolean;
  /** Only these whistle ids. */
  ids?: string[];
  /** Only workflows on this task queue (the deployment's TEMPORAL_TASK_QUEUE; other queues belong to other read models). */
  taskQueue?: string;
  /** Differences are checked again after this long (ms) before they are reported. */
  settleMs?: number;
  /** Re-run the last projection of drifted whistles from their workflow history. */
  repair?: boolean;
  concurrency?: number;
}

export interface ReconcileReport {
  checked: number;
  /** Whistles found via Temporal visibility. */
  workflows: number;
  /** Whistles found via the read model. */
  rows: number;
  differences: Difference[];
  repaired: string[];
}


const ID_PREFIX = 'whistle-';

async function visibleIds(client: Client, all: boolean, taskQueue: string | undefined): Promise<string[]> {
  const clauses = ["WorkflowType = 'whistle'"];
  if (!all) clauses.push("ExecutionStatus = 'Running'");
  if (taskQueue) clauses.push(`TaskQueue = '${taskQueue.replace(/'/g, "\\'")}'`);
  const query = clauses.join(' AND ');
  const ids: string[] = [];
  for await (const wf of client.workflow.list({ query })) {
    if (wf.workflowId.startsWith(ID_PREFIX)) ids.push(wf.workflowId.slice(ID_PREFIX.length));
  }
  return ids;
}

/**
 * Names of the view's fields that differ (deep comparison, key order ignored). The timeline is
 * compared with the timeline rows (the row's view does not hold it for whistles whose actions answer at once).
 */
export function differingFields(workflow: WhistleView, row: WhistleView): string[] {
  const keys = new Set([...Object.keys(workflow), ...Object.keys(row)]);
  keys.delete('timeline');
  const plain = (v: unknown) => JSON.parse(JSON.stringify(v ?? null));
  return [...keys].filter((k) => !isDeepStrictEqual(plain((workflow as never)[k]), plain((row as never)[k]))).sort();
}

function timelineDifference(view: WhistleView, events: TimelineRow[]): string | null {
  if (events.length !== view.timeline.length) {
    return `${events.length} timeline rows, the workflow has ${view.timeline.length} entries`;
  }
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    const t = view.timeline[i];
    if (e.seq !== i + 1 || e.type !== t.type || e.actor !== t.actor || (e.note ?? null) !== (t.note ?? null)
      || e.at.getTime() !== Date.parse(t.at)) {
      return `timeline row ${i + 1} is ${e.type} by ${e.actor}, the workflow has ${t.type} by ${t.actor}`;
    }
  }
  return null;
}

/** The differences of one whistle; none when the read model equals the workflow. */
export async function checkWhistle(client: Client, pool: Pool, id: string): Promise<Difference[]> {
  const [row, events] = await Promise.all([storedView(pool, id), whistleTimeline(pool, id)]);
  let view: WhistleView;
  try {
    // Compared as the projection stores it (text PostgreSQL cannot hold is replaced, see storable).
    view = storable(await client.workflow.getHandle(whistleWorkflowId(id)).query(viewQuery));
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) {
      return row ? [{ id, kind: 'orphan_row', detail: `read-model row (${row.status}) without a workflow` }] : [];
    }
    return [{ id, kind: 'query_failed', detail: (err as Error).message }];
  }
  if (!row) return [{ id, kind: 'missing_row', detail: `workflow is ${view.status}, the read model has no row` }];
  const out: Difference[] = [];
  const fields = differingFields(view, row.view);
  if (row.status !== view.status && !fields.includes('status')) fields.push('status');
  if (fields.length) {
    out.push({ id, kind: 'view', detail: `differs in ${fields.join(', ')} (workflow ${view.status}, row ${row.status})` });
  }
  const timeline = timelineDifference(view, events);
  if (timeline) out.push({ id, kind: 'timeline', detail: timeline });
  return out;
}

/** What the workflow's projection writes for its current state (its `projection` query). */
export async function currentProjection(client: Client, id: string): Promise<WhistleProjection> {
  return client.workflow.getHandle(whistleWorkflowId(id)).query(projectionQuery);
}

async function inBatches<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  }));
}

async function checkAll(client: Client, pool: Pool, ids: string[], concurrency: number): Promise<Difference[]> {
  const out: Difference[] = [];
  await inBatches(ids, concurrency, async (id) => { out.push(...await checkWhistle(client, pool, id)); });
  return out.sort((a, b) => a.id.localeCompare(b.id) || a.kind.localeCompare(b.kind));
}

export async function reconcile(deps: { client: Client; pool: Pool }, options: ReconcileOptions = {}): Promise<ReconcileReport> {
  const { client, pool } = deps;
  const all = options.all ?? false;
  const concurrency = options.concurrency ?? 8;
  let workflows = 0;
  let rows = 0;
  let ids: string[];
  if (options.ids?.length) {
    ids = [...new Set(options.ids)];
  } else {
    const [fromTemporal, fromRows] = await Promise.all([visibleIds(client, all, options.taskQueue), whistleIds(pool, { all })]);
    workflows = fromTemporal.length;
    rows = fromRows.length;
    ids = [...new Set([...fromTemporal, ...fromRows])].sort();
  }
  let differences = await checkAll(client, pool, ids, concurrency);
  const settleMs = options.settleMs ?? 5000;
  if (differences.length && settleMs > 0) {
    await new Promise((r) => setTimeout(r, settleMs));
    differences = await checkAll(client, pool, [...new Set(differences.map((d) => d.id))], concurrency);
  }
  const repaired: string[] = [];
  if (options.repair && differences.length) {
    const drifted = [...new Set(differences.filter((d) => d.kind !== 'orphan_row' && d.kind !== 'query_failed').map((d) => d.id))];
    await inBatches(drifted, concurrency, async (id) => {
      const projection = await currentProjection(client, id);
      // The row may claim this version (or a later one) while holding something else (edited by
      // hand, restored from a backup): step it just below, so the projection applies. A newer
      // projection by the worker meanwhile still wins, by version, as always.
      await stepVersionBelow(pool, id, projection.version);
      await projectWhistle(pool, projection);
      repaired.push(id);
    });
    differences = await checkAll(client, pool, [...new Set(differences.map((d) => d.id))], concurrency);
  }
  return { checked: ids.length, workflows, rows, differences, repaired: repaired.sort() };
}

const USAGE = `usage: npm run reconcile -- [--all] [--repair] [--settle SECONDS] [--id WHISTLE_ID ...] [--json]
  --all       closed and withdrawn whistles too (default: open ones)
  --repair    re-run the last projection of each drifted whistle from its workflow history
  --settle    seconds to wait before a difference is checked again and reported (default 5)
  --id        only this whistle (repeatable)
  --json      print the report as JSON`;

async function main(): Promise<number> {
  let values: { all?: boolean; repair?: boolean; settle?: string; id?: string[]; json?: boolean; help?: boolean };
  try {
    values = parseArgs({
      args: process.argv.slice(2),
      options: {
        all: { type: 'boolean' }, repair: { type: 'boolean' }, settle: { type: 'string' },
        id: { type: 'string', multiple: true }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) { console.log(USAGE); return 0; }
  const settle = values.settle === undefined ? 5 : Number(values.settle);
  if (!Number.isFinite(settle) || settle < 0) { console.error(`--settle must be a number of seconds\n${USAGE}`); return 2; }

  const config = readConfig();
  const pool = createPool(config.databaseUrl, 4);
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address: config.temporalAddress, connectTimeout: '10s' });
    const client = new Client({ connection, namespace: config.temporalNamespace });
    const report = await reconcile({ client, pool }, {
      all: values.all, repair: values.repair, ids: values.id, settleMs: settle * 1000, taskQueue: config.taskQueue,
    });
    const versions = await countRunningByVersion(client, config.taskQueue);
    if (values.json) {
      console.log(JSON.stringify({ ...report, versions }, null, 2));
    } else {
      for (const id of report.repaired) console.log(`whistle ${id}: projection re-run from its workflow history`);
      for (const d of report.differences) console.log(`whistle ${d.id}: ${d.kind} — ${d.detail}`);
      const source = values.id?.length ? 'given ids' : `${report.workflows} workflows via visibility, ${report.rows} read-model rows`;
      console.log(`checked ${report.checked} whistles (${source}): ${report.differences.length} difference(s)` +
        (values.repair ? `, ${report.repaired.length} repaired` : ''));
      console.log(`running workflows by version (task queue ${config.taskQueue}):`);
      for (const line of formatVersionCounts(versions)) console.log(line);
    }
    if (report.differences.some((d) => d.kind === 'query_failed')) return 2;
    return report.differences.length ? 1 : 0;
  } catch (err) {
    console.error(`reconcile could not run: ${(err as Error).message}`);
    return 2;
  } finally {
    await connection?.close().catch(() => undefined);
    await pool.end().catch(() => undefined);
  }
}

if (require.main === module) {
  main().then((code) => process.exit(code), (err) => { console.error(err); process.exit(1); });
}
