/**
 * Personal data retention (个人信息保护): one sweep that erases the reporter's name and phone of
 * every whistle ended `retention.reporterDays` calendar days ago (activities/retention.ts).
 * Started every day by the Temporal Schedule `reporter-retention` (lib/schedules.ts), so
 * operators see each sweep, and what it erased, in the Temporal UI. Idempotent: a sweep run twice,
 * or one that catches up after an outage, erases each reporter once.
 */
import { log, proxyActivities } from '@temporalio/workflow';
import type { RetentionActivities, RetentionSweep } from '../activities/types';

const { eraseExpiredReporters } = proxyActivities<RetentionActivities>({
  startToCloseTimeout: '10 minutes',
  // PostgreSQL away: try again until it is back (the next day's sweep is skipped meanwhile).
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
  summary: 'erase the reporters of whistles past the retention period',
});

export async function reporterRetention(): Promise<RetentionSweep> {
  const sweep = await eraseExpiredReporters();
  log.info('reporter retention sweep', { ...sweep });
  return sweep;
}
