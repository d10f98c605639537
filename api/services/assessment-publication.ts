/**
 * 定期验单, published: each quarter's assessment is published once — by the
 * `assessment-publication` Schedule at 00:00 Asia/Shanghai at the end of the
 * `assessment.publishAfterDays`-th day after the quarter's last day (actor `system`), or by hand
 * with `npm run assessments -- publish --quarter Q` (actor `cli:<user>`). The figures are stored
 * as computed at that moment (table `published_assessments`) and served unchanged from then on;
 * later events change only the live computation (`&live=true`). Publishing a quarter again, or
 * one that has not ended, is refused. Each publication is audited (`assessment_published`) in
 * the transaction that stores it.
 */
import type { Pool } from 'pg';
import { recordAudit } from '../../lib/audit';
import { quarterOf, quarterRange } from '../../lib/calendar';
import type { Assessment, AssessmentService } from './assessments';

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
  constructor(private readonly pool: Pool, private readonly assessments: AssessmentService) {}

  /** The published assessment of `quarter`, or null before its publication. */
  async published(quarter: string): Promise<PublishedAssessment | null> {
    const { rows } = await this.pool.query<{ published_at: Date; published_by: string; assessment: Assessment }>(
      'SELECT published_at, published_by, assessment FROM published_assessments WHERE quarter = $1', [quarter]);
    const row = rows[0];
    return row ? { publishedAt: row.published_at.toISOString(), publishedBy: row.published_by, assessment: row.assessment } : null;
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
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ published_at: Date }>(
        `INSERT INTO published_assessments (quarter, published_by, assessment) VALUES ($1, $2, $3)
         ON CONFLICT (quarter) DO NOTHING RETURNING published_at`, [quarter, actor, JSON.stringify(assessment)]);
      if (!rows[0]) {
        await client.query('ROLLBACK');
        const existing = await this.published(quarter);
        throw new PublicationRefused('already_published',
          `quarter ${quarter} was already published${existing ? ` at ${existing.publishedAt} by ${existing.publishedBy}` : ''}; a publication is never replaced`,
          `${quarter} 验单结果已发布，不能重复发布`);
      }
      const units = assessment.items.length;
      const received = assessment.items.reduce((sum, row) => sum + row.received, 0);
      await recordAudit(client, {
        type: 'assessment_published', actor, subject: quarter,
        note: `验单 ${quarter} published: ${units} units, ${received} receipts`,
      });
      await client.query('COMMIT');
      return { publishedAt: rows[0].published_at.toISOString(), publishedBy: actor, assessment };
    } catch (err) {
      if (!(err instanceof PublicationRefused)) await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /**
   * The Schedule's run: every quarter from the first one with a receipt up to now that has ended,
   * whose publication time has come and that is not published yet, published as `system`,
   * oldest first. Running it again publishes nothing twice.
   */
  async publishDue(publishAfterDays: number, now = new Date()): Promise<string[]> {
    const { rows } = await this.pool.query<{ first: Date | null }>('SELECT min(received_at) AS first FROM whistle_receipts');
    const first = rows[0]?.first;
    if (!first) return [];
    const { rows: done } = await this.pool.query<{ quarter: string }>('SELECT quarter FROM published_assessments');
    const published = new Set(done.map((r) => r.quarter));
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
