/**
 * The calendar change's vocabulary, shared by the workflow (`calendar-change.ts`), its
 * activities and the import command: no workflow code here, so Node code may import it.
 */

/** What the import hands the `calendarChange` workflow; the rest is carried over continue-as-new. */
export interface CalendarChangeInput {
  /** The change (`calendar_changes.change_id`): what the cases receive in `calendarChanged`. */
  changeId: string;
  /** The task queue of the whistles and help requests to reach (the deployment's queue). */
  taskQueue: string;
  /** Cases listed and signalled per activity call (default 100). */
  pageSize?: number;
  /** Pause between pages, so recomputations reach the workers in waves (default 1 second). */
  pauseSeconds?: number;
  /**
   * After the first round, wait this long and signal every running case once more with the id
   * `<changeId>.recheck` (default 65 seconds, just over the 60 s for which a worker keeps the
   * calendar in memory); 0 skips the second round. See `calendarChange`.
   */
  settleSeconds?: number;
  /** Pages before the workflow continues as new (default 50), so its history stays short. */
  pagesPerRun?: number;
  /** Carried over continue-as-new: where the walk stands. */
  progress?: CalendarChangeProgress;
}

export interface CalendarChangeProgress {
  /** 1: the change itself; 2: the recheck once every worker's calendar cache has expired. */
  round: 1 | 2;
  /** The visibility page to read next (base64), null for the first page of the round. */
  pageToken: string | null;
  /** Whether the settle pause before round 2 is over. */
  settled: boolean;
  result: CalendarChangeResult;
}

/** What the workflow did, returned when it ends. */
export interface CalendarChangeResult {
  /** Cases signalled `calendarChanged` with the change's id (round 1). */
  signaled: number;
  /** Cases signalled again with `<changeId>.recheck` (round 2). */
  rechecked: number;
  /** Cases listed as running that had ended by the time of their signal. */
  gone: number;
  /** Activity calls (pages) over both rounds. */
  pages: number;
}

/** One page of running cases, signalled. */
export interface SignalPage {
  signaled: number;
  gone: number;
  /** The next page (base64), null when this was the last. */
  nextPageToken: string | null;
}

export interface CalendarChangeActivities {
  /**
   * Lists one page of the running whistle and help workflows on `taskQueue` (visibility query)
   * and signals each `calendarChanged` with `{ changeId }`. A case that ended meanwhile is
   * counted as gone; any other failure fails the page, which Temporal retries (a case signalled
   * twice ignores the change the second time).
   */
  signalOpenCases(page: { changeId: string; taskQueue: string; pageSize: number; pageToken: string | null }): Promise<SignalPage>;
}

/** The workflow id of a change: a retried command or a worker meets the same workflow. */
export function calendarChangeWorkflowId(changeId: string): string {
  return `calendar-change-${changeId}`;
}

/** The id of the second round's signal. */
export function recheckId(changeId: string): string {
  return `${changeId}.recheck`;
}
