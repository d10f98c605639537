/**
 * Reading the policy file (POLICY_FILE): parsed JSON over the built-in defaults, every key
 * checked, the dotted key named in the refusal. lib/policy.ts holds the policy itself.
 */
import { readFileSync } from 'node:fs';
import { DEFAULT_POLICY, deepFreeze, type Duration, type Policy } from './policy';

/** Thrown for a policy that cannot be used; the message starts with the dotted key at fault. */
export class PolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyError';
  }
}

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

/**
 * Merges one group of a policy file (`street`, `extension` …) over the same group of `base`:
 * `what` the group holds, for the refusal of a group that is not an object; `parseKey` reads each key.
 */
function parseGroupOf<G extends Record<string, V>, V>(
  value: unknown, group: string, base: G, what: string, parseKey: (value: unknown, key: string, name: keyof G) => V,
): G {
  if (!isPlainObject(value)) throw new PolicyError(`${group}: expected an object of ${what}`);
  const merged: Record<string, V> = { ...base };
  for (const [name, inner] of Object.entries(value)) {
    if (!(name in base)) {
      throw new PolicyError(`${group}.${name}: unknown key (known: ${Object.keys(base).join(', ')})`);
    }
    merged[name] = parseKey(inner, `${group}.${name}`, name);
  }
  return merged as G;
}

/** A group of durations (`street`, `lists` …). */
function parseGroup<G extends Record<string, Duration>>(value: unknown, group: string, base: G): G {
  return parseGroupOf(value, group, base, 'durations', parseDuration);
}

/** A whole number >= `min` of a policy file; `key` is its dotted name for the error message. */
function parseCount(value: unknown, key: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new PolicyError(`${key}: expected a whole number >= ${min}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** A group of whole numbers (`extension`, `duplicates` …); `min` per key, 0 unless named. */
function parseNumbers<G extends Record<string, number>>(value: unknown, group: string, base: G, min: Partial<Record<keyof G, number>> = {}): G {
  return parseGroupOf(value, group, base, 'numbers', (n, key, name) => parseCount(n, key, min[name] ?? 0));
}

/** The warning's lead: a duration of clock time. */
function parseWarning(value: unknown, key: string): Duration {
  const duration = parseDuration(value, key);
  if ('workingDays' in duration) throw new PolicyError('warnBefore: expected {"hours": n} or {"seconds": n} (a warning is clock time)');
  return duration;
}

/** How each top-level key of a policy file is read, over the same key of the base. */
const READERS: { [K in keyof Policy]: (value: unknown, key: K, base: Policy[K]) => Policy[K] } = {
  street: parseGroup,
  center: parseGroup,
  department: parseGroup,
  lists: parseGroup,
  phased: parseGroup,
  evaluation: parseGroup,
  help: parseGroup,
  maxReopens: (value, key) => parseCount(value, key, 0),
  warnBefore: parseWarning,
  extension: (value, key, base) => parseNumbers(value, key, base, { maxCount: 1 }),
  maxReturns: (value, key) => parseCount(value, key, 1),
  duplicates: parseNumbers,
  retention: parseNumbers,
  assessment: parseNumbers,
  callback: parseGroup,
};

/**
 * Reads a policy given as parsed JSON: keys that are present replace those of `base` (the
 * built-in defaults unless told), the others are kept. Throws PolicyError naming the dotted key
 * for an unknown key, a wrong shape, or a number that is not positive.
 */
export function parsePolicy(json: unknown, base: Policy = DEFAULT_POLICY): Policy {
  if (!isPlainObject(json)) throw new PolicyError('policy: expected a JSON object');
  const policy: Record<string, unknown> = Object.fromEntries(
    Object.entries(base).map(([key, kept]) => [key, isPlainObject(kept) ? { ...kept } : kept]),
  );
  for (const [key, value] of Object.entries(json)) {
    if (!Object.hasOwn(READERS, key)) {
      throw new PolicyError(`${key}: unknown key (known: ${Object.keys(READERS).join(', ')})`);
    }
    const read = READERS[key as keyof Policy] as (value: unknown, key: string, base: unknown) => unknown;
    policy[key] = read(value, key, base[key as keyof Policy]);
  }
  return deepFreeze(policy as unknown as Policy);
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
