/**
 * Neighbour help (邻里搭把手) for the API: posting (update-with-start, idempotent per account and
 * Idempotency-Key), actions as workflow updates, the board from the read model, and members'
 * records (services done, no-shows, ratings) from the help timeline.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { HttpError, invalid, notFound } from '../errors';
import {
  cancelUpdate, checkInUpdate, claimUpdate, completeUpdate, confirmUpdate, helpViewQuery, helpWorkflowId, postedUpdate, verifyUpdate,
} from '../../workflows/help-messages';
import { HELP_ACTION_LABELS, HELP_STATUS_LABELS, type Actor, type HelpAction, type HelpPosting, type HelpView } from '../../domain';
import { futureInstantProblem, helpAllowedActions, helpRefusal, helpRuleStateOf, parseZonedInstant } from '../../workflows/help-rules';
import { canSeeHelp, canSeeHelpPlace, type HelpSeenFacts } from '../../workflows/help-visibility';
import type { help } from '../../workflows/help';
import { helpPriority } from '../../lib/task-priority';
import * as attrs from '../../workflows/search-attributes';
import { helpView, listHelpRequests, memberFacts } from '../../lib/stores/help';
import { accountById } from '../../lib/stores/orgs';
import { actorOf, type Account, type Directory } from './directory';
import type { HelpListQuery, MemberRecord, PostHelpBody } from '../schemas/help';
import { decodeCursor, encodeCursor } from './cursor';
import { waitsFor } from './help-queue';
import { CaseEnded, type TemporalGateway } from './temporal-gateway';
import type { AttachmentService } from './attachments';

const UPDATES = {
  verify: verifyUpdate, claim: claimUpdate, 'check-in': checkInUpdate, complete: completeUpdate,
  confirm: confirmUpdate, cancel: cancelUpdate,
} as const;

/** The facts of a request that say who may see it and its place. */
const seenFactsOf = (view: HelpView): HelpSeenFacts => ({
  status: view.status, communityId: view.communityId, streetId: view.streetId,
  requesterId: view.requester.accountId, claimerId: view.claimer?.accountId ?? null,
});

/** The view without where the service happens: every place field, and the place a claim's timeline note names (`<time> @ <place>`). */
function withoutPlace(view: HelpView): HelpView {
  return {
    ...view, place: null, requestedPlace: null, appointmentPlace: null,
    timeline: view.timeline.map((e) => (e.type === 'claimed' && e.note?.includes(' @ ') ? { ...e, note: e.note.slice(0, e.note.indexOf(' @ ')) } : e)),
  };
}

/**
 * The request as this caller sees it: with the actions it may perform now, and its place only for
 * the requester, the community, the street, the center and the claimer (workflows/help-visibility.ts).
 */
export function forCaller(account: Account, view: HelpView): HelpView & { allowedActions: HelpAction[] } {
  const actor = actorOf(account);
  const shown = canSeeHelpPlace(seenFactsOf(view), actor) ? view : withoutPlace(view);
  return { ...shown, allowedActions: helpAllowedActions(helpRuleStateOf(view), actor) };
}

const helpNotFound = () => notFound('help request not found', '没有找到该点单');

/** What every log line about a help request carries: its id and its workflow's. */
export function helpLogIds(helpId: string): { helpId: string; workflowId: string } {
  return { helpId, workflowId: helpWorkflowId(helpId) };
}

/**
 * The request id: derived from (account, Idempotency-Key) so that a retried post meets the same
 * workflow; the "help" prefix keeps it apart from a whistle filed with the same key.
 */
function helpIdFor(accountId: string, idempotencyKey?: string): string {
  if (!idempotencyKey) return randomBytes(8).toString('hex');
  return createHash('sha256').update(['help', accountId, idempotencyKey].join('\u0000')).digest('hex').slice(0, 16);
}



export class HelpService {
  constructor(
    private readonly pool: Pool,
    private readonly gateway: TemporalGateway,
    private readonly directory: Directory,
    private readonly attachments: AttachmentService,
  ) {}

  /** Whether the account may see this request (and so its photos): workflows/help-visibility.ts. */
  async seenBy(account: Account, id: string): Promise<boolean> {
    const view = await helpView(this.pool, id);
    return view !== null && canSeeHelp({ ...view, requesterId: view.requester.accountId }, actorOf(account));
  }

  /** The request with its photos (附件), as one request's view shows it. */
  async withPhotos(view: HelpView): Promise<HelpView> {
    // Only a decoration: an answer to an action already done goes without its photos while PostgreSQL is away.
    return { ...view, attachments: await this.attachments.shownWith('help_request', [view.id]).catch(() => []) };
  }

  /** 居民点单: any account posts a need for a community; it waits for that community to verify it. */
  async post(account: Account, body: PostHelpBody, idempotencyKey?: string): Promise<HelpView> {
    const community = await this.directory.org(body.communityId);
    if (community?.kind !== 'community') throw invalid(`communityId: unknown community "${body.communityId}"`, `未知的社区“${body.communityId}”`);
    const streetId = community.parentId;
    if (!streetId) throw invalid('the community belongs to no street', '该社区不属于任何街道（镇）');
    let neededBy: string | null = null;
    if (body.neededBy !== undefined) {
      const problem = futureInstantProblem('neededBy', body.neededBy, Date.now());
      if (problem) throw invalid(problem.message, problem.messageZh);
      neededBy = new Date(parseZonedInstant(body.neededBy)!).toISOString();
    }

    const id = helpIdFor(account.id, idempotencyKey);
    const posting: HelpPosting = {
      id,
      title: body.title.trim(),
      description: body.description.trim(),
      communityId: community.id,
      streetId: streetId,
      neededBy,
      place: body.place?.trim() ?? null,
      requester: actorOf(account),
    };
    if (body.attachmentIds?.length) posting.attachmentIds = body.attachmentIds;
    // Its photos are attached with the start: checked first, committed once it is posted (none when refused).
    const photos = { account, ids: body.attachmentIds, subject: { kind: 'help_request' as const, id }, stage: 'filing', again: !!idempotencyKey };
    const posted = await this.attachments.withPhotos(photos, () => this.gateway.updateWithStart<typeof help, HelpView, [Actor]>(postedUpdate, [actorOf(account)], 'help', {
      workflowId: helpWorkflowId(id),
      args: [posting],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      priority: helpPriority({ streetId: streetId }),
      staticSummary: `邻里搭把手：${posting.title} — ${community.name}`,
      staticDetails: `**Help request** ${id}  \n**Community:** ${community.name} (${community.id}) · **Street:** ${streetId}  \n` +
        `**Requester:** ${account.id} (${account.role})${neededBy ? ` · **Needed by:** ${neededBy}` : ''}`,
      typedSearchAttributes: [
        { key: attrs.HelpStatus, value: 'pending_verification' },
        { key: attrs.CommunityId, value: community.id },
        { key: attrs.StreetId, value: streetId },
      ],
    }));
    // The same key was used for a request that has already ended: answer with that request.
    return posted === 'exists' ? this.view(account, id) : posted;
  }

  async act(account: Account, id: string, action: HelpAction, body: Record<string, unknown>): Promise<HelpView> {
    // The rules judge who may act: a refusal carries nothing of the request (reading it is view's).
    try {
      const photos = { account, ids: body.attachmentIds as string[] | undefined, subject: { kind: 'help_request' as const, id }, stage: action };
      return await this.attachments.withPhotos(photos,
        () => this.gateway.update<HelpView, [Actor, unknown]>(helpWorkflowId(id), UPDATES[action].name, [actorOf(account), body]));
    } catch (err) {
      if (!(err instanceof CaseEnded)) throw err;
      // Closed, rejected or cancelled (or never posted → 404): judge by the last state.
      const view = await this.stored(id);
      const refused = helpRefusal(helpRuleStateOf(view), actorOf(account), action);
      throw new HttpError(refused?.type ?? 'invalid_state', refused?.message ?? `cannot ${action} a help request that is ${view.status}`,
        refused?.messageZh ?? `该点单${HELP_STATUS_LABELS[view.status]}，不能${HELP_ACTION_LABELS[action]}`);
    }
  }

  /** One request with its timeline; one the caller may not see is not found (workflows/help-visibility.ts). */
  async view(account: Account, id: string): Promise<HelpView> {
    const view = await this.stored(id);
    if (!canSeeHelp(seenFactsOf(view), actorOf(account))) throw helpNotFound();
    return view;
  }

  /** The request whoever asks; the read model may lag behind a request posted a moment ago: then the workflow itself. */
  private async stored(id: string): Promise<HelpView> {
    const view = await helpView(this.pool, id) ?? await this.gateway.query(helpWorkflowId(id), helpViewQuery);
    if (!view) throw helpNotFound();
    return view;
  }

  /**
   * The board: newest first, filtered, cursor-paginated; `waitingFor=me` keeps the requests that
   * wait for the caller's action (help-queue.ts).
   */
  async list(account: Account, q: HelpListQuery): Promise<{ items: HelpView[]; nextCursor: string | null }> {
    if (q.communityId !== undefined && !(await this.directory.isKind(q.communityId, 'community'))) {
      throw invalid(`communityId: unknown community "${q.communityId}"`, `未知的社区“${q.communityId}”`);
    }
    if (q.streetId !== undefined && !(await this.directory.isKind(q.streetId, 'street'))) {
      throw invalid(`streetId: unknown street "${q.streetId}"`, `未知的街道（镇）“${q.streetId}”`);
    }
    const actor = actorOf(account);
    const after = q.cursor ? decodeCursor(q.cursor) : undefined;
    const page = await listHelpRequests(this.pool, {
      status: q.status, communityId: q.communityId, streetId: q.streetId, claimerId: q.claimerId, requesterId: q.requesterId,
      waitingFor: q.waitingFor === 'me' ? actor : undefined, visibleTo: actor, after: after && { at: after[0], id: after[1] }, limit: q.limit ?? 20,
    });
    // The rules judge every candidate again: the list never shows what they would refuse.
    return {
      items: q.waitingFor === 'me' ? page.views.filter((view) => waitsFor(view, actor)) : page.views,
      nextCursor: page.next ? encodeCursor(page.next.at.toISOString(), page.next.id) : null,
    };
  }

  /**
   * A party member's record: requests taken, services done, no-shows and ratings. Seen by the
   * member, its community (or a compound of it) and the center. Anyone else gets the same 404 as
   * for an id that is no member at all, so the answer never tells which accounts exist.
   */
  async memberRecord(account: Account, memberId: string): Promise<MemberRecord> {
    const member = await accountById(this.pool, memberId);
    const callerCommunity = account.role === 'community' ? (await this.directory.communityOf(account.orgId))?.id : undefined;
    const allowed = member?.role === 'member'
      && (account.id === member.id || account.role === 'center' || callerCommunity === member.orgId);
    if (!member || !allowed) throw notFound('member not found', '没有找到该党员的服务记录');

    const { counts, stars, active, recent } = await memberFacts(this.pool, memberId);
    const count = (type: string) => counts.find((c) => c.type === type)?.n ?? 0;
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
      communityId: member.orgId,
      claims: count('claimed'),
      servicesDone: count('completed'),
      noShows: count('no_show'),
      active,
      ratings: { count: rated, average: rated ? Math.round((sum / rated) * 100) / 100 : null, stars: byStar },
      recent: recent.map((r) => ({
        helpId: r.help_id, title: r.title, communityId: r.community_id, type: r.type,
        at: r.at.toISOString(), rating: r.type === 'confirmed' ? r.rating : null,
      })),
    };
  }
}
