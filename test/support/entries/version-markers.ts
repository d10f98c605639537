/**
 * Test only: whistle and help workflows that record the patch markers they are given, as the
 * entry points of the versions do in their first task, and then wait until they are told to
 * finish. What Temporal's visibility counts by version (lib/workflow-versions.ts) is the
 * `TemporalChangeVersion` search attribute the SDK writes with each marker; these make running
 * cases of every version, also of those no new case can start on any more.
 */
import { condition, defineSignal, patched, setHandler } from '@temporalio/workflow';

const finishSignal = defineSignal('finish');

async function withMarkers(markers: string[]): Promise<void> {
  for (const marker of markers) patched(marker);
  let finished = false;
  setHandler(finishSignal, () => { finished = true; });
  await condition(() => finished);
}

export async function whistle(markers: string[]): Promise<void> {
  await withMarkers(markers);
}

export async function help(markers: string[]): Promise<void> {
  await withMarkers(markers);
}
