/**
 * A whistle's actions (报到, 分拨派单, 办结, 评价 …) as workflow updates: checked first against what
 * the read model already tells, sent with the deadlines they start, and answered with the
 * caller's view — the answer written to the read model before the caller hears it.
 */
import type { Logger } from 'pino';
import type { Pool } from 'pg';
import {
  timelineEntryOf, NOTE_FIELD, STATIC_FIELDS, type ActionAnswer, type ActionPlan, type ActionResult, type Actor, type MergedIn, type WhistleAction,
  type WhistleEvent, type WhistleView,
} from '../../../domain';
import { projectWhistle } from '../../../lib/read-model/whistles';
import { whistleTimeline, type TimelineRow, type WhistleRow } from '../../../lib/stores/whistles';
import { whistleWorkflowId } from '../../../workflows/messages';
import { refusal } from '../../../workflows/rules';
import { canSee } from '../../../workflows/visibility';
import { ruleStateFrom } from '../../../workflows/whistle/state';
import { HttpError } from '../../errors';
import { actorOf, type Account } from '../directory';
import type { AttachmentService } from '../attachments';
import type { IdempotencyKeys } from '../idempotency';
import { mergedInOf, tellOriginal } from '../merged-in';
import { CaseEnded, type TemporalGateway } from '../temporal-gateway';
import type { ActionPlans } from './action-plans';
import { whistleIdFor } from './filing';
import { ruleStateOfRow, whistleNotFound, type WhistleReads } from './reads';

/** The center's tools: refused on whistles whose workflows have no handler for them (filed before they existed). */
const CENTER_TOOL_ACTIONS: readonly WhistleAction[] = ['request-extension', 'decide-extension', 'merge'];

function isActionResult(answer: ActionAnswer): answer is ActionResult {
  return typeof (answer as ActionResult).version === 'number' && !('timeline' in (answer as object));
}

/** The note an action's body carried (its NOTE_FIELD), which the answer leaves out. */
function noteOf(action: WhistleAction, body: Record<string, unknown>): string | null {
  const field = NOTE_FIELD[action];
  return field && typeof body[field] === 'string' ? body[field] as string : null;
}

export interface WhistleActionsDeps {
  pool: Pool;
  gateway: TemporalGateway;
  idempotency: IdempotencyKeys;
  plans: ActionPlans;
  reads: WhistleReads;
  attachments: AttachmentService;
  logger: Logger;
}

export class WhistleActions {
  constructor(private readonly deps: WhistleActionsDeps) {}

  /**
   * An action as a workflow update. With an Idempotency-Key the update id is derived from
   * (account, key), so a client retrying after a lost answer gets the first outcome, not a second action.
   */
  async act(account: Account, id: string, action: WhistleAction, body: Record<string, unknown>, idempotencyKey?: string): Promise<WhistleView> {
    const { reads } = this.deps;
    if (idempotencyKey) await this.deps.idempotency.claim(account.id, idempotencyKey, 'POST', `/v1/whistles/${id}/${action}`, body);
    const row = await reads.row(id);
    if (row) this.precheck(account, row, action);
    const plan = await this.deps.plans.planFor(account, action, body, row);
    // The timeline so far, read while the workflow acts (the answer adds this action's entries).
    const timeline = row ? whistleTimeline(this.deps.pool, id) : undefined;
    timeline?.catch(() => undefined);
    let answer: ActionAnswer;
    try {
      // Its photos are attached with it: checked before it is sent, committed once it went through (none when refused).
      const photos = { account, ids: body.attachmentIds as string[] | undefined, subject: { kind: 'whistle' as const, id }, stage: action, again: !!idempotencyKey };
      answer = await this.deps.attachments.withPhotos(photos, () => this.deps.gateway.update<ActionAnswer, [Actor, unknown, ActionPlan]>(
        whistleWorkflowId(id), action, [actorOf(account), body, plan], idempotencyKey ? `${action}-${whistleIdFor(account.id, idempotencyKey)}` : undefined));
    } catch (err) {
      if (!(err instanceof CaseEnded)) throw err;
      // Ended (closed, withdrawn, merged) or never existed: 409 for those who may see it, else 404.
      await reads.view(account, id);
      throw new HttpError('invalid_state', `cannot ${action} a whistle that has ended`, '该事项已结束，不能再操作');
    }
    try {
      // 重复件合并: the original lists the duplicate before the caller hears of the merge.
      if (action === 'merge' && isActionResult(answer)) await this.tellOriginal(String(body.into), mergedInOf(answer, account.id, body.note));
      if (isActionResult(answer) && row) {
        // The write and the read of the timeline before this action's entries, side by side.
        const [, view] = await Promise.all([this.writeAnswer(row, action, body, answer),
          this.answeredView(account, row, action, body, answer, timeline!)]);
        if (view) return view;
      }
      return await reads.view(account, id);
    } catch {
      // PostgreSQL went away after the action: the workflow's own view is the answer.
      return reads.fromWorkflow(account, id);
    }
  }

  /** The original's answer to the merge (../merged-in.ts) into its read model, as an action's (no body note in it). */
  private async tellOriginal(into: string, news: MergedIn) {
    const answer = await tellOriginal(this.deps.gateway, into, news, this.deps.logger);
    if (answer) await this.writeAnswer(await this.deps.reads.row(into), 'merge', {}, answer);
  }

  /** What the read model can tell before asking the workflow: not found, and the center's tools on whistles without them. */
  private precheck(account: Account, row: WhistleRow, action: WhistleAction) {
    const state = ruleStateOfRow(row);
    if (!canSee(state, actorOf(account))) throw whistleNotFound();
    // A merge's target is checked here (400), after who and when (403, 409) as everywhere: those first.
    // A callback (回访) is judged here too: a closed whistle's workflow ends with its window.
    if (action === 'merge' || action === 'callback' || (!state.centerTools && CENTER_TOOL_ACTIONS.includes(action))) {
      const refused = refusal(state, actorOf(account), action);
      if (refused) throw new HttpError(refused.type, refused.message, refused.messageZh);
    }
  }

  /**
   * The caller's view right after an action: the filing's fields from the row, the rest from the
   * update's answer, the timeline from the read model up to this action's entries (read while the
   * workflow acted; read again when entries came in meanwhile) and then those. Undefined when the
   * read model lacks an entry before them (a deadline's, being written): the caller then gets the
   * read model's view once the answer is in.
   */
  private async answeredView(account: Account, row: WhistleRow, action: WhistleAction, body: Record<string, unknown>,
    answer: ActionResult, timeline: Promise<TimelineRow[]>): Promise<WhistleView | undefined> {
    const first = answer.events[0]?.seq ?? answer.timelineLength + 1;
    let rows = (await timeline).filter((e) => e.seq < first);
    if (rows.length !== first - 1) rows = (await whistleTimeline(this.deps.pool, row.view.id)).filter((e) => e.seq < first);
    if (rows.length !== first - 1) return undefined;
    const note = noteOf(action, body);
    const entries = [
      ...rows.map((e) => timelineEntryOf({ at: e.at.toISOString(), type: e.type, actor: e.actor, note: e.note, data: e.data ?? undefined })),
      ...answer.events.map((e) => timelineEntryOf({ at: e.at, type: e.type, actor: e.actor, note: e.noteFromBody ? note : e.note, data: e.data })),
    ];
    const statics = Object.fromEntries(STATIC_FIELDS.map((k) => [k, row.view[k]]));
    const view = { ...statics, ...answer.view, timeline: entries } as unknown as WhistleView;
    return this.deps.reads.callerView(account, view, ruleStateFrom(view, answer.seenByDepartments, answer.rules));
  }

  /**
   * The action's answer into the read model, at once (version-guarded: a newer projection is never
   * undone): the filing's fields from the row, the notes the answer left out from the body sent.
   * Without a row (the filing's write failed) the workflow's own projection writes it a moment later.
   */
  private async writeAnswer(row: WhistleRow | null, action: WhistleAction, body: Record<string, unknown>, answer: ActionResult) {
    if (!row) return;
    const note = noteOf(action, body);
    const statics = Object.fromEntries(STATIC_FIELDS.map((k) => [k, row.view[k]]));
    try {
      await projectWhistle(this.deps.pool, {
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
}
