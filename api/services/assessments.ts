/**
 * 定期验单 for the API: a quarter's published figures unchanged, or computed now (a quarter not
 * yet published, or `live=true`); the CSV of the same rows is ./assessment-csv.ts. The computation and the publication
 * are lib/'s (lib/assessments.ts, lib/assessment-publication.ts), shared with the worker and the CLI.
 */
import type { Pool } from 'pg';
import { Assessments, type Assessment } from '../../lib/assessments';
import { AssessmentPublication } from '../../lib/assessment-publication';
import { quarterOf } from '../../lib/calendar';
import type { AssessmentWeights } from '../../lib/config';
import type { Directory } from './directory';

export type { Assessment };
export { scoreOf } from '../../lib/assessments';

export class AssessmentService {
  private readonly assessments: Assessments;
  private readonly publication: AssessmentPublication;

  constructor(pool: Pool, directory: Directory, weights: AssessmentWeights) {
    this.assessments = new Assessments(pool, weights, () => directory.listOrgs());
    this.publication = new AssessmentPublication(pool, this.assessments);
  }

  /** The quarter's published figures (the current quarter when omitted), or with `live` (or before publication) today's. */
  async forQuarter(quarter: string | undefined, live = false): Promise<{ assessment: Assessment; publishedAt: string | null; live: boolean }> {
    const q = quarter ?? quarterOf(new Date());
    const published = live ? null : await this.publication.published(q);
    if (published) return { assessment: published.assessment, publishedAt: published.publishedAt, live: false };
    return { assessment: await this.assessments.quarter(q), publishedAt: null, live: true };
  }
}
