/**
 * 定期验单, published on time: one run publishes every quarter whose publication time has come
 * (00:00 Asia/Shanghai at the end of the `assessment.publishAfterDays`-th day after its last day)
 * and that is not published yet (lib/assessment-publication.ts), as `system`. Started
 * every day at 00:00 Asia/Shanghai by the Temporal Schedule `assessment-publication`
 * (lib/schedules.ts). Idempotent: a quarter is published once, whoever runs first.
 */
import type { PublicationActivities, PublicationRun } from '../activities/types';
import { logged, scheduleRunActivities } from './schedule-run';

const { publishDueAssessments } = scheduleRunActivities<PublicationActivities>(
  '10 minutes', 'publish the assessments of quarters whose publication time has come',
);

export async function assessmentPublication(): Promise<PublicationRun> {
  return logged('assessment publication', publishDueAssessments());
}
