/** The 定期验单 Schedule's activity: publishes every quarter whose publication time has come. */
import type { Pool } from 'pg';
import { Assessments } from '../lib/assessments';
import { AssessmentPublication } from '../lib/assessment-publication';
import { DEFAULT_ASSESSMENT_WEIGHTS, type AssessmentWeights } from '../lib/config';
import type { Policy } from '../lib/policy';
import type { PublicationActivities } from './types';

export function createPublicationActivities(pool: Pool, policy: Policy, weights: AssessmentWeights = DEFAULT_ASSESSMENT_WEIGHTS): PublicationActivities {
  const publication = new AssessmentPublication(pool, new Assessments(pool, { ...weights }));
  return {
    async publishDueAssessments() {
      const days = policy.assessment.publishAfterDays;
      return { published: await publication.publishDue(days), publishAfterDays: days };
    },
  };
}
