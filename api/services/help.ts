/**
 * Neighbour help (邻里搭把手) for the API: posting (update-with-start, idempotent per account and
 * Idempotency-Key), actions as workflow updates, the board from the read model, and members'
 * records (services done, no-shows, ratings) from the help timeline.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Pool } from 'pg';
import { HttpError, invalid, notFound, type ErrorCode } from '../errors';
import {
  cancelUpdate, checkInUpdate, claimUpdate, completeUpdate, confirmUpdate, helpViewQuery, helpWorkflowId, postedUpdate,
  verifyUpdate, type HelpAction, type HelpPosting, type HelpView,
} from '../../workflows/help-messages';
import { futureInstantProblem, helpRefusal, helpRuleStateOf, parseZonedInstant, type HelpRuleState } from '../../workflows/help-rules';
import type { help } from '../../workflows/help';
import * as attrs from '../../workflows/search-attributes';
import { actorOf, type Account, type Directory } from './directory';
import type { HelpListQuery, MemberRecord, PostHelpBody } from '../schemas/help';
import { decodeCursor, encodeCursor } from './cursor';

const UPDATES = {
  verify: verifyUpdate, claim: claimUpdate, 'check-in': checkInUpdate, complete: completeUpdate,
  confirm: confirmUpdate, cancel: cancelUpdate,
} as const;

const FAILURE_CODES: Record<string, ErrorCode> = {
  not_found: 'not_found', forbidden: 'forbidden', invalid_state: 'invalid_state', validation_failed: 'validation_failed',
};

/** How long an API call waits on Temporal (a worker or the server down) before answering 503. */
const TEMPORAL_DEADLINE_MS = 20_000;

/** Timeline entries that make up a member's record. */
const RECORD_TYPES = ['claimed', 'completed', 'no_show', 'confirmed'] as const;

/**
 * The request id: derived from (account, Idempotency-Key) so that a retried post meets the same
 * workflow; the "help" prefix keeps it apart from a whistle filed with the same key.
 */
export function helpIdFor(accountId: string, idempotencyKey?: string): string {
  if (!idempotencyKey) return randomBytes(8).toString('hex');
  return createHash('sha256').update(['help', accountId, idempotencyKey].join('\u0000')).digest('hex').slice(0, 16);
}



const ruleStateOf = (view: HelpView): HelpRuleState => helpRuleStateOf(view);

function isEnded(err: unknown): boolean {
  if (err instanceof WorkflowNotFoundError) return true;
  const text = `${String((err as Error)?.message ?? '')} ${String((err as { cause?: Error })?.cause?.message ?? '')}`;
  return /already completed/i.test(text);
}

export class HelpService {
  constructor(
    private readonly pool: Pool,
    private readonly temporal: Client,
    private readonly directory: Directory,
    private readonly taskQueue: string,
  ) {}

  /** 居民点单: any account posts a need for a community; it waits for that community to verify it. */
  async post(account: Account, body: PostHelpBody, idempotencyKey?: string): Promise<HelpView> {
    const community = await this.directory.org(body.communityId);
    if (community?.kind !== 'community') throw invalid(`communityId: unknown community "${body.communityId}"`);
    if (!community.parentId) throw invalid('the community belongs to no street');
    let neededBy: string | null = null;
    if (body.neededBy !== undefined) {
      const problem = futureInstantProblem('neededBy', body.neededBy, Date.now());
      if (problem) throw invalid(problem);
      neededBy = new Date(parseZonedInstant(body.neededBy)!).toISOString();
    }

    const id = helpIdFor(account.id, idempotencyKey);
    const posting: HelpPosting = {
      id,
      title: body.title.trim(),
      description: body.description.trim(),
      communityId: community.id,
      streetId: community.parentId,
      neededBy,
      place: body.place?.trim() ?? null,
      requester: actorOf(account),
    };
    const start = new WithStartWorkflowOperation<typeof help>('help', {
      workflowId: helpWorkflowId(id),
      taskQueue: this.taskQueue,
      args: [posting],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      staticSummary: `邻里搭把手：${posting.title} — ${community.name}`,
      staticDetails: `**Help request** ${id}  \n**Community:** ${community.name} (${community.id}) · **Street:** ${community.parentId}  \n` +
        `**Requester:** ${account.id} (${account.role})${neededBy ? ` · **Needed by:** ${neededBy}` : ''}`,
      typedSearchAttributes: [
        { key: attrs.HelpStatus, value: 'pending_verification' },
        { key: attrs.CommunityId, value: community.id },
        { key: attrs.StreetId, value: community.parentId },
      ],
    });
    try {
      return await this.withinDeadline(() => this.temporal.workflow.executeUpdateWithStart(postedUpdate, {
        args: [actorOf(account)],
        startWorkflowOperation: start,
      }));
    } catch (err) {
      // The same key was used for a request that has already ended: answer with that request.
      if (err instanceof WorkflowExecutionAlreadyStartedError) return this.view(id);
      throw err;
    }
  }

  async act(account: Account, id: string, action: HelpAction, body: Record<string, unknown>): Promise<HelpView> {
    const handle = this.temporal.workflow.getHandle(helpWorkflowId(id));
    try {
      return await this.withinDeadline(() => handle.executeUpdate<HelpView, [ReturnType<typeof actorOf>, unknown]>(
        UPDATES[action].name, { args: [actorOf(account), body] }));
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
        const code = FAILURE_CODES[err.cause.type ?? ''];
        if (code) throw new HttpError(code, err.cause.message);
      }
      if (isEnded(err)) {
        // Closed, rejected or cancelled (or never posted → 404): judge by the last state.
        const view = await this.view(id);
        const refused = helpRefusal(ruleStateOf(view), actorOf(account), action);
        throw new HttpError(refused?.type ?? 'invalid_state', refused?.message ?? `cannot ${action} a help request that is ${view.status}`);
      }
      throw err;
    }
  }

  private withinDeadline<T>(fn: () => Promise<T>): Promise<T> {
    return this.temporal.withDeadline(Date.now() + TEMPORAL_DEADLINE_MS, fn);
  }

  /** One request with its timeline; every account may read it. */
  async view(id: string): Promise<HelpView> {
    const { rows } = await this.pool.query<{ view: HelpView }>('SELECT view FROM help_requests WHERE id = $1', [id]);
    if (rows[0]) return rows[0].view;
    // The read model may lag behind a request posted a moment ago: ask the workflow itself.
    try {
      return await this.withinDeadline(() => this.temporal.workflow.getHandle(helpWorkflowId(id)).query(helpViewQuery));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw notFound('help request not found');
      throw err;
    }
  }

  /** The board: newest first, filtered, cursor-paginated. */
  async list(q: HelpListQuery): Promise<{ items: HelpView[]; nextCursor: string | null }> {
    if (q.communityId !== undefined && !(await this.directory.isKind(q.communityId, 'community'))) {
      throw invalid(`communityId: unknown community "${q.communityId}"`);
    }
    if (q.streetId !== undefined && !(await this.directory.isKind(q.streetId, 'street'))) {
      throw invalid(`streetId: unknown street "${q.streetId}"`);
    }
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (value: unknown) => { params.push(value); return `$${params.length}`; };
    if (q.status) where.push(`status = ${p(q.status)}`);
    if (q.communityId) where.push(`community_id = ${p(q.communityId)}`);
    if (q.streetId) where.push(`street_id = ${p(q.streetId)}`);
    if (q.claimerId) where.push(`claimer_id = ${p(q.claimerId)}`);
    if (q.requesterId) where.push(`requester_id = ${p(q.requesterId)}`);
    if (q.cursor) {
      const [postedAt, id] = decodeCursor(q.cursor);
      where.push(`(posted_at, id) < (${p(postedAt)}::timestamptz, ${p(id)})`);
    }
    const limit = q.limit ?? 20;
    const sql = `SELECT view, posted_at, id FROM help_requests ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
                 ORDER BY posted_at DESC, id DESC LIMIT ${p(limit + 1)}`;
    const { rows } = await this.pool.query<{ view: HelpView; posted_at: Date; id: string }>(sql, params);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => r.view),
      nextCursor: rows.length > limit && last ? encodeCursor(last.posted_at.toISOString(), last.id) : null,
    };
  }

  /**
   * A party member's record: requests taken, services done, no-shows and ratings. Seen by the
   * member, its community (or a compound of it) and the center. Anyone else gets the same 404 as
   * for an id that is no member at all, so the answer never tells which accounts exist.
   */
  async memberRecord(account: Account, memberId: string): Promise<MemberRecord> {
    const { rows: found } = await this.pool.query<{ id: string; role: string; org_id: string; name: string }>(
      'SELECT id, role, org_id, name FROM accounts WHERE id = $1', [memberId]);
    const member = found[0];
    const callerCommunity = account.role === 'community' ? (await this.directory.communityOf(account.orgId))?.id : undefined;
    const allowed = member?.role === 'member'
      && (account.id === member.id || account.role === 'center' || callerCommunity === member.org_id);
    if (!member || !allowed) throw notFound('member not found', '没有找到该党员的服务记录');

    const { rows: counts } = await this.pool.query<{ type: string; n: number }>(
      `SELECT type, count(*)::int AS n FROM help_events WHERE subject_id = $1 AND type = ANY($2::text[]) GROUP BY type`,
      [memberId, [...RECORD_TYPES]]);
    const count = (type: string) => counts.find((c) => c.type === type)?.n ?? 0;
    const { rows: stars } = await this.pool.query<{ rating: number; n: number }>(
      `SELECT (data->>'rating')::int AS rating, count(*)::int AS n FROM help_events
        WHERE subject_id = $1 AND type = 'confirmed' AND data ? 'rating' GROUP BY 1`, [memberId]);
    const { rows: active } = await this.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM help_requests WHERE claimer_id = $1 AND status IN ('claimed', 'in_service')`, [memberId]);
    const { rows: recent } = await this.pool.query<{ help_id: string; title: string; community_id: string; type: string; at: Date; rating: number | null }>(
      `SELECT e.help_id, r.view->>'title' AS title, r.community_id, e.type, e.at, (e.data->>'rating')::int AS rating
         FROM help_events e JOIN help_requests r ON r.id = e.help_id
        WHERE e.subject_id = $1 AND e.type = ANY($2::text[])
        ORDER BY e.at DESC, e.help_id DESC, e.seq DESC LIMIT 20`, [memberId, [...RECORD_TYPES]]);

    const byStar = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 } as Record<1 | 2 | 3 | 4 | 5, number>;
    let rated = 0;
    let sum = 0;
    for (const s of stars) {
      if (s.rating >= 1 && s.rating <= 5) byStar[s.rating as 1 | 2 | 3 | 4 | 5] += s.n;
      rated += s.n;
      sum += s.rating * s.n;
    }
    return {
      memberId: member.id,
      name: member.name,
      communityId: member.org_id,
      claims: count('claimed'),
      servicesDone: count('completed'),
      noShows: count('no_show'),
      active: active[0]?.n ?? 0,
      ratings: { count: rated, average: rated ? Math.round((sum / rated) * 100) / 100 : null, stars: byStar },
      recent: recent.map((r) => ({
        helpId: r.help_id, title: r.title, communityId: r.community_id, type: r.type as MemberRecord['recent'][number]['type'],
        at: r.at.toISOString(), rating: r.type === 'confirmed' ? r.rating : null,
      })),
    };
  }
}
