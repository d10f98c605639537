/**
 * How many running whistles and help requests run each version of their workflow's code, for
 * operators (`npm run reconcile`, the API's `whistle_workflows_running` gauge) and for retiring a
 * version (docs/OPERATIONS.md, "Retiring a workflow version").
 *
 * A case's version is the patch marker its entry point recorded in its first workflow task
 * (workflows/whistle/index.ts, workflows/help/index.ts). Each time `patched()` records a marker,
 * the SDK also writes the marker's id into the `TemporalChangeVersion` search attribute (a
 * keyword list), so Temporal's visibility counts them: `TemporalChangeVersion = '<id>'`. An entry
 * point records at most one of the markers it chooses by, so a running case is counted once: by
 * its marker, or, with none of them, as the oldest code. A case whose first workflow task has
 * not run yet (a moment after filing, or while no worker runs) has no marker yet and counts as
 * the oldest code until it has run.
 */
import type { Client } from '@temporalio/client';
import * as helpVersions from '../workflows/help/versions';
import * as whistleVersions from '../workflows/whistle/versions';

const VERSION_NAMES = new Map(([...Object.entries(whistleVersions), ...Object.entries(helpVersions)] as Array<[string, unknown]>)
  .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
  .map(([name, id]) => [id, name.toLowerCase().replace(/_/g, '-')]));

/** A version's name by its recorded marker id: its constant's name in kebab case (NEXT_DEADLINE_ONLY → next-deadline-only). */
export function versionName(markerId: string): string {
  return VERSION_NAMES.get(markerId) ?? markerId;
}

type CaseWorkflow = 'whistle' | 'help';

/**
 * The markers each entry point chooses its code by, newest first, and the name of the code a
 * case with none of them runs (its frozen module's name).
 */
const ENTRY_POINTS: ReadonlyArray<{ workflow: CaseWorkflow; markers: readonly string[]; withoutMarker: string }> = [
  { workflow: 'whistle', markers: [whistleVersions.STAYS_FOR_CALLBACK, whistleVersions.NEXT_DEADLINE_ONLY, whistleVersions.PLANNED_DEADLINES], withoutMarker: 'before-planned-deadlines' },
  { workflow: 'help', markers: [helpVersions.TIMER_PER_DEADLINE], withoutMarker: 'timer-per-wait' },
];

export interface VersionCount {
  workflow: CaseWorkflow;
  /** What the version does (versions.ts), e.g. `next-deadline-only`. */
  version: string;
  /** The patch marker its cases carry; null for the oldest code (none of the entry point's markers). */
  marker: string | null;
  running: number;
}

/** How long one count may take before the counts are given up (a scrape must not hang on Temporal). */
const COUNT_DEADLINE_MS = 5_000;

const quoted = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * Running cases by version, on `taskQueue` (the deployment's: its workers run this code) or on
 * every queue of the namespace. One visibility count per marker and one per workflow type.
 */
export async function countRunningByVersion(client: Client, taskQueue?: string): Promise<VersionCount[]> {
  const count = async (clauses: string[]): Promise<number> => {
    const query = [...clauses, "ExecutionStatus = 'Running'", ...(taskQueue ? [`TaskQueue = ${quoted(taskQueue)}`] : [])].join(' AND ');
    return (await client.withDeadline(Date.now() + COUNT_DEADLINE_MS, () => client.workflow.count(query))).count;
  };
  const perEntry = await Promise.all(ENTRY_POINTS.map(async ({ workflow, markers, withoutMarker }) => {
    const type = `WorkflowType = ${quoted(workflow)}`;
    const [all, ...marked] = await Promise.all([count([type]), ...markers.map((m) => count([type, `TemporalChangeVersion = ${quoted(m)}`]))]);
    const counts: VersionCount[] = markers.map((marker, i) => ({ workflow, version: versionName(marker), marker, running: marked[i] }));
    counts.push({ workflow, version: withoutMarker, marker: null, running: Math.max(0, all - marked.reduce((a, b) => a + b, 0)) });
    return counts;
  }));
  return perEntry.flat();
}

/**
 * The counts at most once per `cacheMs` (one count at a time however many ask); when Temporal
 * does not answer, the last counts (or undefined) and `onError`.
 */
export function cachedVersionCounts(count: () => Promise<VersionCount[]>, cacheMs: number, onError: (err: unknown) => void) {
  let last: VersionCount[] | undefined;
  let readAt = 0;
  let pending: Promise<VersionCount[] | undefined> | undefined;
  return async (): Promise<VersionCount[] | undefined> => {
    if (last && Date.now() - readAt < cacheMs) return last;
    pending ??= count().then((c) => { last = c; readAt = Date.now(); return c; }, (err) => { onError(err); return last; })
      .finally(() => { pending = undefined; });
    return pending;
  };
}

/** The counts as lines for a terminal: one per version, with its marker. */
export function formatVersionCounts(counts: VersionCount[]): string[] {
  const marker = (c: VersionCount) => c.marker ?? '(no marker)';
  const width = (f: (c: VersionCount) => string) => Math.max(...counts.map((c) => f(c).length));
  const [w, v, m] = [width((c) => c.workflow), width((c) => c.version), width(marker)];
  return counts.map((c) => `  ${c.workflow.padEnd(w)}  ${c.version.padEnd(v)}  ${marker(c).padEnd(m)}  ${c.running}`);
}
