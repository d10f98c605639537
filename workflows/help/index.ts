/**
 * The help request workflow's entry point. A request runs, until it ends, the code of the
 * version it was posted with, known by the patch markers in its history (versions.ts): new
 * requests record TIMER_PER_DEADLINE and run the process (process.ts); requests posted before it
 * replay and finish on the frozen code they started with (frozen/).
 */
import { patched } from '@temporalio/workflow';
import type { HelpPosting, HelpView } from '../../domain';
import { help as timerPerWait } from './frozen/timer-per-wait';
import { helpProcess } from './process';
import { TIMER_PER_DEADLINE } from './versions';

export async function help(posting: HelpPosting): Promise<HelpView> {
  if (patched(TIMER_PER_DEADLINE)) return helpProcess(posting);
  return timerPerWait(posting);
}
