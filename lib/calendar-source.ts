/**
 * The working-day calendar as the processes use it: the packaged calendar plus the operators'
 * overrides in PostgreSQL, read again after a while (and at once when a calendar change says so).
 * The worker's deadline activity and the API (which plans a stage's deadlines before it sends an
 * action) count with the same one.
 */
import type { Pool } from 'pg';
import { WorkingCalendar } from './calendar';
import { loadCalendarOverrides } from './stores/calendar';

/** How long a calendar read from PostgreSQL is used before it is read again. */
const CALENDAR_TTL_MS = 60_000;

export class CalendarSource {
  private calendar = new WorkingCalendar();
  private loadedAt = 0;

  constructor(private readonly pool: Pool, private readonly ttlMs = CALENDAR_TTL_MS) {}

  /** The calendar; `fresh` reads the overrides again first (after `npm run holidays -- import`). */
  async current(fresh = false): Promise<WorkingCalendar> {
    if (fresh || Date.now() - this.loadedAt > this.ttlMs) {
      try {
        this.calendar = new WorkingCalendar(await loadCalendarOverrides(this.pool));
        this.loadedAt = Date.now();
      } catch (err) {
        // PostgreSQL unreachable: keep the calendar we have rather than stopping every deadline,
        // unless a change was announced (then the caller must not count with the old one).
        if (fresh) throw err;
      }
    }
    return this.calendar;
  }
}
