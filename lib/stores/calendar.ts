/**
 * The operators' calendar (tables `calendar_days`, `calendar_years`: overrides and the years
 * whose whole official schedule was imported) as the service reads it: SQL only. The working-day
 * rules are lib/calendar.ts's; the import writes through lib/calendar-import.ts.
 */
import type { Db } from '../db';

/** Reads the operators' overrides from `calendar_days`. */
export async function loadCalendarOverrides(db: Db): Promise<Map<string, boolean>> {
  const result = await db.query<{ day: string; working: boolean }>(
    "SELECT to_char(day, 'YYYY-MM-DD') AS day, working FROM calendar_days ORDER BY day",
  );
  return new Map(result.rows.map((row) => [row.day, row.working]));
}

/** Reads the years whose whole official schedule operators imported (`calendar_years`). */
export async function loadImportedYears(db: Db): Promise<number[]> {
  const result = await db.query<{ year: number }>('SELECT year FROM calendar_years ORDER BY year');
  return result.rows.map((row) => row.year);
}

/** The operators' days from `from` to `to` (both included) with their notes. */
export async function loadCalendarDays(db: Db, from: string, to: string):
  Promise<Array<{ day: string; working: boolean; note: string }>> {
  const result = await db.query<{ day: string; working: boolean; note: string }>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, working, note FROM calendar_days
      WHERE day BETWEEN $1::date AND $2::date ORDER BY day`, [from, to]);
  return result.rows;
}
