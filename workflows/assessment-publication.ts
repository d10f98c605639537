/**
 * 定期验单, published on time: one run publishes every quarter whose publication time has come
 * (00:00 Asia/Shanghai at the end of the `assessment.publishAfterDays`-th day after its last day)
 * and that is not published yet (api/services/assessment-publication.ts), as `system`. Started
 * every day at 00:00 Asia/Shanghai by the Temporal Schedule `assessment-publication`
 * (lib/schedules.ts). Idempotent: a quarter is published once, whoever runs first.
 */
import { log, proxyActivities } from '@temporalio/workflow';
import type { PublicationActivities, PublicationRun } from '../activities/types';

const { publishDueAssessments } = proxyActivities<PublicationActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
  summary: 'publish the assessments of quarters whose publication time has come',
});

export async function assessmentPublication(): Promise<PublicationRun> {
  const run = await publishDueAssessments();
  log.info('assessment publication', { ...run });
  return run;
}
