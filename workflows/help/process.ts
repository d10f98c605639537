/**
 * 邻里搭把手 (neighbour help) as one durable workflow, in the order the board runs:
 *
 *   1. 居民点单 — anyone posts a need; the community's party organisation verifies it within
 *      `help.verifyWithin`, or the street is reminded;
 *   2. 社区下单 — approved, it is open on the board; unclaimed after `help.claimWithin`, the
 *      community is told;
 *   3. 党员接单 — a party member or the street office takes it with a time and a place;
 *      without a check-in (报到) by the appointment + `help.checkInGrace`, it goes back on the
 *      board and the claimer is recorded as a no-show;
 *   4. 报到服务 — the claimer checks in, serves, completes; the requester confirms and rates
 *      it within `help.confirmWithin`, or it closes by itself.
 *
 * Then the handlers, one per action: updates whose validators refuse before any state changes,
 * each answering once its change is projected (read model and notifications: an activity). Each
 * step's deadline is kept by the stage clock, as a whistle's are (../whistle/stage-clock.ts).
 */
import {
  ApplicationFailure, allHandlersFinished, condition, proxyActivities, proxyLocalActivities, setCurrentDetails, setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { DeadlineActivities, HelpActivities } from '../../activities/types';
import {
  type Actor, attachmentIdsOf, HELP_FINAL_STATUSES, type HelpAction, type HelpPosting, type HelpTimelineType, type HelpView, type PolicyKeyName,
} from '../../domain';
import { calendarChangedSignal } from '../messages';
import {
  cancelUpdate, checkInUpdate, claimUpdate, completeUpdate, confirmUpdate, helpViewQuery, postedUpdate, verifyUpdate,
} from '../help-messages';
import { helpBodyRefusal, helpRefusal, parseZonedInstant } from '../help-rules';
import * as attrs from '../search-attributes';
import { StageClock } from '../whistle/stage-clock';
import { helpViewOf, iso, newHelp, recordOn } from './state';

const { deadlineAfter, planDeadlines } = proxyLocalActivities<DeadlineActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumInterval: '30 seconds' },
});

const { projectHelp } = proxyActivities<HelpActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
  summary: 'project help request to read model and notify',
});

const SYSTEM = 'system';
/** How long an action waits for its change to reach the read model before answering anyway. */
const PUBLISH_WAIT = '10 seconds';

export async function helpProcess(posting: HelpPosting): Promise<HelpView> {
  const h = newHelp(Date.now());
  /** The version the read model has. */
  let published = 0;
  const view = () => helpViewOf(h, posting);
  const clock = new StageClock({
    version: () => h.version,
    errand: () => null,
    // Every change is projected before the next wait: the action's answer waits for it.
    projection: { behind: () => h.version > published, dueNow: () => h.version > published, publish, urge: () => undefined },
    showDue: () => undefined,
    count: (items) => planDeadlines(items, true),
    recounted: (d, from, to, change) => record('deadline_recomputed', SYSTEM, `${d.what}: ${iso(from)} → ${iso(to)} (the holiday calendar changed)`,
      null, posting.communityId, { deadline: d.what, from: iso(from), to: iso(to), change }),
  });
  // Recorded before any handler can run, so the timeline always starts with the posting.
  record('posted', posting.requester.accountId, null, null, posting.communityId,
    { neededBy: posting.neededBy, place: posting.place, ...attachmentIdsOf(posting) });
  handleActions();

  // 1. 社区下单: the community verifies; past the time limit the street is reminded (once).
  await stage(() => h.status === 'pending_verification', 'help.verifyWithin', h.postedAt, 'verification reminder (help.verifyWithin)',
    () => record('verification_reminder', SYSTEM, 'the community has not verified the request in time', null, posting.streetId));
  while (!HELP_FINAL_STATUSES.includes(h.status)) {
    if (h.status === 'open') {
      // 2. On the board: unclaimed past the time limit, the community is told (once per opening).
      await stage(() => h.status === 'open', 'help.claimWithin', h.openedAt!, 'unclaimed notice (help.claimWithin)',
        () => record('unclaimed_notice', SYSTEM, 'nobody has taken the request yet', null, posting.communityId));
    } else if (h.status === 'claimed') {
      // 3. 报到: no check-in by the appointment plus the grace → back on the board, a no-show.
      await stage(() => h.status === 'claimed', 'help.checkInGrace', h.appointmentAt!, 'check-in deadline (appointment + help.checkInGrace)',
        releaseNoShow);
    } else if (h.status === 'completed') {
      // 4. 评价: the requester confirms and rates, or it closes by itself.
      await stage(() => h.status === 'completed', 'help.confirmWithin', h.completedAt!, 'confirmation window (help.confirmWithin)',
        () => close('confirmation_expired', SYSTEM, 'no confirmation within the window', {}));
    } else {
      // In service, no deadline; pending_verification cannot come back (a guard against a busy loop all the same).
      const status = h.status;
      clock.enter(Date.now(), []);
      await clock.hold(() => h.status === status);
    }
  }
  await clock.flush();
  await condition(allHandlersFinished);
  return view();

  /** A step with one deadline, `key` counted from `from`: held while `stillHere()`; `onMiss` when it passes first. */
  async function stage(stillHere: () => boolean, key: PolicyKeyName, from: number, summary: string, onMiss: () => void) {
    const at = Date.parse(await deadlineAfter(key, iso(from)));
    clock.enter(from, [{ what: key, key, from, at, summary, onMiss }]);
    await clock.hold(stillHere);
  }

  // ---- the handlers: one per action ----------------------------------------------------------
  function handleActions(): void {
    setHandler(helpViewQuery, () => view());
    setHandler(calendarChangedSignal, (change) => clock.calendarChanged(change?.changeId),
      { description: 'The holiday calendar changed: the pending working-day deadline is counted again ({"changeId": "…"})' });
    setHandler(postedUpdate, () => answer());

    setHandler(verifyUpdate, (actor, body) => {
      h.verifiedAt = Date.now();
      if (body.approve) {
        h.status = 'open';
        h.openedAt = Date.now();
        record('verified', actor.accountId, body.reason?.trim() || null, null, posting.streetId);
      } else {
        h.status = 'rejected';
        h.reason = body.reason!.trim();
        h.closedAt = Date.now();
        record('rejected', actor.accountId, h.reason, null, posting.requester.orgId);
      }
      return answer();
    }, { validator: validate('verify') });
    setHandler(claimUpdate, (actor, body) => {
      h.status = 'claimed';
      h.claimer = { accountId: actor.accountId, role: actor.role, orgId: actor.orgId };
      h.appointmentAt = parseZonedInstant(body.appointmentAt);
      h.appointmentPlace = body.place.trim();
      h.checkedInAt = null;
      record('claimed', actor.accountId, `${iso(h.appointmentAt!)} @ ${h.appointmentPlace}`, actor.accountId, actor.orgId, {
        appointmentAt: iso(h.appointmentAt!), place: h.appointmentPlace, role: actor.role,
      });
      return answer();
    }, { validator: validate('claim') });
    setHandler(checkInUpdate, (actor) => {
      h.status = 'in_service';
      h.checkedInAt = Date.now();
      record('checked_in', actor.accountId, null, actor.accountId, actor.orgId, { late: h.appointmentAt !== null && h.checkedInAt > h.appointmentAt });
      return answer();
    }, { validator: validate('check-in') });
    setHandler(completeUpdate, (actor, body) => {
      h.status = 'completed';
      h.completedAt = Date.now();
      h.serviceNote = body.note.trim();
      record('completed', actor.accountId, h.serviceNote, actor.accountId, actor.orgId, { role: actor.role, ...attachmentIdsOf(body) });
      return answer();
    }, { validator: validate('complete') });
    setHandler(confirmUpdate, (actor, body) => {
      h.rating = body.rating;
      h.comment = body.comment?.trim() || null;
      close('confirmed', actor.accountId, h.comment, { rating: body.rating });
      return answer();
    }, { validator: validate('confirm') });
    setHandler(cancelUpdate, (actor, body) => {
      h.status = 'cancelled';
      h.reason = body.reason.trim();
      h.closedAt = Date.now();
      record('cancelled', actor.accountId, h.reason, null, posting.communityId);
      return answer();
    }, { validator: validate('cancel') });
  }

  function validate(action: HelpAction) {
    return (actor: Actor, body?: unknown): void => {
      const state = { status: h.status, communityId: posting.communityId, streetId: posting.streetId,
        requesterId: posting.requester.accountId, claimer: h.claimer };
      const refused = helpRefusal(state, actor, action) ?? helpBodyRefusal(action, (body ?? {}) as Record<string, unknown>, Date.now());
      // The Chinese sentence travels as the failure's details (an update's refusal is not in the history).
      if (refused) throw ApplicationFailure.create({ type: refused.type, message: refused.message, details: [{ messageZh: refused.messageZh }], nonRetryable: true });
    };
  }

  /** An action's answer: waits until its change is projected (or a short while), then the view. */
  async function answer(): Promise<HelpView> {
    const mine = h.version;
    await condition(() => published >= mine, PUBLISH_WAIT);
    return view();
  }

  // ---- changes of state and what others see of them --------------------------------------------
  function record(type: HelpTimelineType, actor: string, note: string | null, subject: string | null, unit: string | null,
    data: Record<string, unknown> = {}) {
    recordOn(h, { type, actor, note, subject, unit, data, at: Date.now() });
  }

  function close(type: 'confirmed' | 'confirmation_expired', actor: string, note: string | null, data: Record<string, unknown>) {
    h.status = 'closed';
    h.closedAt = Date.now();
    record(type, actor, note, h.claimer?.accountId ?? null, h.claimer?.orgId ?? null, data);
  }

  function releaseNoShow() {
    const claimer = h.claimer!;
    h.noShows.push(claimer.accountId);
    h.status = 'open';
    h.openedAt = Date.now();
    h.claimer = null;
    h.appointmentAt = null;
    h.appointmentPlace = null;
    record('no_show', SYSTEM, `${claimer.accountId} did not check in; back on the board`, claimer.accountId, claimer.orgId, { role: claimer.role });
  }

  /** Read model, notifications, search attributes and the Temporal UI's current details. */
  async function publish(): Promise<void> {
    const target = h.version;
    upsertSearchAttributes([{ key: attrs.HelpStatus, value: h.status }]);
    setCurrentDetails(
      `**Status:** ${h.status} · **Community:** ${posting.communityId}  \n` +
      `**Claimer:** ${h.claimer ? `${h.claimer.accountId} (${h.claimer.role})` : '—'}` +
      ` · **Appointment:** ${h.appointmentAt === null ? '—' : `${iso(h.appointmentAt)} @ ${h.appointmentPlace}`}  \n` +
      `**No-shows:** ${h.noShows.join(', ') || '—'}${h.rating === null ? '' : ` · **Rating:** ${h.rating}/5`}`,
    );
    await projectHelp({ version: target, view: view(), requesterOrgId: posting.requester.orgId, claimerOrgId: h.claimer?.orgId ?? null, events: [...h.events] });
    published = Math.max(published, target);
  }
}
