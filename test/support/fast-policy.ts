/**
 * A policy for tests: every timer fires within seconds, in the order the process meets them
 * (a holder is late to report in before it is late to finish); the numbers (maxReopens,
 * maxReturns …) are the defaults. Tests override what they need.
 * Read through parsePolicy, so it is checked (and frozen) as a POLICY_FILE would be.
 */
import { DEFAULT_POLICY, type Policy } from '../../lib/policy';
import { parsePolicy } from '../../lib/policy-file';

export const FAST_POLICY: Policy = parsePolicy({
  street: {
    acceptWithin: { seconds: 3 },
    acceptWithinUrgent: { seconds: 2 },
    handleWithin: { seconds: 6 },
  },
  center: { triageWithin: { seconds: 3 } },
  department: { acceptWithin: { seconds: 3 } },
  lists: {
    immediate: { seconds: 6 },
    phased: { seconds: 12 },
    understanding: { seconds: 8 },
  },
  phased: { progressEvery: { seconds: 4 } },
  evaluation: { window: { seconds: 5 } },
  help: {
    verifyWithin: { seconds: 3 },
    claimWithin: { seconds: 4 },
    checkInGrace: { seconds: 2 },
    confirmWithin: { seconds: 5 },
  },
  warnBefore: { seconds: 2 },
  callback: { within: { seconds: 8 } },
}, DEFAULT_POLICY);
