/**
 * The deadline policy (时限): how long each holder of a whistle has before a timer fires.
 * The district owns it; operators give a JSON file (`POLICY_FILE`) with only the keys they
 * change, the rest keep the built-in defaults of the contract.
 */
import { readFileSync } from 'node:fs';
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
}

/** Every duration of the policy, by its dotted name. */
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
] as const;

export type PolicyKey = (typeof POLICY_KEYS)[number];

/** Thrown for a policy that cannot be used; the message starts with the dotted key at fault. */
export class PolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyError';
  }
}

function deepFreeze<T extends object>(value: T): T {
  for (const inner of Object.values(value)) {
    if (typeof inner === 'object' && inner !== null) deepFreeze(inner);
  }
  return Object.freeze(value);
}

/** The contract's built-in defaults. */
export const DEFAULT_POLICY: Policy = deepFreeze({
  street: {
    acceptWithin: { workingDays: 1 },
    acceptWithinUrgent: { hours: 2 },
    handleWithin: { workingDays: 3 },
  },
  center: { triageWithin: { workingDays: 1 } },
  department: { acceptWithin: { workingDays: 1 } },
  lists: {
    immediate: { workingDays: 3 },
    phased: { workingDays: 30 },
    understanding: { workingDays: 5 },
  },
  phased: { progressEvery: { workingDays: 5 } },
  evaluation: { window: { workingDays: 5 } },
  help: {
    verifyWithin: { workingDays: 1 },
    claimWithin: { workingDays: 3 },
    checkInGrace: { hours: 2 },
    confirmWithin: { workingDays: 5 },
  },
  maxReopens: 1,
  warnBefore: { hours: 24 },
  extension: { maxWorkingDays: 10, maxCount: 1 },
  maxReturns: 2,
  duplicates: { radiusMeters: 200, withinDays: 30 },
  retention: { reporterDays: 180 },
  assessment: { publishAfterDays: 10 },
});

/**
 * A policy for tests: every timer fires within seconds, in the order the process meets them
 * (a holder is late to report in before it is late to finish). Tests override what they need.
 */
export const FAST_POLICY: Policy = deepFreeze({
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
  maxReopens: 1,
  warnBefore: { seconds: 2 },
  extension: { maxWorkingDays: 10, maxCount: 1 },
  maxReturns: 2,
  duplicates: { radiusMeters: 200, withinDays: 30 },
  retention: { reporterDays: 180 },
  assessment: { publishAfterDays: 10 },
});

const DURATION_SHAPE = 'expected {"workingDays": n} or {"hours": n} or {"seconds": n}';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks one duration of a policy file; `key` is its dotted name for the error message. */
function parseDuration(value: unknown, key: string): Duration {
  if (!isPlainObject(value)) throw new PolicyError(`${key}: ${DURATION_SHAPE}`);
  const units = Object.keys(value);
  if (units.length !== 1 || !['workingDays', 'hours', 'seconds'].includes(units[0])) {
    throw new PolicyError(`${key}: ${DURATION_SHAPE}`);
  }
  const unit = units[0];
  const amount = value[unit];
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0) {
    throw new PolicyError(`${key}: ${unit} must be a positive number, got ${JSON.stringify(amount)}`);
  }
  if (unit === 'workingDays') {
    if (!Number.isInteger(amount)) {
      throw new PolicyError(`${key}: workingDays must be a whole number, got ${amount}`);
    }
    return { workingDays: amount };
  }
  return unit === 'hours' ? { hours: amount } : { seconds: amount };
}

/** Merges one group of a policy file (`street`, `lists` …) over the same group of `base`. */
function parseGroup<G extends Record<string, Duration>>(value: unknown, group: string, base: G): G {
  if (!isPlainObject(value)) throw new PolicyError(`${group}: expected an object of durations`);
  const merged: Record<string, Duration> = { ...base };
  for (const [name, duration] of Object.entries(value)) {
    if (!(name in base)) {
      throw new PolicyError(`${group}.${name}: unknown key (known: ${Object.keys(base).join(', ')})`);
    }
    merged[name] = parseDuration(duration, `${group}.${name}`);
  }
  return merged as G;
}

/** A whole number >= `min` of a policy file; `key` is its dotted name for the error message. */
function parseCount(value: unknown, key: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new PolicyError(`${key}: expected a whole number >= ${min}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Merges one group of numbers of a policy file (`extension`, `duplicates` …) over `base`; `min` per key. */
function parseNumbers<G extends Record<string, number>>(value: unknown, group: string, base: G, min: Partial<Record<keyof G, number>> = {}): G {
  if (!isPlainObject(value)) throw new PolicyError(`${group}: expected an object of numbers`);
  const merged: Record<string, number> = { ...base };
  for (const [name, n] of Object.entries(value)) {
    if (!(name in base)) {
      throw new PolicyError(`${group}.${name}: unknown key (known: ${Object.keys(base).join(', ')})`);
    }
    merged[name] = parseCount(n, `${group}.${name}`, min[name as keyof G] ?? 0);
  }
  return merged as G;
}

const TOP_LEVEL_KEYS = 'street, center, department, lists, phased, evaluation, help, maxReopens, warnBefore, extension, ' +
  'maxReturns, duplicates, retention, assessment';

/**
 * Reads a policy given as parsed JSON: keys that are present replace those of `base` (the
 * built-in defaults unless told), the others are kept. Throws PolicyError naming the dotted key
 * for an unknown key, a wrong shape, or a number that is not positive.
 */
export function parsePolicy(json: unknown, base: Policy = DEFAULT_POLICY): Policy {
  if (!isPlainObject(json)) throw new PolicyError('policy: expected a JSON object');
  const policy: Policy = {
    street: { ...base.street },
    center: { ...base.center },
    department: { ...base.department },
    lists: { ...base.lists },
    phased: { ...base.phased },
    evaluation: { ...base.evaluation },
    help: { ...base.help },
    maxReopens: base.maxReopens,
    warnBefore: base.warnBefore,
    extension: { ...base.extension },
    maxReturns: base.maxReturns,
    duplicates: { ...base.duplicates },
    retention: { ...base.retention },
    assessment: { ...base.assessment },
  };
  for (const [key, value] of Object.entries(json)) {
    switch (key) {
      case 'street':
        policy.street = parseGroup(value, key, base.street);
        break;
      case 'center':
        policy.center = parseGroup(value, key, base.center);
        break;
      case 'department':
        policy.department = parseGroup(value, key, base.department);
        break;
      case 'lists':
        policy.lists = parseGroup(value, key, base.lists);
        break;
      case 'phased':
        policy.phased = parseGroup(value, key, base.phased);
        break;
      case 'evaluation':
        policy.evaluation = parseGroup(value, key, base.evaluation);
        break;
      case 'help':
        policy.help = parseGroup(value, key, base.help);
        break;
      case 'maxReopens':
        policy.maxReopens = parseCount(value, key, 0);
        break;
      case 'warnBefore': {
        const duration = parseDuration(value, key);
        if ('workingDays' in duration) throw new PolicyError('warnBefore: expected {"hours": n} or {"seconds": n} (a warning is clock time)');
        policy.warnBefore = duration;
        break;
      }
      case 'extension':
        policy.extension = parseNumbers(value, key, base.extension, { maxCount: 1 });
        break;
      case 'maxReturns':
        policy.maxReturns = parseCount(value, key, 1);
        break;
      case 'duplicates':
        policy.duplicates = parseNumbers(value, key, base.duplicates);
        break;
      case 'retention':
        policy.retention = parseNumbers(value, key, base.retention);
        break;
      case 'assessment':
        policy.assessment = parseNumbers(value, key, base.assessment);
        break;
      default:
        throw new PolicyError(`${key}: unknown key (known: ${TOP_LEVEL_KEYS})`);
    }
  }
  return deepFreeze(policy);
}

/** The policy of `POLICY_FILE`, or the built-in defaults when no file is given. */
export function loadPolicy(file?: string): Policy {
  if (file === undefined) return DEFAULT_POLICY;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new PolicyError(`policy file ${file}: ${code === 'ENOENT' ? 'not found' : (err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new PolicyError(`policy file ${file}: not valid JSON (${(err as Error).message})`);
  }
  try {
    return parsePolicy(json);
  } catch (err) {
    if (err instanceof PolicyError) throw new PolicyError(`policy file ${file}: ${err.message}`);
    throw err;
  }
}

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
