/**
 * Test only: the whistle's entry point at the last step of retiring the older versions
 * (docs/OPERATIONS.md, "Retiring a workflow version"): no call for the marker at all, the
 * process alone. Whistles whose marker `deprecatePatch` recorded replay on it; whistles whose
 * marker `patched` recorded do not (so this step waits until none of them runs).
 */
import type { Filing, WhistleView } from '../../../domain';
import { whistleProcess } from '../../../workflows/whistle/process';

export async function whistle(filing: Filing): Promise<WhistleView> {
  return whistleProcess(filing, { staysForCallback: false });
}
