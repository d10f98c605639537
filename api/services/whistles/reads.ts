/**
 * Reading whistles: one whistle from the read model (or from its workflow while the read model
 * lags behind), the list, and the fields each caller gets beside the view (`allowedActions`,
 * `possibleDuplicates`, `suggestion`). Who may see what is the rules' (workflows/rules.ts): a
 * whistle the caller may not see is `not_found`, and the list shows exactly what `canSee` allows.
 */
import type { Pool } from 'pg';
import { relatedArticles } from '../../../lib/knowledge';
import { timelineEntryOf, OPEN_STATUSES, ORG_KIND_LABELS, type WhistleView } from '../../../domain';
import { accountsByIds } from '../../../lib/stores/orgs';
import { listWhistles } from '../../../lib/stores/whistle-list';
import { whistleRow, whistleTimeline, type WhistleRow } from '../../../lib/stores/whistles';
import { projectionQuery, whistleWorkflowId } from '../../../workflows/messages';
import { allowedActions, type RuleState } from '../../../workflows/rules';
import { canSee } from '../../../workflows/visibility';
import { ruleStateFrom } from '../../../workflows/whistle/state';
import { forbidden, invalid, notFound } from '../../errors';
import type { ListQuery } from '../../schemas/whistles';
import type { AttachmentService } from '../attachments';
import type { CatalogueService } from '../catalogue';
import { decodeCursor, encodeCursor } from '../cursor';
import { actorOf, type Account, type Directory } from '../directory';
import type { TemporalGateway } from '../temporal-gateway';

/** What possible duplicates are looked up with (lib/stores/duplicates.ts). */
export type DuplicateFinder = (whistle: WhistleView) => Promise<string[]>;

export const whistleNotFound = () => notFound('whistle not found', '没有找到该事项');

/** A whistle filed before the center's tools lacks their fields in the read model: their values for it. */
const CENTER_TOOL_DEFAULTS: Partial<WhistleView> = {
  dueSoon: false, extension: null, returns: 0, finalDispatch: false, duplicateOf: null, duplicates: [], reports: 1,
  allowedActions: [], possibleDuplicates: [], suggestion: null, source: 'community', callback: null, knowledge: [],
};
function withCenterToolDefaults<V extends Omit<WhistleView, 'timeline'>>(view: V): V {
  return { ...CENTER_TOOL_DEFAULTS, ...view };
}

/** The rules' input from a read-model row. */
export const ruleStateOfRow = (row: WhistleRow): RuleState => ruleStateFrom(row.view, row.seen_by_departments, row.rules);

export interface WhistleReadsDeps {
  pool: Pool;
  gateway: TemporalGateway;
  directory: Directory;
  catalogue: CatalogueService;
  attachments: AttachmentService;
  possibleDuplicates?: DuplicateFinder;
}

/** `work`'s answer, or `fallback` when it fails (PostgreSQL away). */
function besides<T>(work: Promise<T>, fallback: T): Promise<T> {
  return work.catch(() => fallback);
}

export class WhistleReads {
  constructor(private readonly deps: WhistleReadsDeps) {}

  /** The read model's row of a whistle, or null. */
  row(id: string): Promise<WhistleRow | null> {
    return whistleRow(this.deps.pool, id);
  }

  async view(account: Account, id: string): Promise<WhistleView> {
    const row = await this.row(id);
    if (!row) return this.fromWorkflow(account, id);
    return this.viewFromRow(account, row);
  }

  async viewFromRow(account: Account, row: WhistleRow): Promise<WhistleView> {
    const state = ruleStateOfRow(row);
    if (!canSee(state, actorOf(account))) throw whistleNotFound();
    const timeline = (await whistleTimeline(this.deps.pool, row.view.id))
      .map((e) => timelineEntryOf({ at: e.at.toISOString(), type: e.type, actor: e.actor, note: e.note, data: e.data ?? undefined }));
    const { timeline: _stored, ...view } = row.view;
    return this.callerView(account, { ...withCenterToolDefaults(view), timeline }, state);
  }

  /**
   * Whether the account may see the photos attached to this whistle: when it may see the whistle,
   * or the whistle it was merged into (a merged whistle's photos show on the original's page).
   */
  async photosSeenBy(account: Account, id: string): Promise<boolean> {
    const row = await this.row(id);
    if (!row) return false;
    if (canSee(ruleStateOfRow(row), actorOf(account))) return true;
    const original = row.view.duplicateOf ? await this.row(row.view.duplicateOf) : null;
    return original !== null && canSee(ruleStateOfRow(original), actorOf(account));
  }

  /** The read model may lag behind (or PostgreSQL be away): ask the workflow itself. */
  async fromWorkflow(account: Account, id: string): Promise<WhistleView> {
    const projection = await this.deps.gateway.query(whistleWorkflowId(id), projectionQuery);
    if (!projection) throw whistleNotFound();
    const view = withCenterToolDefaults(projection.view);
    const state = ruleStateFrom(view, projection.seenByDepartments, projection.rules);
    if (!canSee(state, actorOf(account))) throw whistleNotFound();
    return this.callerView(account, view, state);
  }

  /**
   * The view with what this caller may do now, its photos (with those of whistles merged into it)
   * and, for those who sort and dispatch, duplicates and the catalogue; for the holder and the
   * center, the knowledge base's related articles (知识库).
   */
  async callerView(account: Account, view: WhistleView, state: RuleState): Promise<WhistleView> {
    const actor = actorOf(account);
    const dispatcher = account.role === 'street' || account.role === 'center' || account.role === 'supervisor';
    const informed = account.role === 'center' || (view.holder !== null && view.holder === account.orgId);
    const [possibleDuplicates, suggestion, knowledge, attachments, people] = await Promise.all([
      dispatcher && OPEN_STATUSES.includes(view.status) && this.deps.possibleDuplicates ? this.deps.possibleDuplicates(view) : [],
      account.role === 'center' && view.status === 'escalated' ? this.deps.catalogue.suggestionFor(view.category) : null,
      // What only decorates the view must not turn an action already done into an error: while
      // PostgreSQL is away the answer goes without its articles, photos and names (the next read has them).
      informed ? besides(relatedArticles(this.deps.pool, view.category, `${view.title} ${view.description}`), []) : [],
      besides(this.deps.attachments.shownWith('whistle', [view.id, ...(view.duplicates ?? [])]), []),
      besides(accountsByIds(this.deps.pool, [...new Set(view.timeline.map((e) => e.actor).filter((id) => id !== 'system'))]), new Map()),
    ]);
    // Who did each step, by name (the accounts of offices: 社区, 街道, 部门 …); null for the system.
    const timeline = view.timeline.map((e) => ({ ...e, actorName: people.get(e.actor)?.name ?? null }));
    return { ...view, timeline, allowedActions: allowedActions(state, actor), possibleDuplicates, suggestion, knowledge, attachments };
  }

  /** The whistles the caller may see (exactly those `canSee` allows), filtered, a page at a time. */
  async list(account: Account, q: ListQuery): Promise<{ items: Array<Omit<WhistleView, 'timeline'>>; nextCursor: string | null }> {
    if (q.callbackDue && account.role !== 'center') {
      throw forbidden('only the district service center lists the callbacks due (callbackDue)', '只有区中心可以查看待回访事项');
    }
    await this.checkFilterOrgs(q);
    const after = q.cursor ? decodeCursor(q.cursor) : undefined;
    const page = await listWhistles(this.deps.pool, {
      visibleTo: actorOf(account),
      status: q.status, list: q.list, streetId: q.streetId, communityId: q.communityId, departmentId: q.departmentId,
      overdue: q.overdue ? q.overdue === 'true' : undefined,
      dueSoon: q.dueSoon ? q.dueSoon === 'true' : undefined,
      category: q.category,
      callbackDue: q.callbackDue === 'true' ? true : undefined,
      waitingFor: q.holder ? (q.holder === 'me' ? account.orgId : q.holder) : undefined,
      order: q.sort === 'due' ? 'due' : 'filed',
      after: after && { at: after[0], id: after[1] },
      limit: q.limit ?? 20,
    });
    return {
      items: page.views.map((stored) => { const { timeline: _t, ...item } = stored; return withCenterToolDefaults(item); }),
      nextCursor: page.next ? encodeCursor(page.next.at.toISOString(), page.next.id) : null,
    };
  }

  private async checkFilterOrgs(q: ListQuery) {
    const checks: Array<[string | undefined, 'street' | 'community' | 'department', string]> = [
      [q.streetId, 'street', 'streetId'], [q.communityId, 'community', 'communityId'], [q.departmentId, 'department', 'departmentId'],
    ];
    for (const [id, kind, name] of checks) {
      if (id !== undefined && !(await this.deps.directory.isKind(id, kind))) {
        throw invalid(`${name}: unknown ${kind} "${id}"`, `未知的${ORG_KIND_LABELS[kind]}“${id}”`);
      }
    }
    if (q.holder !== undefined && q.holder !== 'me' && !(await this.deps.directory.org(q.holder))) {
      throw invalid(`holder: unknown organisation "${q.holder}" (or "me")`, `未知的办理单位“${q.holder}”`);
    }
  }
}
