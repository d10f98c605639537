/**
 * Test only: the whistle's entry point at the second step of retiring the older versions
 * (docs/OPERATIONS.md, "Retiring a workflow version"): no whistle on the frozen code runs any
 * more, so the switch keeps only the marker's call, as `deprecatePatch`, and runs the process.
 * New whistles record the marker flagged deprecated; whistles whose `patched` recorded it replay.
 */
import { deprecatePatch } from '@temporalio/workflow';
import type { Filing, WhistleView } from '../../../domain';
import { whistleProcess } from '../../../workflows/whistle/process';
import { NEXT_DEADLINE_ONLY } from '../../../workflows/whistle/versions';

export async function whistle(filing: Filing): Promise<WhistleView> {
  deprecatePatch(NEXT_DEADLINE_ONLY);
  return whistleProcess(filing, { staysForCallback: false });
}
