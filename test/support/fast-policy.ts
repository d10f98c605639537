/**
 * A policy for tests: every timer fires within seconds, in the order the process meets them
 * (a holder is late to report in before it is late to finish); the numbers (maxReopens,
 * maxReturns …) are the defaults. Tests override what they need.
 * Read through parsePolicy, so it is checked (and frozen) as a POLICY_FILE would be.
 */
import { DEFAULT_POLICY, type Policy } from '../../lib/policy';
import { parsePolicy } from '../../lib/policy-file';

const s = (seconds: number) => ({ seconds });

export const FAST_POLICY: Policy = parsePolicy({
  street: { acceptWithin: s(3), acceptWithinUrgent: s(2), handleWithin: s(6) },
  center: { triageWithin: s(3) },
  department: { acceptWithin: s(3) },
  lists: { immediate: s(6), phased: s(12), understanding: s(8) },
  phased: { progressEvery: s(4) },
  evaluation: { window: s(5) },
  help: { verifyWithin: s(3), claimWithin: s(4), checkInGrace: s(2), confirmWithin: s(5) },
  warnBefore: s(2),
  callback: { within: s(8) },
}, DEFAULT_POLICY);
