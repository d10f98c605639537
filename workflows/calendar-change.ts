/**
 * A change of the holiday calendar reaching every open case (`npm run holidays -- import`).
 *
 * One workflow per change (id `calendar-change-<changeId>`): it walks the running whistle and
 * help workflows of the deployment's task queue, page by page through a visibility query, and
 * signals each one `calendarChanged` with `{ changeId }`; the case recomputes its pending
 * working-day deadlines. Each page is one activity call that Temporal retries until it
 * succeeds, so the walk survives worker restarts and outages; the workflow continues as new
 * every `pagesPerRun` pages, carrying where it stands, so a long list keeps a short history.
 *
 * Round 2: a worker keeps the calendar in memory for up to 60 s (activities/deadlines.ts), so a
 * deadline computed on another worker just after the import may still use the old calendar.
 * Once that time is over (`settleSeconds`), every running case is signalled once more, with the
 * id `<changeId>.recheck`; a case whose deadlines are right moves nothing.
 */
import { continueAsNew, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import {
  recheckId, type CalendarChangeActivities, type CalendarChangeInput, type CalendarChangeProgress, type CalendarChangeResult,
} from './calendar-change-messages';

const { signalOpenCases } = proxyActivities<CalendarChangeActivities>({
  // A page of 100 signals takes a second or two; a minute leaves room for a slow Temporal.
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
  summary: 'signal calendarChanged to one page of open whistles and help requests',
});

export async function calendarChange(input: CalendarChangeInput): Promise<CalendarChangeResult> {
  const pageSize = Math.min(Math.max(Math.floor(input.pageSize ?? 100), 1), 1000);
  const pause = Math.max(input.pauseSeconds ?? 1, 0) * 1000;
  const settle = Math.max(input.settleSeconds ?? 65, 0) * 1000;
  const pagesPerRun = Math.max(Math.floor(input.pagesPerRun ?? 50), 1);
  const progress: CalendarChangeProgress = input.progress ?? {
    round: 1, pageToken: null, settled: false, result: { signaled: 0, rechecked: 0, gone: 0, pages: 0 },
  };
  const { result } = progress;

  for (let pages = 0; ; pages++) {
    if (pages > 0 && (pages >= pagesPerRun || workflowInfo().continueAsNewSuggested)) {
      await continueAsNew<typeof calendarChange>({ ...input, progress });
    }
    if (progress.round === 2 && !progress.settled) {
      await sleep(settle);
      progress.settled = true;
    }
    const changeId = progress.round === 1 ? input.changeId : recheckId(input.changeId);
    const page = await signalOpenCases({ changeId, taskQueue: input.taskQueue, pageSize, pageToken: progress.pageToken });
    result.pages += 1;
    result.gone += page.gone;
    if (progress.round === 1) result.signaled += page.signaled;
    else result.rechecked += page.signaled;
    progress.pageToken = page.nextPageToken;
    if (progress.pageToken === null) {
      if (progress.round === 2 || settle === 0) return result;
      progress.round = 2;
    } else if (pause > 0) {
      await sleep(pause);
    }
  }
}
