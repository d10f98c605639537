/**
 * 重复件: possible duplicates are the other open whistles of the same street and category, filed
 * within `duplicates.withinDays` calendar days up to the whistle's own filing, in the same compound
 * or within `duplicates.radiusMeters` of its lat/lng. Read-model rows are written by hand (the
 * filing times of a month ago cannot be made through the API) on a street of their own, so other
 * test files' whistles never match; one case files through the API to show that the projected view
 * carries what the search reads.
 */
import { randomBytes } from 'node:crypto';
import { chordOf, possibleDuplicates, type DuplicateSubject } from '../lib/stores/duplicates';
import { DEFAULT_POLICY } from '../lib/policy';
import { eventually, quietPolicy, startStack, type Stack } from './support/stack';
import { fileWhistle } from './support/whistles';

let stack: Stack;
const run = randomBytes(3).toString('hex');
const STREET = `dup-street-${run}`;
const OTHER_STREET = `dup-other-${run}`;
const COMPOUND = `dup-compound-${run}`;
const SETTINGS = DEFAULT_POLICY.duplicates; // 200 m, 30 days
const DAY = 86_400_000;

/** 长乐 吴航: the reference place of these cases. */
const HERE = { lat: 25.9613, lng: 119.5232 };
/** Degrees of latitude per metre on the sphere whistle_place() uses. */
const LAT_PER_M = 1 / ((Math.PI * 6_371_008.8) / 180);
const north = (m: number) => ({ lat: HERE.lat + m * LAT_PER_M, lng: HERE.lng });
const east = (m: number) => ({ lat: HERE.lat, lng: HERE.lng + (m * LAT_PER_M) / Math.cos((HERE.lat * Math.PI) / 180) });

const NOW = new Date('2026-11-20T04:00:00.000Z');
let seq = 0;

interface Fixture {
  status?: string; category?: string; streetId?: string; compoundId?: string;
  place?: { lat: number; lng: number } | null; filedAt?: Date;
  /** Raw location, for values that are not numbers. */
  location?: Record<string, unknown>;
}

/** A read-model row as the projection writes it (the columns the search reads come from `view`). */
async function whistleRow(f: Fixture = {}): Promise<string> {
  const id = `dup-${run}-${++seq}`;
  const place = f.place === undefined ? HERE : f.place;
  const location = f.location ?? {
    communityId: 'xiguan', ...(f.compoundId ? { compoundId: f.compoundId } : {}), ...(place ? { lat: place.lat, lng: place.lng } : {}),
  };
  const filedAt = (f.filedAt ?? new Date(NOW.getTime() - DAY)).toISOString();
  const view = { id, title: '路灯不亮', category: f.category ?? 'roads', location, status: f.status ?? 'filed', filedAt };
  await stack.pool.query(
    `INSERT INTO whistles (id, version, status, category, filer_org_id, community_id, street_id, filed_at, view)
     VALUES ($1, 1, $2, $3, 'xiguan', 'xiguan', $4, $5, $6)`,
    [id, view.status, view.category, f.streetId ?? STREET, filedAt, JSON.stringify(view)]);
  return id;
}

/** The whistle being looked at, as the view gives it. */
function subject(over: Partial<DuplicateSubject> = {}): DuplicateSubject {
  return { id: `dup-${run}-subject-${++seq}`, streetId: STREET, category: 'roads', ...HERE, filedAt: NOW.toISOString(), ...over };
}

/** Each case on a street of its own, so the rows of one never match another's. */
async function onFreshStreet<T>(fn: (street: string) => Promise<T>): Promise<T> {
  return fn(`${STREET}-${++seq}`);
}

beforeAll(async () => {
  stack = await startStack({ policy: quietPolicy() });
}, 60_000);

afterAll(async () => {
  await stack?.pool.query('DELETE FROM whistles WHERE id LIKE $1', [`dup-${run}-%`]);
  await stack?.stop();
});

describe('possible duplicates (重复件)', () => {
  test('an open whistle of the same street and category in the same compound is one, wherever its coordinates put it', async () => {
    await onFreshStreet(async (street) => {
      const same = await whistleRow({ streetId: street, compoundId: COMPOUND, place: null });
      const farButSameCompound = await whistleRow({ streetId: street, compoundId: COMPOUND, place: north(5000) });
      await whistleRow({ streetId: street, compoundId: `${COMPOUND}-next`, place: north(5000) });
      const found = await possibleDuplicates(stack.pool, subject({ streetId: street, compoundId: COMPOUND, lat: null, lng: null }), SETTINGS);
      expect(found.sort()).toEqual([same, farButSameCompound].sort());
    });
  });

  test('an open whistle within the radius is one (north, east, at 190 m), one beyond it is not (210 m)', async () => {
    await onFreshStreet(async (street) => {
      const atSamePlace = await whistleRow({ streetId: street });
      const north190 = await whistleRow({ streetId: street, place: north(190) });
      const east190 = await whistleRow({ streetId: street, place: east(190) });
      await whistleRow({ streetId: street, place: north(210) });
      await whistleRow({ streetId: street, place: east(210) });
      await whistleRow({ streetId: street, place: null });
      const found = await possibleDuplicates(stack.pool, subject({ streetId: street }), SETTINGS);
      expect(found.sort()).toEqual([atSamePlace, north190, east190].sort());
    });
  });

  test('the radius and the window are the policy\'s: 300 m and 45 days take in what 200 m and 30 days leave out', async () => {
    await onFreshStreet(async (street) => {
      const at250m = await whistleRow({ streetId: street, place: north(250) });
      const fortyDaysAgo = await whistleRow({ streetId: street, filedAt: new Date(NOW.getTime() - 40 * DAY) });
      expect(await possibleDuplicates(stack.pool, subject({ streetId: street }), SETTINGS)).toEqual([]);
      const wider = await possibleDuplicates(stack.pool, subject({ streetId: street }), { radiusMeters: 300, withinDays: 45 });
      expect(wider.sort()).toEqual([at250m, fortyDaysAgo].sort());
      expect(await possibleDuplicates(stack.pool, subject({ streetId: street }), { radiusMeters: 0, withinDays: 0 })).toEqual([]);
    });
  });

  test('whistles of another category or another street are never duplicates, even at the same place and compound', async () => {
    await onFreshStreet(async (street) => {
      await whistleRow({ streetId: street, category: 'utilities', compoundId: COMPOUND });
      await whistleRow({ streetId: OTHER_STREET, compoundId: COMPOUND });
      const found = await possibleDuplicates(stack.pool, subject({ streetId: street, compoundId: COMPOUND }), SETTINGS);
      expect(found).toEqual([]);
    });
  });

  test('every open status counts (filed, street_handling, escalated, dispatched, department_handling); resolved, closed, withdrawn and merged do not', async () => {
    await onFreshStreet(async (street) => {
      const open: string[] = [];
      for (const status of ['filed', 'street_handling', 'escalated', 'dispatched', 'department_handling']) {
        open.push(await whistleRow({ streetId: street, status, compoundId: COMPOUND }));
      }
      for (const status of ['resolved', 'closed', 'withdrawn', 'merged']) await whistleRow({ streetId: street, status, compoundId: COMPOUND });
      const found = await possibleDuplicates(stack.pool, subject({ streetId: street, compoundId: COMPOUND }), SETTINGS);
      expect(found.sort()).toEqual(open.sort());
    });
  });

  test('the window looks back withinDays calendar days from the whistle\'s own filing: the boundary is in, older and later ones are out', async () => {
    await onFreshStreet(async (street) => {
      const exactly30Days = await whistleRow({ streetId: street, filedAt: new Date(NOW.getTime() - 30 * DAY) });
      const sameInstant = await whistleRow({ streetId: street, filedAt: NOW });
      await whistleRow({ streetId: street, filedAt: new Date(NOW.getTime() - 30 * DAY - 1000) });
      await whistleRow({ streetId: street, filedAt: new Date(NOW.getTime() + 60_000) });
      const found = await possibleDuplicates(stack.pool, subject({ streetId: street }), SETTINGS);
      expect(found.sort()).toEqual([exactly30Days, sameInstant].sort());
    });
  });

  test('a whistle is never its own duplicate; newest first', async () => {
    await onFreshStreet(async (street) => {
      const older = await whistleRow({ streetId: street, filedAt: new Date(NOW.getTime() - 3 * DAY) });
      const newer = await whistleRow({ streetId: street, filedAt: new Date(NOW.getTime() - 2 * DAY) });
      const self = await whistleRow({ streetId: street, filedAt: NOW });
      expect(await possibleDuplicates(stack.pool, subject({ id: self, streetId: street }), SETTINGS)).toEqual([newer, older]);
    });
  });

  test('a whistle with neither a compound nor coordinates has none; a location that is not a number is no place', async () => {
    await onFreshStreet(async (street) => {
      const placed = await whistleRow({ streetId: street });
      const textual = await whistleRow({ streetId: street, location: { communityId: 'xiguan', lat: String(HERE.lat), lng: String(HERE.lng) } });
      expect(await possibleDuplicates(stack.pool, subject({ streetId: street, lat: undefined, lng: undefined }), SETTINGS)).toEqual([]);
      expect(await possibleDuplicates(stack.pool, subject({ streetId: street }), SETTINGS)).toEqual([placed]);
      const { rows } = await stack.pool.query('SELECT lat, lng FROM whistles WHERE id = $1', [textual]);
      expect(rows[0]).toEqual({ lat: null, lng: null });
    });
  });

  test('the chord the search compares is the great-circle distance at these ranges', () => {
    expect(chordOf(200)).toBeCloseTo(200, 6);
    expect(chordOf(0)).toBe(0);
  });

  test('whistles filed through the API are found: the projected view carries the compound and the coordinates', async () => {
    const place = { compoundId: 'xiguan-jiangjing', ...north(3) };
    const first = await fileWhistle(stack, 'xiguan', { category: 'greening', location: { ...place } });
    const second = await fileWhistle(stack, 'xiguan', { category: 'greening', location: { ...north(60) } });
    const row = await eventually(async () => (await stack.pool.query(
      'SELECT compound_id, lat, lng FROM whistles WHERE id = $1', [first.id])).rows[0]);
    expect(row).toEqual({ compound_id: 'xiguan-jiangjing', lat: place.lat, lng: place.lng });
    await eventually(async () => (await stack.pool.query('SELECT 1 FROM whistles WHERE id = $1', [second.id])).rowCount === 1);
    const found = await possibleDuplicates(stack.pool, {
      id: second.id, streetId: second.streetId, category: second.category, ...second.location, filedAt: second.filedAt,
    }, SETTINGS);
    expect(found).toContain(first.id);
  });
});
