/**
 * 定期验单, published: each quarter's assessment is published once — by the
 * `assessment-publication` Schedule at 00:00 Asia/Shanghai at the end of the
 * `assessment.publishAfterDays`-th day after the quarter's last day (actor `system`), or by hand
 * with `npm run assessments -- publish --quarter Q` (actor `cli:<user>`). The figures are stored
 * as computed at that moment (table `published_assessments`) and served unchanged from then on;
 * later events change only the live computation (`&live=true`). Publishing a quarter again, or
 * one that has not ended, is refused. Each publication is audited (`assessment_published`) in
 * the transaction that stores it. Shared by the API, the worker's Schedule activity and the command.
 */
import type { Pool } from 'pg';
import type { Assessment, Assessments } from './assessments';
import { recordAudit } from './audit';
import { quarterOf, quarterRange } from './calendar';
import { inTransaction } from './db';
import { firstReceiptAt, insertPublished, publishedAssessment, publishedQuarters } from './stores/assessments';

const DAY_MS = 86_400_000;

export interface PublishedAssessment { publishedAt: string; publishedBy: string; assessment: Assessment }

/** Why a publication was refused: `already_published` or `not_ended`. */
export class PublicationRefused extends Error {
  constructor(readonly reason: 'already_published' | 'not_ended', message: string, readonly messageZh: string) {
    super(message);
    this.name = 'PublicationRefused';
  }
}

/**
 * When the quarter's publication falls due: 00:00 Asia/Shanghai at the end of the
 * `publishAfterDays`-th day after its last day, i.e. `publishAfterDays` whole days after the
 * quarter's end (Asia/Shanghai keeps no daylight saving, so a day is 24 hours there).
 */
export function publicationDueAt(quarter: string, publishAfterDays: number): Date {
  return new Date(quarterRange(quarter).to.getTime() + Math.max(0, Math.floor(publishAfterDays)) * DAY_MS);
}

/** The quarter after `q` ('2026-Q4' → '2027-Q1'). */
export function nextQuarter(q: string): string {
  const [year, n] = [Number(q.slice(0, 4)), Number(q.slice(6))];
  return n === 4 ? `${year + 1}-Q1` : `${year}-Q${n + 1}`;
}

export class AssessmentPublication {
  constructor(private readonly pool: Pool, private readonly assessments: Assessments) {}

  /** The published assessment of `quarter`, or null before its publication. */
  async published(quarter: string): Promise<PublishedAssessment | null> {
    const row = await publishedAssessment<Assessment>(this.pool, quarter);
    return row ? { publishedAt: row.published_at.toISOString(), publishedBy: row.published_by, assessment: row.assessment } : null;
  }

  /** Every published quarter, oldest first, with when and by whom. */
  async publishedQuarters(): Promise<Array<{ quarter: string; publishedAt: string; publishedBy: string }>> {
    return (await publishedQuarters(this.pool))
      .map((r) => ({ quarter: r.quarter, publishedAt: r.published_at.toISOString(), publishedBy: r.published_by }));
  }

  /**
   * Publishes `quarter` as `actor` (`system` or `cli:<user>`): its assessment is computed now and
   * stored, with an audit entry, in one transaction. Refused (PublicationRefused) when the
   * quarter has not ended at `now` or is already published.
   */
  async publish(quarter: string, actor: string, now = new Date()): Promise<PublishedAssessment> {
    const { to } = quarterRange(quarter);
    if (now.getTime() < to.getTime()) {
      throw new PublicationRefused('not_ended', `quarter ${quarter} has not ended yet (it ends ${to.toISOString()}); it cannot be published`,
        `${quarter} 尚未结束，不能发布验单结果`);
    }
    const assessment = await this.assessments.quarter(quarter);
    const publishedAt = await inTransaction(this.pool, async (client) => {
      const at = await insertPublished(client, quarter, actor, assessment);
      if (!at) return null;
      const units = assessment.items.length;
      const received = assessment.items.reduce((sum, row) => sum + row.received, 0);
      await recordAudit(client, {
        type: 'assessment_published', actor, subject: quarter,
        note: `验单 ${quarter} published: ${units} units, ${received} receipts`,
      });
      return at;
    });
    if (!publishedAt) {
      const existing = await this.published(quarter);
      throw new PublicationRefused('already_published',
        `quarter ${quarter} was already published${existing ? ` at ${existing.publishedAt} by ${existing.publishedBy}` : ''}; a publication is never replaced`,
        `${quarter} 验单结果已发布，不能重复发布`);
    }
    return { publishedAt: publishedAt.toISOString(), publishedBy: actor, assessment };
  }

  /**
   * The Schedule's run: every quarter from the first one with a receipt up to now that has ended,
   * whose publication time has come and that is not published yet, published as `system`,
   * oldest first. Running it again publishes nothing twice.
   */
  async publishDue(publishAfterDays: number, now = new Date()): Promise<string[]> {
    const first = await firstReceiptAt(this.pool);
    if (!first) return [];
    const published = new Set((await publishedQuarters(this.pool)).map((r) => r.quarter));
    const out: string[] = [];
    for (let q = quarterOf(first); publicationDueAt(q, publishAfterDays).getTime() <= now.getTime(); q = nextQuarter(q)) {
      if (published.has(q)) continue;
      try {
        await this.publish(q, 'system', now);
        out.push(q);
      } catch (err) {
        // Published by hand (or by another run) a moment ago: nothing to do.
        if (!(err instanceof PublicationRefused && err.reason === 'already_published')) throw err;
      }
    }
    return out;
  }
}
