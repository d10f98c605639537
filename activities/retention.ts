/**
 * Personal data retention (个人信息保护): the reporter's name and phone are erased from PostgreSQL
 * `retention.reporterDays` calendar days after the whistle ends — closed or withdrawn (its
 * `closed_at`), or merged into another whistle, whose own closing or withdrawal then counts.
 * The phone row (`whistle_reporters`) is deleted and `whistles.reporter_name` cleared, with
 * `reporter_erased_at` noting when; the notice board then shows `*`.
 *
 * The erasure sticks: the projection (lib/read-model/whistles.ts) writes `reporter_name` only when
 * it inserts a whistle's row and never on conflict, so later projections of the same whistle (a
 * reconcile --repair too) leave it erased. Temporal's history keeps the name (never the phone)
 * until the namespace's retention period removes the closed workflow.
 *
 * Run daily by the `reporter-retention` Schedule (workflows/reporter-retention.ts). Idempotent: a
 * second sweep the same day finds nothing; batches of 500 whistles, one transaction each.
 */
import type { Pool } from 'pg';
import type { Policy } from '../lib/policy';
import { deleteOrphanReporters, eraseReporters } from '../lib/stores/reporters';
import type { RetentionActivities, RetentionSweep } from './types';

const BATCH = 500;

/** One full sweep with `reporterDays`; what it erased. */
export async function eraseExpiredReporters(pool: Pool, reporterDays: number): Promise<RetentionSweep> {
  const days = Math.max(0, Math.floor(reporterDays));
  let erased = 0;
  for (;;) {
    const n = await eraseReporters(pool, days, BATCH);
    erased += n;
    if (n < BATCH) break;
  }
  const orphans = await deleteOrphanReporters(pool, days);
  return { erased, orphans, reporterDays: days };
}

export function createRetentionActivities(pool: Pool, policy: Policy): RetentionActivities {
  return {
    eraseExpiredReporters: () => eraseExpiredReporters(pool, policy.retention.reporterDays),
  };
}
