/**
 * The deadline policy (时限): how long each holder of a whistle has before a timer fires.
 * The district owns it; operators give a JSON file (`POLICY_FILE`) with only the keys they
 * change, the rest keep the built-in defaults of the contract.
 */
import { POLICY_KEYS, type PolicyKeyName } from '../domain/policy-keys';
import type { WorkingCalendar } from './calendar';

/** A time limit: working days of the official calendar, or plain hours or seconds (tests). */
export type Duration = { workingDays: number } | { hours: number } | { seconds: number };

export interface Policy {
  street: {
    /** The street reports in (报到) on a filed whistle. */
    acceptWithin: Duration;
    /** The same, for an urgent whistle. */
    acceptWithinUrgent: Duration;
    /** The street resolves it, or it escalates to the center by itself. */
    handleWithin: Duration;
  };
  center: {
    /** The center sorts an escalated whistle into a list and dispatches it. */
    triageWithin: Duration;
  };
  department: {
    /** A dispatched department reports in. */
    acceptWithin: Duration;
  };
  /** The department's deadline, by the list the center chose. */
  lists: {
    /** 即办清单: can be done now. */
    immediate: Duration;
    /** 阶段性事项清单: needs time and stages. */
    phased: Duration;
    /** 谅解清单: cannot be solved now; the reply is an explanation. */
    understanding: Duration;
  };
  phased: {
    /** A phased item without progress for this long reminds its holder. */
    progressEvery: Duration;
  };
  evaluation: {
    /** After `resolved`, the whistle-blower may evaluate for this long, then it closes. */
    window: Duration;
  };
  help: {
    verifyWithin: Duration;
    claimWithin: Duration;
    checkInGrace: Duration;
    confirmWithin: Duration;
  };
  /** How many times an unsatisfied evaluation may reopen a whistle. */
  maxReopens: number;
  /**
   * 临期预警: the holder is warned this long before a handling deadline (but never before the
   * stage's midpoint). Hours or seconds: a warning is clock time, not working days.
   */
  warnBefore: Duration;
  /** 延期申请: how far past its deadline a unit may ask, and how many approvals a stage may have. */
  extension: { maxWorkingDays: number; maxCount: number };
  /** 退单: after this many returns (over the whistle's whole life) the center's dispatch is final (终审). */
  maxReturns: number;
  /** 重复件: open whistles of the same street and category within this distance and these calendar days. */
  duplicates: { radiusMeters: number; withinDays: number };
  /** Personal data: the reporter's name and phone are erased this many calendar days after the end. */
  retention: { reporterDays: number };
  /** 定期验单: a quarter's assessment is published this many calendar days after the quarter ends. */
  assessment: { publishAfterDays: number };
  /** 回访: the center may call the reporter back for this long after the latest resolution. */
  callback: { within: Duration };
}

/** Every duration of the policy, by its dotted name. */
export { POLICY_KEYS };
export type PolicyKey = PolicyKeyName;

export function deepFreeze<T extends object>(value: T): T {
  for (const inner of Object.values(value)) {
    if (typeof inner === 'object' && inner !== null) deepFreeze(inner);
  }
  return Object.freeze(value);
}

/** The contract's built-in defaults. */
export const DEFAULT_POLICY: Policy = deepFreeze({
  street: { acceptWithin: { workingDays: 1 }, acceptWithinUrgent: { hours: 2 }, handleWithin: { workingDays: 3 } },
  center: { triageWithin: { workingDays: 1 } },
  department: { acceptWithin: { workingDays: 1 } },
  lists: { immediate: { workingDays: 3 }, phased: { workingDays: 30 }, understanding: { workingDays: 5 } },
  phased: { progressEvery: { workingDays: 5 } },
  evaluation: { window: { workingDays: 5 } },
  help: { verifyWithin: { workingDays: 1 }, claimWithin: { workingDays: 3 }, checkInGrace: { hours: 2 }, confirmWithin: { workingDays: 5 } },
  maxReopens: 1,
  warnBefore: { hours: 24 },
  extension: { maxWorkingDays: 10, maxCount: 1 },
  maxReturns: 2,
  duplicates: { radiusMeters: 200, withinDays: 30 },
  retention: { reporterDays: 180 },
  assessment: { publishAfterDays: 10 },
  callback: { within: { workingDays: 10 } },
});

/** The duration the policy gives for a dotted key, e.g. `durationOf(policy, 'lists.phased')`. */
export function durationOf(policy: Policy, key: PolicyKey): Duration {
  switch (key) {
    case 'street.acceptWithin':
      return policy.street.acceptWithin;
    case 'street.acceptWithinUrgent':
      return policy.street.acceptWithinUrgent;
    case 'street.handleWithin':
      return policy.street.handleWithin;
    case 'center.triageWithin':
      return policy.center.triageWithin;
    case 'department.acceptWithin':
      return policy.department.acceptWithin;
    case 'lists.immediate':
      return policy.lists.immediate;
    case 'lists.phased':
      return policy.lists.phased;
    case 'lists.understanding':
      return policy.lists.understanding;
    case 'phased.progressEvery':
      return policy.phased.progressEvery;
    case 'evaluation.window':
      return policy.evaluation.window;
    case 'help.verifyWithin':
      return policy.help.verifyWithin;
    case 'help.claimWithin':
      return policy.help.claimWithin;
    case 'help.checkInGrace':
      return policy.help.checkInGrace;
    case 'help.confirmWithin':
      return policy.help.confirmWithin;
    case 'warnBefore':
      return policy.warnBefore;
    case 'callback.within':
      return policy.callback.within;
  }
}

/** The policy's numbers a whistle lives by (fixed when it is filed): see WhistleLimits in workflows/messages.ts. */
export function whistleLimitsOf(policy: Policy): { maxReopens: number; maxReturns: number; maxExtensions: number; warnBeforeMs: number } {
  const warn = policy.warnBefore;
  const warnBeforeMs = 'hours' in warn ? warn.hours * 3_600_000 : 'seconds' in warn ? warn.seconds * 1000 : 0;
  return { maxReopens: policy.maxReopens, maxReturns: policy.maxReturns, maxExtensions: policy.extension.maxCount, warnBeforeMs };
}

/**
 * The deadline that a duration sets for an event at `from`: working days by the calendar
 * (24:00 Asia/Shanghai at the end of the n-th working day), hours and seconds by plain addition.
 */
export function deadlineAfter(duration: Duration, from: Date, calendar: WorkingCalendar): Date {
  if ('workingDays' in duration) return calendar.addWorkingDays(from, duration.workingDays);
  if ('hours' in duration) return new Date(from.getTime() + duration.hours * 3_600_000);
  return new Date(from.getTime() + duration.seconds * 1000);
}
