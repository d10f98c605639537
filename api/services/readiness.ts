/**
 * Readiness (GET /readyz): PostgreSQL and Temporal each answer within two seconds; with it, how
 * far ahead the holiday calendar is known (never failing: the package's years when PostgreSQL is
 * down) and how requests are counted.
 */
import type { Pool } from 'pg';
import { ping } from '../../lib/db';
import type { CalendarService } from './calendar';
import type { Limits } from './limits';
import type { TemporalGateway } from './temporal-gateway';

const READY_TIMEOUT_MS = 2000;

function within<T>(ms: number, work: Promise<T>): Promise<T> {
  return Promise.race([work, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);
}

export interface ReadinessReport {
  /** What did not answer in time: `PostgreSQL`, `Temporal`; empty when ready. */
  down: string[];
  calendar: { coveredThrough: string; warning: string | null };
  limits: Limits['mode'];
}

export class Readiness {
  constructor(private readonly pool: Pool, private readonly gateway: TemporalGateway, private readonly calendar: CalendarService,
    private readonly limits: Limits) {}

  async check(): Promise<ReadinessReport> {
    const coverage = this.calendar.coverage();
    const [pg, tp] = await Promise.allSettled([
      within(READY_TIMEOUT_MS, ping(this.pool)),
      within(READY_TIMEOUT_MS, this.gateway.ping()),
    ]);
    const { coveredThrough, warning } = await coverage;
    const down = [pg.status === 'rejected' ? 'PostgreSQL' : null, tp.status === 'rejected' ? 'Temporal' : null]
      .filter((d): d is string => d !== null);
    return { down, calendar: { coveredThrough, warning }, limits: this.limits.mode };
  }
}
