/**
 * Whistles for the API: filing (a workflow start with the street's deadlines worked out here,
 * the read model written at once), actions as workflow updates (the answer written to the read
 * model before the caller hears it), and reads from the read model with the caller's
 * visibility and per-caller fields (`allowedActions`, `possibleDuplicates`, `suggestion`).
 */
import { createHash, randomBytes } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from 'pino';
import type { Pool } from 'pg';
import { categoryName } from '../../lib/categories';
import { whistleLimitsOf, type Policy, type PolicyKey } from '../../lib/policy';
import { projectWhistle } from '../../activities/read-model';
import type { WhistleEvent } from '../../activities/types';
import { HttpError, forbidden, invalid, notFound, type ErrorCode } from '../errors';
import {
  NOTE_FIELD, projectionQuery, STATIC_FIELDS, viewQuery, whistleWorkflowId,
  type ActionAnswer, type ActionPlan, type ActionResult, type Actor, type Filing, type PlannedDeadline, type WhistleAction,
  type WhistleRuleExtras, type WhistleView,
} from '../../workflows/messages';
import { allowedActions, canSee, OPEN_STATUSES, refusal, type RuleState } from '../../workflows/rules';
import { newWhistle, projectionOf, ruleExtrasOf, ruleStateFrom } from '../../workflows/whistle-state';
import * as attrs from '../../workflows/search-attributes';
import type { whistle } from '../../workflows/whistle';
import { actorOf, type Account, type Directory } from './directory';
import type { FileWhistleBody, ListQuery } from '../schemas/whistles';
import { decodeCursor, encodeCursor } from './cursor';
import type { CatalogueService } from './catalogue';
import type { DeadlinePlanner } from './deadline-plans';
import type { IdempotencyKeys } from './idempotency';

const FAILURE_CODES: Record<string, ErrorCode> = {
  not_found: 'not_found', forbidden: 'forbidden', invalid_state: 'invalid_state', validation_failed: 'validation_failed',
};

/** How long an API call waits on Temporal (a worker or the server down) before answering 503. */
const TEMPORAL_DEADLINE_MS = 20_000;
/** The sort key of a whistle without a deadline in `sort=due` (after every real one). */
const NO_DEADLINE = '9999-12-31T23:59:59.999Z';

/** The actions of the second round: refused on whistles of the first round (their workflows have no handler). */
const SECOND_ROUND_ACTIONS: readonly WhistleAction[] = ['request-extension', 'decide-extension', 'merge'];

/** What possible duplicates are looked up with (see api/services/duplicates.ts). */
export type DuplicateFinder = (whistle: WhistleView) => Promise<string[]>;

interface Row {
  view: Omit<WhistleView, 'timeline'> & { timeline?: unknown };
  seen_by_departments: string[];
  rules: WhistleRuleExtras | null;
  version: number;
}

/** The whistle id: derived from (account, Idempotency-Key) so retries meet the same workflow. */
export function whistleIdFor(accountId: string, idempotencyKey?: string): string {
  if (!idempotencyKey) return randomBytes(8).toString('hex');
  return createHash('sha256').update(`${accountId}\u0000${idempotencyKey}`).digest('hex').slice(0, 16);
}

function mapUpdateFailure(err: unknown): never {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    const code = FAILURE_CODES[err.cause.type ?? ''];
    const zh = (err.cause.details?.[0] as { messageZh?: string } | undefined)?.messageZh;
    if (code) throw new HttpError(code, err.cause.message, typeof zh === 'string' ? zh : undefined);
  }
  throw err;
}

function isCompletedError(err: unknown): boolean {
  return /already completed|workflow execution already completed/i.test(String((err as Error)?.message ?? ''))
    || /already completed/i.test(String(((err as { cause?: Error })?.cause)?.message ?? ''));
}

function isActionResult(answer: ActionAnswer): answer is ActionResult {
  return typeof (answer as ActionResult).version === 'number' && !('timeline' in (answer as object));
}

export interface WhistleServiceDeps {
  pool: Pool;
  temporal: Client;
  directory: Directory;
  taskQueue: string;
  policy: Policy;
  planner: DeadlinePlanner;
  catalogue: CatalogueService;
  idempotency: IdempotencyKeys;
  logger: Logger;
  possibleDuplicates?: DuplicateFinder;
}

export class WhistleService {
  private readonly pool: Pool;
  private readonly temporal: Client;
  private readonly directory: Directory;

  constructor(private readonly deps: WhistleServiceDeps) {
    this.pool = deps.pool;
    this.temporal = deps.temporal;
    this.directory = deps.directory;
  }

  // ---- filing --------------------------------------------------------------------------------

  async file(account: Account, body: FileWhistleBody, idempotencyKey?: string): Promise<WhistleView> {
    if (account.role !== 'community') {
      throw forbidden('only a community (or compound) account may blow the whistle', '只有社区（小区）账号可以吹哨');
    }
    const own = await this.directory.communityOf(account.orgId);
    if (!own) throw forbidden('this account does not belong to a community', '该账号不属于任何社区');
    const location = { ...(body.location ?? {}) };
    const communityId = location.communityId ?? own.id;
    if (communityId !== own.id) {
      if (!(await this.directory.isKind(communityId, 'community'))) {
        throw invalid(`location.communityId: unknown community "${communityId}"`, `未知的社区“${communityId}”`);
      }
      throw forbidden('a community may only blow the whistle for itself', '社区只能为本社区吹哨');
    }
    // A compound's account files for its own compound (小区吹哨).
    const callerOrg = await this.directory.org(account.orgId);
    if (location.compoundId === undefined && callerOrg?.kind === 'compound') location.compoundId = callerOrg.id;
    if (location.compoundId !== undefined) {
      const compound = await this.directory.org(location.compoundId);
      if (compound?.kind !== 'compound' || compound.parentId !== communityId) {
        throw invalid(`location.compoundId: "${location.compoundId}" is not a compound of ${communityId}`, '所选小区不属于本社区');
      }
    }
    const streetId = own.parentId;
    if (!streetId) throw invalid('the community belongs to no street', '该社区不属于任何镇街');

    if (idempotencyKey) await this.deps.idempotency.claim(account.id, idempotencyKey, 'POST', '/v1/whistles', body);
    const id = whistleIdFor(account.id, idempotencyKey);
    const filedAt = new Date();
    const urgent = body.urgent ?? false;
    const [accept, handle] = await this.deps.planner.plan([
      { key: urgent ? 'street.acceptWithinUrgent' : 'street.acceptWithin', from: filedAt },
      { key: 'street.handleWithin', from: filedAt },
    ]);
    // The center's triage deadline, should the street's handling deadline escalate the whistle.
    const [triage] = await this.deps.planner.plan([{ key: 'center.triageWithin', from: new Date(handle.at) }]);
    const filing: Filing = {
      id, title: body.title, description: body.description, category: body.category, urgent,
      location: { ...location, communityId },
      // The phone stays in PostgreSQL; the workflow (and so Temporal's history) gets the name only.
      reporter: body.reporter ? { name: body.reporter.name } : undefined,
      filerOrgId: account.orgId, filedBy: account.id, communityId, streetId, filedAt: filedAt.toISOString(),
      plan: [accept, handle, triage], limits: whistleLimitsOf(this.deps.policy),
    };
    try {
      await this.withinDeadline(() => this.temporal.workflow.start<typeof whistle>('whistle', {
        workflowId: whistleWorkflowId(id),
        taskQueue: this.deps.taskQueue,
        args: [filing],
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        staticSummary: `${body.title} — ${own.name} · ${categoryName(body.category)}`,
        staticDetails: `**Whistle** ${id}  \n**Community:** ${own.name} (${communityId}) · **Street:** ${streetId}  \n` +
          `**Category:** ${categoryName(body.category)} (${body.category})${urgent ? ' · **urgent**' : ''}`,
        typedSearchAttributes: [
          { key: attrs.WhistleStatus, value: 'filed' },
          { key: attrs.StreetId, value: streetId },
          { key: attrs.CommunityId, value: communityId },
          { key: attrs.Category, value: body.category },
          { key: attrs.DueAt, value: new Date(handle.at) },
          { key: attrs.Overdue, value: false },
          { key: attrs.WhistleDueSoon, value: false },
        ],
      }));
    } catch (err) {
      // The same key was used before (a retry, or its twin at the same moment): that whistle.
      if (err instanceof WorkflowExecutionAlreadyStartedError) return this.existing(account, id);
      throw err;
    }
    // Started: the whistle is in the read model (and the street's queue) before any worker runs.
    await this.writeFiling(filing, body.reporter);
    const filed = newWhistle(filing, filedAt.getTime());
    const { view } = projectionOf(filed, filing);
    return this.callerView(account, view, ruleStateFrom(view, [], ruleExtrasOf(filed)));
  }

  /** The filing's first projection and the reporter's contact, in one statement (never before the start). */
  private async writeFiling(filing: Filing, reporter: FileWhistleBody['reporter']) {
    try {
      // Not waiting for the disk unless there is a phone to keep: the workflow's first task
      // projects the same version durably, but no workflow holds the phone.
      await projectWhistle(this.pool, projectionOf(newWhistle(filing, Date.parse(filing.filedAt!)), filing),
        { durable: false, ...(reporter ? { reporter: { name: reporter.name, phone: reporter.phone } } : {}) });
    } catch (err) {
      // The workflow exists and projects itself; only the phone would be missing for the feedback.
      this.deps.logger.error({ err, whistleId: filing.id }, 'the filing could not be written to the read model');
    }
  }

  /** A whistle filed before under the same key: from the read model, or the workflow, once it has it. */
  private async existing(account: Account, id: string): Promise<WhistleView> {
    for (let i = 0; i < 20; i++) {
      const row = await this.row(id);
      if (row) return this.viewFromRow(account, row);
      await new Promise((r) => setTimeout(r, 100));
    }
    return this.view(account, id);
  }

  // ---- actions -------------------------------------------------------------------------------

  /**
   * An action as a workflow update. With an Idempotency-Key the update id is derived from
   * (account, key), so a client retrying after a lost answer gets the first outcome, not a second action.
   */
  async act(account: Account, id: string, action: WhistleAction, body: Record<string, unknown>, idempotencyKey?: string): Promise<WhistleView> {
    if (idempotencyKey) await this.deps.idempotency.claim(account.id, idempotencyKey, 'POST', `/v1/whistles/${id}/${action}`, body);
    const row = await this.row(id);
    if (row) this.precheck(account, row, action);
    const plan = await this.planFor(account, action, body, row);
    const handle = this.temporal.workflow.getHandle(whistleWorkflowId(id));
    // The timeline so far, read while the workflow acts (the answer adds this action's entries).
    const timeline = row ? this.timelineOf(id) : undefined;
    timeline?.catch(() => undefined);
    let answer: ActionAnswer;
    try {
      answer = await this.withinDeadline(() => handle.executeUpdate<ActionAnswer, [Actor, unknown, ActionPlan]>(action, {
        args: [actorOf(account), body, plan],
        ...(idempotencyKey ? { updateId: `${action}-${whistleIdFor(account.id, idempotencyKey)}` } : {}),
      }));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError || isCompletedError(err)) {
        // Ended (closed, withdrawn, merged) or never existed: 409 for those who may see it, else 404.
        await this.view(account, id);
        throw new HttpError('invalid_state', `cannot ${action} a whistle that has ended`, '该事项已结束，不能再操作');
      }
      return mapUpdateFailure(err);
    }
    try {
      if (isActionResult(answer) && row) {
        // The write and the read of the timeline before this action's entries, side by side.
        const [, view] = await Promise.all([this.writeAnswer(row, action, body, answer),
          this.answeredView(account, row, action, body, answer, timeline!)]);
        if (view) return view;
      }
      return await this.view(account, id);
    } catch {
      // PostgreSQL went away after the action: the workflow's own view is the answer.
      return this.fromWorkflow(account, id);
    }
  }

  /** A whistle's timeline entries as the read model has them, in order. */
  private async timelineOf(id: string): Promise<Array<{ seq: number; at: Date; type: string; actor: string; note: string | null }>> {
    const { rows } = await this.pool.query<{ seq: number; at: Date; type: string; actor: string; note: string | null }>(
      'SELECT seq, at, type, actor, note FROM whistle_events WHERE whistle_id = $1 ORDER BY seq', [id]);
    return rows;
  }

  /**
   * The caller's view right after an action: the filing's fields from the row, the rest from the
   * update's answer, the timeline from the read model up to this action's entries (read while the
   * workflow acted; read again when entries came in meanwhile) and then those. Undefined when the
   * read model lacks an entry before them (a deadline's, being written): the caller then gets the
   * read model's view once the answer is in.
   */
  private async answeredView(account: Account, row: Row, action: WhistleAction, body: Record<string, unknown>,
    answer: ActionResult, timeline: ReturnType<WhistleService['timelineOf']>): Promise<WhistleView | undefined> {
    const first = answer.events[0]?.seq ?? answer.timelineLength + 1;
    let rows = (await timeline).filter((e) => e.seq < first);
    if (rows.length !== first - 1) rows = (await this.timelineOf(row.view.id)).filter((e) => e.seq < first);
    if (rows.length !== first - 1) return undefined;
    const field = NOTE_FIELD[action];
    const note = field && typeof body[field] === 'string' ? body[field] as string : null;
    const entries = [
      ...rows.map((e) => ({ at: e.at.toISOString(), type: e.type, actor: e.actor, note: e.note })),
      ...answer.events.map((e) => ({ at: e.at, type: e.type, actor: e.actor, note: e.noteFromBody ? note : e.note })),
    ];
    const statics = Object.fromEntries(STATIC_FIELDS.map((k) => [k, row.view[k]]));
    const view = { ...statics, ...answer.view, timeline: entries } as unknown as WhistleView;
    return this.callerView(account, view, ruleStateFrom(view, answer.seenByDepartments, answer.rules));
  }

  /** What the read model can tell before asking the workflow: not found, and second-round actions on first-round whistles. */
  private precheck(account: Account, row: Row, action: WhistleAction) {
    const state = ruleStateFrom(row.view, row.seen_by_departments, row.rules);
    if (!canSee(state, actorOf(account))) throw notFound('whistle not found', '没有找到该事项');
    // A merge's target is checked here (400), after who and when (403, 409) as everywhere: those first.
    if (action === 'merge' || (!state.secondRound && SECOND_ROUND_ACTIONS.includes(action))) {
      const refused = refusal(state, actorOf(account), action);
      if (refused) throw new HttpError(FAILURE_CODES[refused.type], refused.message, refused.messageZh);
    }
  }

  /** The deadlines the action starts (and, for an extension request, its limit), worked out here. */
  private async planFor(account: Account, action: WhistleAction, body: Record<string, unknown>, row: Row | null): Promise<ActionPlan> {
    const now = new Date();
    const planned = (...keys: PolicyKey[]) => this.deps.planner.plan(keys.map((key) => ({ key, from: now })));
    switch (action) {
      case 'escalate':
      case 'return':
        return { deadlines: await planned('center.triageWithin') };
      case 'evaluate':
        return body.rating === 'unsatisfied' ? { deadlines: await planned('center.triageWithin') } : {};
      case 'resolve':
        return { deadlines: await planned('evaluation.window') };
      case 'triage': {
        await this.checkDepartments(body);
        const list = body.list as 'immediate' | 'phased' | 'understanding';
        const keys: PolicyKey[] = ['department.acceptWithin', `lists.${list}`, ...(list === 'phased' ? ['phased.progressEvery' as const] : [])];
        const followedSuggestion = row
          ? await this.deps.catalogue.follows(row.view.category, body as { list: string; departmentIds: string[]; leadDepartmentId?: string })
          : undefined;
        return { deadlines: await planned(...keys), ...(followedSuggestion === undefined ? {} : { followedSuggestion }) };
      }
      case 'request-extension': {
        const dueAt = row?.view.dueAt;
        if (!dueAt) return {};
        const limit = await this.deps.planner.extensionLimit(new Date(dueAt));
        return { extensionLimit: { dueAt, limit: limit.toISOString() } };
      }
      case 'decide-extension': {
        // Approved at the street's stage: the center's triage deadline should the new one escalate it.
        const until = row?.view.extension?.until;
        if (body.approve !== true || !until || (row.view.status !== 'street_handling' && row.view.status !== 'filed')) return {};
        return { deadlines: await this.deps.planner.plan([{ key: 'center.triageWithin', from: new Date(until) }]) };
      }
      case 'merge':
        await this.checkMergeTarget(account, row, String(body.into ?? ''));
        return {};
      default:
        return {};
    }
  }

  /** 重复件合并: `into` must be another open whistle the caller may see, not itself merged. */
  private async checkMergeTarget(account: Account, row: Row | null, into: string) {
    if (row && into === row.view.id) throw invalid('a whistle cannot be merged into itself', '不能合并到事项本身');
    const target = await this.row(into);
    const actor = actorOf(account);
    if (!target || !canSee(ruleStateFrom(target.view, target.seen_by_departments, target.rules), actor)) {
      throw invalid(`into: no whistle "${into}" that you may see`, `into：没有找到可合并的事项“${into}”`);
    }
    if (target.view.status === 'merged') {
      throw invalid(`into: whistle "${into}" was itself merged into ${target.view.duplicateOf}`, '目标事项本身已被合并，请合并到其原件');
    }
    if (!OPEN_STATUSES.includes(target.view.status)) {
      throw invalid(`into: whistle "${into}" is ${target.view.status}, not open`, '目标事项已办结或已关闭，不能合并');
    }
    if (account.role === 'street' && target.view.streetId !== account.orgId) {
      throw invalid(`into: whistle "${into}" is of another street`, '只能合并到本镇街的事项');
    }
  }

  /**
   * The action's answer into the read model, at once (version-guarded: a newer projection is never
   * undone): the filing's fields from the row, the notes the answer left out from the body sent.
   * Without a row (the filing's write failed) the workflow's own projection writes it a moment later.
   */
  private async writeAnswer(row: Row | null, action: WhistleAction, body: Record<string, unknown>, answer: ActionResult) {
    if (!row) return;
    const field = NOTE_FIELD[action];
    const note = field && typeof body[field] === 'string' ? body[field] as string : null;
    const statics = Object.fromEntries(STATIC_FIELDS.map((k) => [k, row.view[k]]));
    try {
      await projectWhistle(this.pool, {
        version: answer.version, view: { ...statics, ...answer.view, timeline: [] } as unknown as WhistleView,
        seenByDepartments: answer.seenByDepartments, reporterName: answer.reporterName,
        events: answer.events.map(({ noteFromBody, ...e }) => (noteFromBody ? { ...e, note } : e)) as WhistleEvent[],
        rules: answer.rules, timelineLength: answer.timelineLength,
      }, { durable: false });
    } catch (err) {
      // The workflow projects it a moment later itself.
      this.deps.logger.warn({ err, whistleId: row.view.id }, 'an action\'s answer could not be written to the read model');
    }
  }

  private withinDeadline<T>(fn: () => Promise<T>): Promise<T> {
    return this.temporal.withDeadline(Date.now() + TEMPORAL_DEADLINE_MS, fn);
  }

  private async checkDepartments(body: Record<string, unknown>) {
    for (const id of (body.departmentIds as string[]) ?? []) {
      if (!(await this.directory.isKind(id, 'department'))) throw invalid(`departmentIds: unknown department "${id}"`, `未知的部门“${id}”`);
    }
  }

  // ---- reads ---------------------------------------------------------------------------------

  private async row(id: string): Promise<Row | null> {
    const { rows } = await this.pool.query<Row>('SELECT view, seen_by_departments, rules, version FROM whistles WHERE id = $1', [id]);
    return rows[0] ?? null;
  }

  async view(account: Account, id: string): Promise<WhistleView> {
    const row = await this.row(id);
    if (!row) return this.fromWorkflow(account, id);
    return this.viewFromRow(account, row);
  }

  private async viewFromRow(account: Account, row: Row): Promise<WhistleView> {
    const state = ruleStateFrom(row.view, row.seen_by_departments, row.rules);
    if (!canSee(state, actorOf(account))) throw notFound('whistle not found', '没有找到该事项');
    const { rows } = await this.pool.query<{ at: Date; type: string; actor: string; note: string | null }>(
      'SELECT at, type, actor, note FROM whistle_events WHERE whistle_id = $1 ORDER BY seq', [row.view.id]);
    const timeline = rows.map((e) => ({ at: e.at.toISOString(), type: e.type, actor: e.actor, note: e.note }));
    const { timeline: _stored, ...view } = row.view;
    return this.callerView(account, { ...withSecondRoundDefaults(view), timeline }, state);
  }

  /** The read model may lag behind (or PostgreSQL be away): ask the workflow itself. */
  private async fromWorkflow(account: Account, id: string): Promise<WhistleView> {
    let projection;
    try {
      projection = await this.withinDeadline(() => this.temporal.workflow.getHandle(whistleWorkflowId(id)).query(projectionQuery));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw notFound('whistle not found', '没有找到该事项');
      throw err;
    }
    const view = withSecondRoundDefaults(projection.view);
    const state = ruleStateFrom(view, projection.seenByDepartments, projection.rules);
    if (!canSee(state, actorOf(account))) throw notFound('whistle not found', '没有找到该事项');
    return this.callerView(account, view, state);
  }

  /** The view with what this caller may do now and, for those who sort and dispatch, duplicates and the catalogue. */
  private async callerView(account: Account, view: WhistleView, state: RuleState): Promise<WhistleView> {
    const actor = actorOf(account);
    const dispatcher = account.role === 'street' || account.role === 'center' || account.role === 'supervisor';
    const [possibleDuplicates, suggestion] = await Promise.all([
      dispatcher && OPEN_STATUSES.includes(view.status) && this.deps.possibleDuplicates ? this.deps.possibleDuplicates(view) : [],
      account.role === 'center' && view.status === 'escalated' ? this.deps.catalogue.suggestionFor(view.category) : null,
    ]);
    return { ...view, allowedActions: allowedActions(state, actor), possibleDuplicates, suggestion };
  }

  async list(account: Account, q: ListQuery): Promise<{ items: Array<Omit<WhistleView, 'timeline'>>; nextCursor: string | null }> {
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
    if (q.dueSoon) where.push(`due_soon = ${p(q.dueSoon === 'true')}`);
    if (q.category) where.push(`category = ${p(q.category)}`);
    if (q.holder) where.push(`waiting_org_ids @> ARRAY[${p(q.holder === 'me' ? account.orgId : q.holder)}]::text[]`);
    const byDue = q.sort === 'due';
    const dueKey = `COALESCE(due_at, '${NO_DEADLINE}'::timestamptz)`;
    if (q.cursor) {
      const [at, id] = decodeCursor(q.cursor);
      where.push(byDue ? `(${dueKey}, id) > (${p(at)}::timestamptz, ${p(id)})` : `(filed_at, id) < (${p(at)}::timestamptz, ${p(id)})`);
    }
    const limit = q.limit ?? 20;
    const sql = `SELECT view, filed_at, due_at, id FROM whistles ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
                 ORDER BY ${byDue ? `${dueKey} ASC, id ASC` : 'filed_at DESC, id DESC'} LIMIT ${p(limit + 1)}`;
    const { rows } = await this.pool.query<{ view: Row['view']; filed_at: Date; due_at: Date | null; id: string }>(sql, params);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const cursorAt = last && (byDue ? (last.due_at ?? new Date(NO_DEADLINE)) : last.filed_at);
    return {
      items: page.map((r) => { const { timeline: _t, ...item } = r.view; return withSecondRoundDefaults(item); }),
      nextCursor: rows.length > limit && last ? encodeCursor(cursorAt!.toISOString(), last.id) : null,
    };
  }

  private async checkFilterOrgs(q: ListQuery) {
    const checks: Array<[string | undefined, 'street' | 'community' | 'department', string]> = [
      [q.streetId, 'street', 'streetId'], [q.communityId, 'community', 'communityId'], [q.departmentId, 'department', 'departmentId'],
    ];
    for (const [id, kind, name] of checks) {
      if (id !== undefined && !(await this.directory.isKind(id, kind))) throw invalid(`${name}: unknown ${kind} "${id}"`);
    }
    if (q.holder !== undefined && q.holder !== 'me' && !(await this.directory.org(q.holder))) {
      throw invalid(`holder: unknown organisation "${q.holder}" (or "me")`);
    }
  }
}

/** A whistle of the first round in the read model lacks the second round's fields: their values for it. */
const SECOND_ROUND_DEFAULTS: Partial<WhistleView> = {
  dueSoon: false, extension: null, returns: 0, finalDispatch: false, duplicateOf: null, duplicates: [], reports: 1,
  allowedActions: [], possibleDuplicates: [], suggestion: null,
};
function withSecondRoundDefaults<V extends Omit<WhistleView, 'timeline'>>(view: V): V {
  return { ...SECOND_ROUND_DEFAULTS, ...view };
}

export type { PlannedDeadline };
