/**
 * Personal data retention (个人信息保护): one sweep that erases the reporter's name and phone of
 * every whistle ended `retention.reporterDays` calendar days ago (activities/retention.ts).
 * Started every day by the Temporal Schedule `reporter-retention` (lib/schedules.ts), so
 * operators see each sweep, and what it erased, in the Temporal UI. Idempotent: a sweep run twice,
 * or one that catches up after an outage, erases each reporter once.
 */
import type { RetentionActivities, RetentionSweep } from '../activities/types';
import { logged, scheduleRunActivities } from './schedule-run';

const { eraseExpiredReporters } = scheduleRunActivities<RetentionActivities>(
  '10 minutes', 'erase the reporters of whistles past the retention period',
);

export async function reporterRetention(): Promise<RetentionSweep> {
  return logged('reporter retention sweep', eraseExpiredReporters());
}
