/**
 * The policy's durations by name (`street.acceptWithin` is `{ "street": { "acceptWithin": … } }`
 * in POLICY_FILE): what a deadline is counted with.
 */
export const POLICY_KEYS = [
  'street.acceptWithin',
  'street.acceptWithinUrgent',
  'street.handleWithin',
  'center.triageWithin',
  'department.acceptWithin',
  'lists.immediate',
  'lists.phased',
  'lists.understanding',
  'phased.progressEvery',
  'evaluation.window',
  'help.verifyWithin',
  'help.claimWithin',
  'help.checkInGrace',
  'help.confirmWithin',
  'warnBefore',
  'callback.within',
] as const;

export type PolicyKeyName = (typeof POLICY_KEYS)[number];
