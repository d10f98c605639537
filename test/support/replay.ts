/**
 * Replay: a recorded workflow history (test/histories/*.json, the Temporal CLI's JSON form, or a
 * history fetched from the test server) run against today's workflow code. A change of the
 * commands a running workflow issues fails with a nondeterminism error, so the workflows running
 * when a new worker is deployed carry on. Record new histories with `npm run record:histories`;
 * keep the old ones.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import type { temporal } from '@temporalio/proto';
import { versionName } from '../../lib/workflow-versions';
import * as helpVersions from '../../workflows/help/versions';
import * as whistleVersions from '../../workflows/whistle/versions';

export type History = temporal.api.history.v1.IHistory;
/** An event as the JSON of a recorded history has it (enum values as their names). */
type JsonEvent = Record<string, unknown> & { eventType?: string };

export const HISTORIES_DIR = path.join(__dirname, '..', 'histories');

/** The recorded histories whose file names start with `prefix` (e.g. `whistle-`), sorted. */
export function historyFiles(prefix: string): string[] {
  if (!fs.existsSync(HISTORIES_DIR)) return [];
  return fs.readdirSync(HISTORIES_DIR).filter((f) => f.startsWith(prefix) && f.endsWith('.json')).sort();
}

/** A recorded history by its file name in test/histories/. */
export function readHistory(file: string): History {
  return JSON.parse(fs.readFileSync(path.join(HISTORIES_DIR, file), 'utf8')) as History;
}

export function eventsOf(history: History): JsonEvent[] {
  return (history.events ?? []) as unknown as JsonEvent[];
}

/** The workflow type a history started. */
export function workflowTypeOf(history: History): string | undefined {
  const started = eventsOf(history)[0]?.workflowExecutionStartedEventAttributes as { workflowType?: { name?: string } } | undefined;
  return started?.workflowType?.name;
}

/** The ids of the patch markers (`patched`, `deprecatePatch`) a history recorded, in order. */
function patchMarkersOf(history: History): string[] {
  return eventsOf(history).flatMap((e) => {
    const marker = e.markerRecordedEventAttributes as { markerName?: string; details?: Record<string, { payloads?: Array<{ data?: string }> }> } | undefined;
    const data = marker?.markerName === 'core_patch' ? marker.details?.['patch-data']?.payloads?.[0]?.data : undefined;
    return data ? [(JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as { id: string }).id] : [];
  });
}

const NEWEST_FIRST: readonly string[] = [...whistleVersions.WHISTLE_VERSIONS, ...helpVersions.HELP_VERSIONS];

/** A version's name in file names, by its recorded marker id (as operators see it in the counts: lib/workflow-versions.ts). */
export { versionName };

/**
 * The version a history recorded, as its file name says it (`<scenario>.<version>.json`): the
 * name of the newest version whose marker it carries; null when it carries none (the oldest code).
 */
function versionNameOf(history: History): string | null {
  const markers = patchMarkersOf(history);
  const newest = NEWEST_FIRST.find((id) => markers.includes(id));
  return newest === undefined ? null : versionName(newest);
}

/** The file a recorded history of `scenario` is saved as: named by the version it recorded. */
export function historyFileName(scenario: string, history: History): string {
  const version = versionNameOf(history);
  return version ? `${scenario}.${version}.json` : `${scenario}.json`;
}

/**
 * Replays `history` against the workflow bundle global setup built from today's code (or
 * `codePath`, another bundle): resolves when every command matches, rejects with the
 * nondeterminism error otherwise.
 */
export async function replay(history: History | string, options: { name?: string; codePath?: string } = {}): Promise<void> {
  const name = options.name ?? (typeof history === 'string' ? history : 'replay');
  await Worker.runReplayHistory(
    { workflowBundle: { codePath: options.codePath ?? process.env.WHISTLE_TEST_BUNDLE! }, replayName: name },
    typeof history === 'string' ? readHistory(history) : history,
    `replay-${name}`,
  );
}
