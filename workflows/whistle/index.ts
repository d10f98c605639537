/**
 * The whistle workflow's entry point. A whistle runs, until it ends, the code of the version it
 * was filed with, known by the patch markers in its history (versions.ts), newest first: new
 * whistles record STAYS_FOR_CALLBACK and run the process (process.ts) with its callback windows;
 * those that recorded NEXT_DEADLINE_ONLY run it without; whistles filed before it replay and
 * finish on the frozen code they started with (frozen/).
 *
 * The order of the `patched` calls is part of the recorded histories: never change it. A version
 * no running whistle uses any more (`npm run reconcile` counts them) is retired in steps:
 * `patched` becomes `deprecatePatch` and the frozen code goes, then the call goes
 * (docs/OPERATIONS.md, "Retiring a workflow version").
 */
import { patched } from '@temporalio/workflow';
import type { Filing, WhistleView } from '../../domain';
import { firstRoundWhistle as beforePlannedDeadlines } from './frozen/before-planned-deadlines';
import { whistle as everyDeadlineArmed } from './frozen/every-deadline-armed';
import { whistleProcess } from './process';
import { NEXT_DEADLINE_ONLY, PLANNED_DEADLINES, STAYS_FOR_CALLBACK } from './versions';

export async function whistle(filing: Filing): Promise<WhistleView> {
  if (patched(STAYS_FOR_CALLBACK)) return whistleProcess(filing, { staysForCallback: true });
  if (patched(NEXT_DEADLINE_ONLY)) return whistleProcess(filing, { staysForCallback: false });
  if (patched(PLANNED_DEADLINES)) return everyDeadlineArmed(filing);
  return beforePlannedDeadlines(filing);
}
