/** The 定期验单 Schedule's activity: publishes every quarter whose publication time has come. */
import type { Pool } from 'pg';
import { AssessmentService } from '../api/services/assessments';
import { AssessmentPublication } from '../api/services/assessment-publication';
import { Directory } from '../api/services/directory';
import { DEFAULT_ASSESSMENT_WEIGHTS, type AssessmentWeights } from '../lib/config';
import type { Policy } from '../lib/policy';
import type { PublicationActivities } from './types';

export function createPublicationActivities(pool: Pool, policy: Policy, weights: AssessmentWeights = DEFAULT_ASSESSMENT_WEIGHTS): PublicationActivities {
  // The directory is read for the organisation tree only (no key is ever checked here).
  const publication = new AssessmentPublication(pool, new AssessmentService(pool, new Directory(pool, ''), { ...weights }));
  return {
    async publishDueAssessments() {
      const days = policy.assessment.publishAfterDays;
      return { published: await publication.publishDue(days), publishAfterDays: days };
    },
  };
}
