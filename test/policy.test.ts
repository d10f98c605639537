/**
 * The deadline policy: the contract's defaults, partial POLICY_FILEs merged over them, every
 * way a file is refused, and the deadlines a duration sets. Pure: no database, no Temporal.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WorkingCalendar } from '../lib/calendar';
import { DEFAULT_POLICY, POLICY_KEYS, deadlineAfter, durationOf } from '../lib/policy';
import { PolicyError, loadPolicy, parsePolicy } from '../lib/policy-file';
import { FAST_POLICY } from './support/fast-policy';

/** A nested object's numbers by dotted path: { a: { b: 1 } } → { 'a.b': 1 }. */
function leaves(value: object, prefix = ''): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).flatMap(([key, inner]) => (typeof inner === 'object' && inner !== null
    ? Object.entries(leaves(inner as object, `${prefix}${key}.`))
    : [[`${prefix}${key}`, inner]])));
}

function expectPolicyError(json: unknown, message: string): void {
  let caught: unknown;
  try {
    parsePolicy(json);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(PolicyError);
  expect((caught as Error).message).toContain(message);
}

describe('built-in policy', () => {
  test('defaults are those of the contract', () => {
    // The contract's table of settings, one section per line, as dotted keys down to each number.
    expect(leaves(DEFAULT_POLICY)).toEqual({
      'street.acceptWithin.workingDays': 1, 'street.acceptWithinUrgent.hours': 2, 'street.handleWithin.workingDays': 3,
      'center.triageWithin.workingDays': 1, 'department.acceptWithin.workingDays': 1,
      'lists.immediate.workingDays': 3, 'lists.phased.workingDays': 30, 'lists.understanding.workingDays': 5,
      'phased.progressEvery.workingDays': 5, 'evaluation.window.workingDays': 5, 'callback.within.workingDays': 10,
      'help.verifyWithin.workingDays': 1, 'help.claimWithin.workingDays': 3, 'help.checkInGrace.hours': 2, 'help.confirmWithin.workingDays': 5,
      maxReopens: 1, maxReturns: 2, 'warnBefore.hours': 24, 'extension.maxWorkingDays': 10, 'extension.maxCount': 1,
      'duplicates.radiusMeters': 200, 'duplicates.withinDays': 30, 'retention.reporterDays': 180, 'assessment.publishAfterDays': 10,
    });
  });

  test('the defaults cannot be changed by accident', () => {
    expect(() => {
      (DEFAULT_POLICY.street as { handleWithin: unknown }).handleWithin = { seconds: 1 };
    }).toThrow(TypeError);
    expect(DEFAULT_POLICY.street.handleWithin).toEqual({ workingDays: 3 });
  });

  test('the fast test policy fires every timer within seconds', () => {
    for (const key of POLICY_KEYS) {
      const duration = durationOf(FAST_POLICY, key);
      expect(duration).toEqual({ seconds: expect.any(Number) });
      expect((duration as { seconds: number }).seconds).toBeLessThanOrEqual(30);
    }
  });

  test('in the fast policy a street is late to report in before it is late to finish', () => {
    const seconds = (key: (typeof POLICY_KEYS)[number]) => (durationOf(FAST_POLICY, key) as { seconds: number }).seconds;
    expect(seconds('street.acceptWithin')).toBeLessThan(seconds('street.handleWithin'));
    expect(seconds('department.acceptWithin')).toBeLessThan(seconds('lists.immediate'));
  });
});

describe('a partial POLICY_FILE', () => {
  test('an empty file keeps every default', () => {
    expect(parsePolicy({})).toEqual(DEFAULT_POLICY);
  });

  test('given keys replace the defaults and the rest keep theirs', () => {
    const policy = parsePolicy({ street: { handleWithin: { hours: 48 } }, lists: { phased: { workingDays: 20 } }, maxReopens: 2 });
    expect(policy.street).toEqual({
      acceptWithin: { workingDays: 1 },
      acceptWithinUrgent: { hours: 2 },
      handleWithin: { hours: 48 },
    });
    expect(policy.lists).toEqual({ immediate: { workingDays: 3 }, phased: { workingDays: 20 }, understanding: { workingDays: 5 } });
    expect(policy.center).toEqual(DEFAULT_POLICY.center);
    expect(policy.maxReopens).toBe(2);
  });

  test('maxReopens 0 forbids reopening', () => {
    expect(parsePolicy({ maxReopens: 0 }).maxReopens).toBe(0);
  });

  test('a test may merge over the fast policy instead of the defaults', () => {
    const policy = parsePolicy({ evaluation: { window: { seconds: 1 } } }, FAST_POLICY);
    expect(policy.evaluation.window).toEqual({ seconds: 1 });
    expect(policy.street.handleWithin).toEqual(FAST_POLICY.street.handleWithin);
  });

  test('fractions of hours and seconds are allowed', () => {
    expect(parsePolicy({ help: { checkInGrace: { hours: 0.5 } } }).help.checkInGrace).toEqual({ hours: 0.5 });
  });
});

describe('a POLICY_FILE is refused, naming the key at fault', () => {
  test('when it is not an object', () => {
    expectPolicyError(null, 'policy: expected a JSON object');
    expectPolicyError([], 'policy: expected a JSON object');
    expectPolicyError('3 days', 'policy: expected a JSON object');
  });

  test('for an unknown top-level key', () => {
    expectPolicyError({ streets: {} }, 'streets: unknown key');
  });

  test('for an unknown key inside a group', () => {
    expectPolicyError({ street: { handleWithn: { workingDays: 3 } } }, 'street.handleWithn: unknown key');
  });

  test('for a group that is not an object', () => {
    expectPolicyError({ lists: 3 }, 'lists: expected an object of durations');
  });

  test('for a duration of the wrong shape', () => {
    const shape = 'lists.phased: expected {"workingDays": n} or {"hours": n} or {"seconds": n}';
    expectPolicyError({ lists: { phased: 30 } }, shape);
    expectPolicyError({ lists: { phased: null } }, shape);
    expectPolicyError({ lists: { phased: { days: 30 } } }, shape);
    expectPolicyError({ lists: { phased: {} } }, shape);
    expectPolicyError({ lists: { phased: { workingDays: 30, hours: 1 } } }, shape);
  });

  test('for a duration that is not a positive number', () => {
    expectPolicyError({ street: { acceptWithinUrgent: { hours: 0 } } }, 'street.acceptWithinUrgent: hours must be a positive number');
    expectPolicyError({ help: { checkInGrace: { seconds: -5 } } }, 'help.checkInGrace: seconds must be a positive number');
    expectPolicyError({ center: { triageWithin: { workingDays: '1' } } }, 'center.triageWithin: workingDays must be a positive number');
    expectPolicyError({ center: { triageWithin: { hours: Infinity } } }, 'center.triageWithin: hours must be a positive number');
  });

  test('for working days that are not whole', () => {
    expectPolicyError({ evaluation: { window: { workingDays: 1.5 } } }, 'evaluation.window: workingDays must be a whole number');
  });

  test('for a maxReopens that is not a whole number >= 0', () => {
    for (const value of [-1, 1.5, '1', null]) {
      expectPolicyError({ maxReopens: value }, 'maxReopens: expected a whole number >= 0');
    }
  });

  test('for the numbers of returns, extensions, duplicates, retention and assessment out of range: maxReturns and extension.maxCount are at least 1', () => {
    expectPolicyError({ maxReturns: 0 }, 'maxReturns: expected a whole number >= 1');
    expectPolicyError({ extension: { maxCount: 0 } }, 'extension.maxCount: expected a whole number >= 1');
    expectPolicyError({ extension: { maxWorkingDays: -1 } }, 'extension.maxWorkingDays: expected a whole number >= 0');
    expectPolicyError({ duplicates: { radiusMeters: 2.5 } }, 'duplicates.radiusMeters: expected a whole number >= 0');
    expectPolicyError({ retention: { reporterDays: '180' } }, 'retention.reporterDays: expected a whole number >= 0');
    expectPolicyError({ assessment: { days: 3 } }, 'assessment.days: unknown key (known: publishAfterDays)');
    expectPolicyError({ extension: 3 }, 'extension: expected an object of numbers');
  });

  test('for a warning given in working days', () => {
    expectPolicyError({ warnBefore: { workingDays: 1 } }, 'warnBefore: expected {"hours": n} or {"seconds": n}');
  });
});

describe('policy keys of warnings, extensions, returns and duplicates', () => {
  test('are merged over the defaults one by one', () => {
    const policy = parsePolicy({ warnBefore: { hours: 4 }, extension: { maxCount: 2 }, maxReturns: 3, duplicates: { radiusMeters: 50 } });
    expect(policy.warnBefore).toEqual({ hours: 4 });
    expect(policy.extension).toEqual({ maxWorkingDays: 10, maxCount: 2 });
    expect(policy.maxReturns).toBe(3);
    expect(policy.duplicates).toEqual({ radiusMeters: 50, withinDays: 30 });
    expect(policy.retention).toEqual(DEFAULT_POLICY.retention);
    expect(durationOf(policy, 'warnBefore')).toEqual({ hours: 4 });
  });
});

describe('loading POLICY_FILE', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'whistle-policy-'));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function write(name: string, text: string): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  }

  test('no file means the built-in policy', () => {
    expect(loadPolicy(undefined)).toEqual(DEFAULT_POLICY);
  });

  test('a file with some keys is merged over the defaults', () => {
    const file = write('partial.json', JSON.stringify({ department: { acceptWithin: { hours: 4 } } }));
    const policy = loadPolicy(file);
    expect(policy.department.acceptWithin).toEqual({ hours: 4 });
    expect(policy.street).toEqual(DEFAULT_POLICY.street);
  });

  test('a missing file is a clear error', () => {
    const file = path.join(dir, 'absent.json');
    expect(() => loadPolicy(file)).toThrow(PolicyError);
    expect(() => loadPolicy(file)).toThrow(`policy file ${file}: not found`);
  });

  test('a file that is not JSON is a clear error', () => {
    const file = write('broken.json', '{ street: ');
    expect(() => loadPolicy(file)).toThrow(`policy file ${file}: not valid JSON`);
  });

  test('an invalid file names both the file and the key', () => {
    const file = write('invalid.json', JSON.stringify({ lists: { phased: { weeks: 6 } } }));
    expect(() => loadPolicy(file)).toThrow(`policy file ${file}: lists.phased: expected`);
  });
});

describe('deadlines from the policy', () => {
  const calendar = new WorkingCalendar();
  const fridayEvening = new Date('2026-11-27T20:00:00+08:00');

  test('each dotted key reads its own duration', () => {
    const file: Record<string, unknown> = {};
    POLICY_KEYS.forEach((key, i) => {
      const [group, name] = key.split('.');
      if (name === undefined) file[group] = { seconds: i + 1 };
      else file[group] = { ...(file[group] as object), [name]: { seconds: i + 1 } };
    });
    const policy = parsePolicy(file);
    POLICY_KEYS.forEach((key, i) => {
      expect(durationOf(policy, key)).toEqual({ seconds: i + 1 });
    });
  });

  test('the default street acceptance is due at the end of the next working day', () => {
    const due = deadlineAfter(durationOf(DEFAULT_POLICY, 'street.acceptWithin'), fridayEvening, calendar);
    expect(due.toISOString()).toBe('2026-11-30T16:00:00.000Z'); // 2026-12-01 00:00 Shanghai
  });

  test('the default street handling counts 3 working days, skipping the weekend', () => {
    const due = deadlineAfter(durationOf(DEFAULT_POLICY, 'street.handleWithin'), fridayEvening, calendar);
    expect(due).toEqual(new Date('2026-12-03T00:00:00+08:00'));
  });

  test('an urgent acceptance is 2 hours of clock time, weekend or not', () => {
    const due = deadlineAfter(durationOf(DEFAULT_POLICY, 'street.acceptWithinUrgent'), fridayEvening, calendar);
    expect(due).toEqual(new Date('2026-11-27T22:00:00+08:00'));
  });

  test('seconds are added as they are', () => {
    expect(deadlineAfter({ seconds: 6 }, fridayEvening, calendar).getTime() - fridayEvening.getTime()).toBe(6000);
  });
});
