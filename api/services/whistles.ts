/**
 * Whistles for the API: filing (update-with-start, idempotent per account and key), actions
 * as workflow updates, and reads from the read model with the caller's visibility applied.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Pool } from 'pg';
import { categoryName } from '../../lib/categories';
import { HttpError, forbidden, invalid, notFound, type ErrorCode } from '../errors';
import {
  acceptUpdate, evaluateUpdate, escalateUpdate, filedUpdate, progressUpdate, resolveUpdate, returnUpdate, triageUpdate,
  urgeUpdate, viewQuery, whistleWorkflowId, withdrawUpdate,
  type Actor, type Filing, type WhistleAction, type WhistleView,
} from '../../workflows/messages';
import { canSee } from '../../workflows/rules';
import * as attrs from '../../workflows/search-attributes';
import type { whistle } from '../../workflows/whistle';
import { actorOf, type Account, type Directory } from './directory';
import type { FileWhistleBody, ListQuery } from '../schemas/whistles';
import { decodeCursor, encodeCursor } from './cursor';

const UPDATES = {
  accept: acceptUpdate, progress: progressUpdate, resolve: resolveUpdate, escalate: escalateUpdate, triage: triageUpdate,
  return: returnUpdate, urge: urgeUpdate, evaluate: evaluateUpdate, withdraw: withdrawUpdate,
} as const;

const FAILURE_CODES: Record<string, ErrorCode> = {
  not_found: 'not_found', forbidden: 'forbidden', invalid_state: 'invalid_state', validation_failed: 'validation_failed',
};

/** How long an API call waits on Temporal (a worker or the server down) before answering 503. */
const TEMPORAL_DEADLINE_MS = 20_000;

interface Row { view: WhistleView; seen_by_departments: string[]; filer_org_id: string }

/** The whistle id: derived from (account, Idempotency-Key) so retries meet the same workflow. */
export function whistleIdFor(accountId: string, idempotencyKey?: string): string {
  if (!idempotencyKey) return randomBytes(8).toString('hex');
  return createHash('sha256').update(`${accountId}\u0000${idempotencyKey}`).digest('hex').slice(0, 16);
}



function mapUpdateFailure(err: unknown): never {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    const code = FAILURE_CODES[err.cause.type ?? ''];
    if (code) throw new HttpError(code, err.cause.message);
  }
  throw err;
}

export class WhistleService {
  constructor(
    private readonly pool: Pool,
    private readonly temporal: Client,
    private readonly directory: Directory,
    private readonly taskQueue: string,
  ) {}

  async file(account: Account, body: FileWhistleBody, idempotencyKey?: string): Promise<WhistleView> {
    if (account.role !== 'community') throw forbidden('only a community (or compound) account may blow the whistle');
    const own = await this.directory.communityOf(account.orgId);
    if (!own) throw forbidden('this account does not belong to a community');
    const communityId = body.location.communityId ?? own.id;
    if (communityId !== own.id) {
      if (!(await this.directory.isKind(communityId, 'community'))) throw invalid(`location.communityId: unknown community "${communityId}"`);
      throw forbidden('a community may only blow the whistle for itself');
    }
    if (body.location.compoundId !== undefined) {
      const compound = await this.directory.org(body.location.compoundId);
      if (compound?.kind !== 'compound' || compound.parentId !== communityId) {
        throw invalid(`location.compoundId: "${body.location.compoundId}" is not a compound of ${communityId}`);
      }
    }
    const streetId = own.parentId;
    if (!streetId) throw invalid('the community belongs to no street');

    const id = whistleIdFor(account.id, idempotencyKey);
    const filing: Filing = {
      id,
      title: body.title,
      description: body.description,
      category: body.category,
      urgent: body.urgent ?? false,
      location: { ...body.location, communityId },
      // The phone stays in PostgreSQL; the workflow (and so Temporal's history) gets the name only.
      reporter: body.reporter ? { name: body.reporter.name } : undefined,
      filerOrgId: account.orgId,
      filedBy: account.id,
      communityId,
      streetId,
      filedAt: new Date().toISOString(),
    };
    if (body.reporter) {
      // Written before the start, so a retried filing finds the contact already kept.
      await this.pool.query(
        'INSERT INTO whistle_reporters (whistle_id, name, phone) VALUES ($1, $2, $3) ON CONFLICT (whistle_id) DO NOTHING',
        [id, body.reporter.name, body.reporter.phone]);
    }
    const workflowId = whistleWorkflowId(id);
    const start = new WithStartWorkflowOperation<typeof whistle>('whistle', {
      workflowId,
      taskQueue: this.taskQueue,
      args: [filing],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      staticSummary: `${body.title} — ${own.name} · ${categoryName(body.category)}`,
      staticDetails: `**Whistle** ${id}  \n**Community:** ${own.name} (${communityId}) · **Street:** ${streetId}  \n` +
        `**Category:** ${categoryName(body.category)} (${body.category})${filing.urgent ? ' · **urgent**' : ''}`,
      typedSearchAttributes: [
        { key: attrs.WhistleStatus, value: 'filed' },
        { key: attrs.StreetId, value: streetId },
        { key: attrs.CommunityId, value: communityId },
        { key: attrs.Category, value: body.category },
        { key: attrs.Overdue, value: false },
      ],
    });
    try {
      return await this.withinDeadline(() => this.temporal.workflow.executeUpdateWithStart(filedUpdate, {
        args: [actorOf(account)],
        startWorkflowOperation: start,
      }));
    } catch (err) {
      // The same key was used for a whistle that has already ended: answer with that whistle.
      if (err instanceof WorkflowExecutionAlreadyStartedError) return this.view(account, id);
      throw err;
    }
  }

  /**
   * An action as a workflow update. With an Idempotency-Key the update id is derived from
   * (account, key), so a client retrying after a lost answer gets the first outcome, not a second action.
   */
  async act(account: Account, id: string, action: WhistleAction, body: Record<string, unknown>, idempotencyKey?: string): Promise<WhistleView> {
    if (action === 'triage') await this.checkDepartments(body);
    const handle = this.temporal.workflow.getHandle(whistleWorkflowId(id));
    try {
      return await this.withinDeadline(() =>
        handle.executeUpdate<WhistleView, [Actor, unknown]>(UPDATES[action].name, {
          args: [actorOf(account), body],
          ...(idempotencyKey ? { updateId: `${action}-${whistleIdFor(account.id, idempotencyKey)}` } : {}),
        }));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError || isCompletedError(err)) {
        // Ended (closed or withdrawn) or never existed: 409 for those who may see it, else 404.
        await this.view(account, id);
        throw new HttpError('invalid_state', `cannot ${action} a whistle that has ended`);
      }
      return mapUpdateFailure(err);
    }
  }

  private withinDeadline<T>(fn: () => Promise<T>): Promise<T> {
    return this.temporal.withDeadline(Date.now() + TEMPORAL_DEADLINE_MS, fn);
  }

  private async checkDepartments(body: Record<string, unknown>) {
    for (const id of (body.departmentIds as string[]) ?? []) {
      if (!(await this.directory.isKind(id, 'department'))) throw invalid(`departmentIds: unknown department "${id}"`);
    }
  }

  async view(account: Account, id: string): Promise<WhistleView> {
    const { rows } = await this.pool.query<Row>(
      'SELECT view, seen_by_departments, filer_org_id FROM whistles WHERE id = $1', [id]);
    let row = rows[0];
    if (!row) row = await this.fromWorkflow(id);
    const state = { ...row.view, compoundId: row.view.location.compoundId, seenByDepartments: row.seen_by_departments };
    if (!canSee(state, actorOf(account))) throw notFound('whistle not found');
    return row.view;
  }

  /** The read model may lag behind a whistle filed a moment ago: ask the workflow itself. */
  private async fromWorkflow(id: string): Promise<Row> {
    try {
      const view = await this.withinDeadline(() => this.temporal.workflow.getHandle(whistleWorkflowId(id)).query(viewQuery));
      const seen = view.departments.map((d) => d.id);
      return { view, seen_by_departments: seen, filer_org_id: view.filerOrgId };
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw notFound('whistle not found');
      throw err;
    }
  }

  async list(account: Account, q: ListQuery): Promise<{ items: WhistleView[]; nextCursor: string | null }> {
    await this.checkFilterOrgs(q);
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (value: unknown) => { params.push(value); return `$${params.length}`; };
    switch (account.role) {
      case 'center':
      case 'supervisor':
        break;
      case 'street':
        where.push(`street_id = ${p(account.orgId)}`);
        break;
      case 'community': {
        const org = p(account.orgId);
        where.push(`(filer_org_id = ${org} OR community_id = ${org})`);
        break;
      }
      case 'department':
        where.push(`seen_by_departments @> ARRAY[${p(account.orgId)}]::text[]`);
        break;
      default:
        return { items: [], nextCursor: null };
    }
    if (q.status) where.push(`status = ${p(q.status)}`);
    if (q.list) where.push(`list = ${p(q.list)}`);
    if (q.streetId) where.push(`street_id = ${p(q.streetId)}`);
    if (q.communityId) where.push(`community_id = ${p(q.communityId)}`);
    if (q.departmentId) where.push(`seen_by_departments @> ARRAY[${p(q.departmentId)}]::text[]`);
    if (q.overdue) where.push(`overdue = ${p(q.overdue === 'true')}`);
    if (q.cursor) {
      const [filedAt, id] = decodeCursor(q.cursor);
      where.push(`(filed_at, id) < (${p(filedAt)}::timestamptz, ${p(id)})`);
    }
    const limit = q.limit ?? 20;
    const sql = `SELECT view, filed_at, id FROM whistles ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
                 ORDER BY filed_at DESC, id DESC LIMIT ${p(limit + 1)}`;
    const { rows } = await this.pool.query<{ view: WhistleView; filed_at: Date; id: string }>(sql, params);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => r.view),
      nextCursor: rows.length > limit && last ? encodeCursor(last.filed_at.toISOString(), last.id) : null,
    };
  }

  private async checkFilterOrgs(q: ListQuery) {
    const checks: Array<[string | undefined, 'street' | 'community' | 'department', string]> = [
      [q.streetId, 'street', 'streetId'], [q.communityId, 'community', 'communityId'], [q.departmentId, 'department', 'departmentId'],
    ];
    for (const [id, kind, name] of checks) {
      if (id !== undefined && !(await this.directory.isKind(id, kind))) throw invalid(`${name}: unknown ${kind} "${id}"`);
    }
  }
}

function isCompletedError(err: unknown): boolean {
  return /already completed|workflow execution already completed/i.test(String((err as Error)?.message ?? ''))
    || /already completed/i.test(String(((err as { cause?: Error })?.cause)?.message ?? ''));
}
