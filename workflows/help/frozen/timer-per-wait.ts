/**
 * FROZEN: the help request workflow as it runs for requests whose history has no
 * `help-timer-per-deadline` marker (TIMER_PER_DEADLINE in ../versions.ts): each wait starts the
 * stage's deadline timer anew and cancels it when anything changes. Change nothing here that
 * changes the commands it issues: the help histories in test/histories/ without that marker
 * replay it. New requests run ../process.ts, on the stage clock.
 */
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
 * Actions arrive as updates whose validators refuse before any state changes. Every change is
 * published by the main loop: read model and notifications (activity), search attributes and
 * the Temporal UI's current details.
 */
import {
  ApplicationFailure, allHandlersFinished, condition, patched, proxyActivities, proxyLocalActivities, setCurrentDetails,
  setHandler, upsertSearchAttributes,
} from '@temporalio/workflow';
import type { DeadlineActivities, HelpActivities } from '../../../activities/types';
import {
  type Actor, HELP_FINAL_STATUSES, type HelpAction, type HelpClaimer, type HelpEvent, type HelpPosting,
  type HelpStatus, type HelpView, type PolicyKeyName, type HelpTimelineType,
} from '../../../domain';
import { calendarChangedSignal } from '../../messages';
import {
  cancelUpdate, checkInUpdate, claimUpdate, completeUpdate, confirmUpdate, helpViewQuery, postedUpdate, verifyUpdate,
} from '../../help-messages';
import { helpBodyRefusal, helpRefusal, parseZonedInstant } from '../../help-rules';
import * as attrs from '../../search-attributes';

const { deadlineAfter, planDeadlines } = proxyLocalActivities<DeadlineActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumInterval: '30 seconds' },
});

/** Since this patch a calendar change counts the pending working-day deadline again. */
const CALENDAR_CHANGES = 'help-calendar-changes';

const { projectHelp } = proxyActivities<HelpActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
  summary: 'project help request to read model and notify',
});

const SYSTEM = 'system';
/** How long an action waits for its change to reach the read model before answering anyway. */
const PUBLISH_WAIT = '10 seconds';

/** A deadline of the current stage; `key` and `from` let a calendar change count it again. */
interface Timer { at: number; summary: string; onMiss: () => void; key: PolicyKeyName; from: number }

export async function help(posting: HelpPosting): Promise<HelpView> {
  // ---- state -------------------------------------------------------------------------------
  const h = {
    status: 'pending_verification' as HelpStatus,
    claimer: null as HelpClaimer | null,
    appointmentAt: null as number | null,
    appointmentPlace: null as string | null,
    postedAt: Date.now(),
    verifiedAt: null as number | null,
    checkedInAt: null as number | null,
    completedAt: null as number | null,
    closedAt: null as number | null,
    reason: null as string | null,
    serviceNote: null as string | null,
    rating: null as number | null,
    comment: null as string | null,
    noShows: [] as string[],
  };
  const events: HelpEvent[] = [];
  /** Grows with every change; `published` is the version the read model has. */
  let version = 0;
  let published = 0;
  /** A calendar change to apply (npm run holidays -- import), and those applied already. */
  let pendingCalendarChange: string | null = null;
  const appliedCalendarChanges: string[] = [];

  const iso = (ms: number) => new Date(ms).toISOString();
  const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

  function record(type: HelpTimelineType, actor: string, note: string | null, subject: string | null, unit: string | null,
    data: Record<string, unknown> = {}) {
    events.push({ seq: events.length + 1, at: iso(Date.now()), type, actor, note, subject, unit, data });
    version++;
  }

  function view(): HelpView {
    return {
      id: posting.id, title: posting.title, description: posting.description,
      communityId: posting.communityId, streetId: posting.streetId, status: h.status,
      requester: { accountId: posting.requester.accountId },
      neededBy: posting.neededBy,
      place: h.appointmentPlace ?? posting.place, requestedPlace: posting.place,
      claimer: h.claimer ? { accountId: h.claimer.accountId, role: h.claimer.role } : null,
      appointmentAt: isoOrNull(h.appointmentAt), appointmentPlace: h.appointmentPlace,
      postedAt: iso(h.postedAt), verifiedAt: isoOrNull(h.verifiedAt), checkedInAt: isoOrNull(h.checkedInAt),
      completedAt: isoOrNull(h.completedAt), closedAt: isoOrNull(h.closedAt),
      reason: h.reason, serviceNote: h.serviceNote, rating: h.rating, comment: h.comment,
      noShows: [...h.noShows],
      timeline: events.map(({ at, type, actor, note }) => ({ at, type, actor, note })),
    };
  }

  function ruleState() {
    return {
      status: h.status, communityId: posting.communityId, streetId: posting.streetId,
      requesterId: posting.requester.accountId, claimer: h.claimer,
    };
  }

  async function deadline(key: PolicyKeyName, from: number): Promise<number> {
    return Date.parse(await deadlineAfter(key, iso(from)));
  }

  // ---- publishing: read model, notifications, search attributes, UI details ---------------
  async function publish(): Promise<void> {
    const target = version;
    upsertSearchAttributes([{ key: attrs.HelpStatus, value: h.status }]);
    setCurrentDetails(
      `**Status:** ${h.status} · **Community:** ${posting.communityId}  \n` +
      `**Claimer:** ${h.claimer ? `${h.claimer.accountId} (${h.claimer.role})` : '—'}` +
      ` · **Appointment:** ${h.appointmentAt === null ? '—' : `${iso(h.appointmentAt)} @ ${h.appointmentPlace}`}  \n` +
      `**No-shows:** ${h.noShows.join(', ') || '—'}${h.rating === null ? '' : ` · **Rating:** ${h.rating}/5`}`,
    );
    await projectHelp({
      version: target, view: view(), requesterOrgId: posting.requester.orgId,
      claimerOrgId: h.claimer?.orgId ?? null, events: [...events],
    });
    published = Math.max(published, target);
  }

  /**
   * Stays in the current stage while `stillHere()` holds: publishes every change, and runs each
   * timer's consequence when it passes first.
   */
  async function hold(stillHere: () => boolean, timers: Timer[]): Promise<void> {
    for (;;) {
      if (pendingCalendarChange !== null) { await recountDeadlines(timers); continue; }
      if (!stillHere()) return;
      if (version > published) { await publish(); continue; }
      const next = timers[0];
      const changed = () => !stillHere() || version > published || pendingCalendarChange !== null;
      if (!next) { await condition(changed); continue; }
      const woke = await condition(changed, Math.max(next.at - Date.now(), 1), { summary: next.summary });
      if (!woke) {
        timers.shift();
        next.onMiss();
      }
    }
  }

  /** The calendar changed: the stage's pending deadline counted again from the same instant. */
  async function recountDeadlines(timers: Timer[]) {
    const changeId = pendingCalendarChange!;
    pendingCalendarChange = null;
    if (!patched(CALENDAR_CHANGES)) return;
    appliedCalendarChanges.push(changeId);
    if (appliedCalendarChanges.length > 20) appliedCalendarChanges.shift();
    if (timers.length === 0) return;
    const ats = await planDeadlines(timers.map((t) => ({ key: t.key, from: iso(t.from) })), true);
    timers.forEach((t, i) => {
      const at = Date.parse(ats[i]);
      if (at === t.at) return;
      record('deadline_recomputed', SYSTEM, `${t.key}: ${iso(t.at)} → ${iso(at)} (the holiday calendar changed)`, null,
        posting.communityId, { deadline: t.key, from: iso(t.at), to: iso(at), change: changeId });
      t.at = at;
    });
  }

  /** An action's answer: waits until its change is published (or a short while), then the view. */
  async function answer(): Promise<HelpView> {
    const mine = version;
    await condition(() => published >= mine, PUBLISH_WAIT);
    return view();
  }

  function validate(action: HelpAction) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return (actor: Actor, body?: any): void => {
      const refused = helpRefusal(ruleState(), actor, action)
        ?? helpBodyRefusal(action, (body ?? {}) as Record<string, unknown>, Date.now());
      // The Chinese sentence travels as the failure's details, as in the whistle's frozen code (a validator's refusal is not in the history).
      if (refused) throw ApplicationFailure.create({ type: refused.type, message: refused.message, details: [{ messageZh: refused.messageZh }], nonRetryable: true });
    };
  }

  function close(type: 'confirmed' | 'confirmation_expired', actor: string, note: string | null, data: Record<string, unknown>) {
    h.status = 'closed';
    h.closedAt = Date.now();
    record(type, actor, note, h.claimer?.accountId ?? null, h.claimer?.orgId ?? null, data);
  }

  // Recorded before any handler can run, so the timeline always starts with the posting.
  record('posted', posting.requester.accountId, null, null, posting.communityId, {
    neededBy: posting.neededBy, place: posting.place,
  });

  // ---- handlers ---------------------------------------------------------------------------
  setHandler(helpViewQuery, () => view());

  setHandler(calendarChangedSignal, (change) => {
    if (typeof change?.changeId === 'string' && !appliedCalendarChanges.includes(change.changeId)) pendingCalendarChange = change.changeId;
  }, { description: 'The holiday calendar changed: the pending working-day deadline is counted again ({"changeId": "…"})' });

  setHandler(postedUpdate, () => answer());

  setHandler(verifyUpdate, (actor, body) => {
    h.verifiedAt = Date.now();
    if (body.approve) {
      h.status = 'open';
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
    record('checked_in', actor.accountId, null, actor.accountId, actor.orgId, {
      late: h.appointmentAt !== null && h.checkedInAt > h.appointmentAt,
    });
    return answer();
  }, { validator: validate('check-in') });

  setHandler(completeUpdate, (actor, body) => {
    h.status = 'completed';
    h.completedAt = Date.now();
    h.serviceNote = body.note.trim();
    record('completed', actor.accountId, h.serviceNote, actor.accountId, actor.orgId, { role: actor.role });
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

  // ---- the process --------------------------------------------------------------------------
  // 1. 社区下单: the community verifies; past the time limit the street is reminded (once).
  const verifyBy = await deadline('help.verifyWithin', h.postedAt);
  await hold(() => h.status === 'pending_verification', [{
    at: verifyBy, key: 'help.verifyWithin', from: h.postedAt, summary: 'verification reminder (help.verifyWithin)',
    onMiss: () => record('verification_reminder', SYSTEM, 'the community has not verified the request in time',
      null, posting.streetId),
  }]);

  while (!HELP_FINAL_STATUSES.includes(h.status)) {
    if (h.status === 'open') {
      // 2. On the board: unclaimed past the time limit, the community is told (once per opening).
      const openedAt = Date.now();
      const claimBy = await deadline('help.claimWithin', openedAt);
      await hold(() => h.status === 'open', [{
        at: claimBy, key: 'help.claimWithin', from: openedAt, summary: 'unclaimed notice (help.claimWithin)',
        onMiss: () => record('unclaimed_notice', SYSTEM, 'nobody has taken the request yet', null, posting.communityId),
      }]);
    } else if (h.status === 'claimed') {
      // 3. 报到: no check-in by the appointment plus the grace → back on the board, a no-show.
      const checkInBy = await deadline('help.checkInGrace', h.appointmentAt!);
      await hold(() => h.status === 'claimed', [{
        at: checkInBy, key: 'help.checkInGrace', from: h.appointmentAt!, summary: 'check-in deadline (appointment + help.checkInGrace)',
        onMiss: releaseNoShow,
      }]);
    } else if (h.status === 'in_service') {
      await hold(() => h.status === 'in_service', []);
    } else if (h.status === 'completed') {
      // 4. 评价: the requester confirms and rates, or it closes by itself.
      const confirmBy = await deadline('help.confirmWithin', h.completedAt!);
      await hold(() => h.status === 'completed', [{
        at: confirmBy, key: 'help.confirmWithin', from: h.completedAt!, summary: 'confirmation window (help.confirmWithin)',
        onMiss: () => close('confirmation_expired', SYSTEM, 'no confirmation within the window', {}),
      }]);
    } else {
      // pending_verification cannot come back; guard against a silent busy loop all the same.
      await hold(() => h.status === 'pending_verification', []);
    }
  }

  function releaseNoShow() {
    const claimer = h.claimer!;
    h.noShows.push(claimer.accountId);
    h.status = 'open';
    h.claimer = null;
    h.appointmentAt = null;
    h.appointmentPlace = null;
    record('no_show', SYSTEM, `${claimer.accountId} did not check in; back on the board`, claimer.accountId, claimer.orgId,
      { role: claimer.role });
  }

  await publish();
  await condition(allHandlersFinished);
  return view();
}
