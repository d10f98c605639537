/**
 * FROZEN: the whistle workflow from before the API planned the deadlines (no `second-round`
 * marker, PLANNED_DEADLINES in ../versions.ts): each stage asks for its deadline, every change
 * is published before the action answers, and there are no warnings, extensions or merges.
 * Whistles whose history has neither that marker nor `lean-tasks` replay and finish on this
 * code; new whistles run ../process.ts. Change nothing here that changes the commands it issues
 * (timers, activities, search attributes): recorded histories in test/histories/ replay it.
 *
 * The whistle (吹哨报到) as one durable workflow, in the order the process runs:
 *
 *   1. the community blows the whistle; its street office must answer first (镇街优先报到):
 *      accept, handle, resolve — or escalate; the street's handling deadline escalates by itself;
 *   2. the district service center sorts it into one of the three lists (三单) and dispatches
 *      departments with a lead unit (牵头单位) (精准派单);
 *   3. the departments report (报到), handle it, the lead resolves; a department may return it;
 *   4. the filing community evaluates (群众评单); "unsatisfied" reopens it, silence closes it.
 *
 * Actions arrive as updates whose validators refuse before any state changes. Every change is
 * published by the main loop: read model and notifications (local activity), search attributes
 * and the Temporal UI's current details.
 */
import {
  ApplicationFailure, condition, defineUpdate, log, patched, proxyActivities, proxyLocalActivities, setCurrentDetails, setHandler,
  upsertSearchAttributes, allHandlersFinished,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { DeadlineActivities, WhistleActivities } from '../../../activities/types';
import {
  type Actor, type DepartmentStatus, type EvaluateBody, FINAL_STATUSES, type Filing, type List, type NoteBody,
  type Outcome, type PolicyKeyName, type Rating, type ReasonBody, type ResolveBody, type TriageBody,
  type WhistleAction, type WhistleEvent, type WhistleProjection, type WhistleView, type WhistleTimelineType,
} from '../../../domain';
import { escalateSignal, projectionQuery, viewQuery } from '../../messages';
import { bodyRefusal, refusal, type RuleState } from '../../rules';
import * as attrs from '../../search-attributes';

// The first round's updates: each answered the whole view once the read model had it.
const acceptUpdate = defineUpdate<WhistleView, [Actor]>('accept');
const progressUpdate = defineUpdate<WhistleView, [Actor, NoteBody]>('progress');
const resolveUpdate = defineUpdate<WhistleView, [Actor, ResolveBody]>('resolve');
const escalateUpdate = defineUpdate<WhistleView, [Actor, ReasonBody]>('escalate');
const triageUpdate = defineUpdate<WhistleView, [Actor, TriageBody]>('triage');
const returnUpdate = defineUpdate<WhistleView, [Actor, ReasonBody]>('return');
const urgeUpdate = defineUpdate<WhistleView, [Actor, NoteBody]>('urge');
const evaluateUpdate = defineUpdate<WhistleView, [Actor, EvaluateBody]>('evaluate');
const withdrawUpdate = defineUpdate<WhistleView, [Actor, ReasonBody]>('withdraw');
const filedUpdate = defineUpdate<WhistleView, [Actor]>('filed');

/** The second round's fields, as a whistle of the first round shows them. */
function secondRoundFields(events: WhistleEvent[]): Omit<WhistleView, keyof FirstRoundView> {
  return {
    dueSoon: false, extension: null, returns: events.filter((e) => e.type === 'returned').length, finalDispatch: false,
    duplicateOf: null, duplicates: [], reports: 1, allowedActions: [], possibleDuplicates: [], suggestion: null,
    source: 'community', callback: null, knowledge: [],
  };
}
type FirstRoundView = Pick<WhistleView, 'id' | 'title' | 'description' | 'category' | 'urgent' | 'location' | 'status' | 'list'
  | 'communityId' | 'streetId' | 'filerOrgId' | 'holder' | 'departments' | 'dueAt' | 'overdue' | 'reopenCount' | 'filedAt'
  | 'resolvedAt' | 'closedAt' | 'result' | 'outcome' | 'evaluation' | 'timeline'>;

const { deadlineAfter, policyNumbers } = proxyLocalActivities<DeadlineActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumInterval: '30 seconds' },
  summary: 'deadline from the policy and the working-day calendar',
});

/**
 * The projection (read model, timeline, notifications). A projection takes milliseconds; a short
 * timeout means a worker killed mid-projection delays this whistle by seconds, not half a minute.
 */
const PROJECTION = {
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
  summary: 'project whistle to read model and notify',
} as const;

/**
 * Since `projection-as-local-activity`, the projection runs as a local activity: inside the
 * workflow task that made the change, on the same worker, with no trip through the server's
 * task queues (an action answered in 89–130 ms at p50, now in 33–39 ms; docs/PERFORMANCE.md).
 * Whistles whose histories scheduled it as an activity keep doing so on replay.
 */
const { projectWhistle: projectWhistleLocally } = proxyLocalActivities<WhistleActivities>(PROJECTION);
const { projectWhistle: projectWhistleAsActivity } = proxyActivities<WhistleActivities>(PROJECTION);
const PROJECTION_AS_LOCAL_ACTIVITY = 'projection-as-local-activity';

const SYSTEM = 'system';
/** How long an action waits for its change to reach the read model before answering anyway. */
const PUBLISH_WAIT = '10 seconds';

interface Deadline { at: number; summary: string; onMiss: () => void | Promise<void> }

/** The filing's instant as the API recorded it, never later than now; else this first task's time. */
function filingInstant(filing: Filing): number {
  const at = typeof filing.filedAt === 'string' ? Date.parse(filing.filedAt) : NaN;
  return Number.isFinite(at) ? Math.min(at, Date.now()) : Date.now();
}

export async function firstRoundWhistle(filing: Filing): Promise<WhistleView> {
  // ---- state -------------------------------------------------------------------------------
  const w: RuleState & {
    list: List | null; holder: string | null; dueAt: number | null; overdue: boolean; reopenCount: number;
    filedAt: number; resolvedAt: number | null; closedAt: number | null; result: string | null; outcome: Outcome | null;
    evaluation: { rating: Rating; comment: string | null; at: string } | null;
  } = {
    status: 'filed',
    filerOrgId: filing.filerOrgId,
    communityId: filing.communityId,
    compoundId: filing.location.compoundId,
    streetId: filing.streetId,
    departments: [],
    seenByDepartments: [],
    list: null,
    holder: filing.streetId,
    dueAt: null,
    overdue: false,
    reopenCount: 0,
    filedAt: filingInstant(filing),
    resolvedAt: null,
    closedAt: null,
    result: null,
    outcome: null,
    evaluation: null,
  };
  const events: WhistleEvent[] = [];
  /** Grows with every change; `published` is the version the read model has. */
  let version = 0;
  let published = 0;
  /** Deadlines of the current stage, kept for the on-time facts of the assessment. */
  let stageDeadlines: { accept?: number; finish?: number } = {};
  let lastProgressAt = w.filedAt;
  /** From the policy, read once below; an unsatisfied evaluation reopens at most this often. */
  let maxReopens = 1;

  const iso = (ms: number) => new Date(ms).toISOString();

  // Workflow time stands still during a workflow task, and a timer starts when the task ends:
  // after a projection (a local activity, in the same task) a timer counted from workflow time
  // would fire late by the projection's duration. `now()` adds the time this task's projections
  // took, as they measured it (never a clock of their own, so no clock skew can make a
  // deadline fire early).
  let taskAt = 0;
  let spentInTask = 0;
  function now(): number {
    return Date.now() === taskAt ? Date.now() + spentInTask : Date.now();
  }
  function spent(ms: unknown): void {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms <= 0) return;
    if (Date.now() !== taskAt) { taskAt = Date.now(); spentInTask = 0; }
    spentInTask += ms;
  }

  function record(type: WhistleTimelineType, actor: string, note: string | null, unit: string | null, data: Record<string, unknown> = {},
    at = Date.now()) {
    events.push({ seq: events.length + 1, at: iso(at), type, actor, note, unit, data });
    version++;
  }

  function view(): WhistleView {
    return {
      id: filing.id, title: filing.title, description: filing.description, category: filing.category,
      urgent: filing.urgent, location: filing.location, status: w.status, list: w.list,
      communityId: w.communityId, streetId: w.streetId, filerOrgId: w.filerOrgId, holder: w.holder,
      departments: w.departments.map((d) => ({ ...d })),
      dueAt: w.dueAt === null ? null : iso(w.dueAt), overdue: w.overdue, reopenCount: w.reopenCount,
      filedAt: iso(w.filedAt), resolvedAt: w.resolvedAt === null ? null : iso(w.resolvedAt),
      closedAt: w.closedAt === null ? null : iso(w.closedAt), result: w.result, outcome: w.outcome,
      evaluation: w.evaluation,
      timeline: events.map(({ at, type, actor, note }) => ({ at, type, actor, note })),
      ...secondRoundFields(events),
    };
  }

  /** The read model's rows for the current state: the whistle, its timeline and its facts. */
  function projection(): WhistleProjection {
    return {
      version, view: view(), seenByDepartments: [...w.seenByDepartments],
      reporterName: filing.reporter?.name ?? null, events: [...events],
    };
  }

  async function deadline(key: PolicyKeyName, from: number): Promise<number> {
    return Date.parse(await deadlineAfter(key, iso(from)));
  }

  // ---- publishing: read model, notifications, search attributes, UI details ---------------
  async function publish(): Promise<void> {
    const target = projection();
    const pairs: SearchAttributeUpdatePair[] = [
      { key: attrs.WhistleStatus, value: w.status },
      { key: attrs.WhistleList, value: w.list },
      { key: attrs.DepartmentIds, value: w.departments.map((d) => d.id) },
      { key: attrs.DueAt, value: w.dueAt === null ? null : new Date(w.dueAt) },
      { key: attrs.Overdue, value: w.overdue },
    ];
    upsertSearchAttributes(pairs);
    setCurrentDetails(
      `**Status:** ${w.status}${w.list ? ` · **List:** ${w.list}` : ''}  \n` +
      `**Holder:** ${w.holder ?? '—'} · **Due:** ${target.view.dueAt ?? '—'} · **Overdue:** ${w.overdue ? 'yes' : 'no'}  \n` +
      `**Departments:** ${w.departments.map((d) => `${d.id}${d.lead ? ' (lead)' : ''}: ${d.status}`).join(', ') || '—'}` +
      ` · **Reopened:** ${w.reopenCount}`,
    );
    const local = patched(PROJECTION_AS_LOCAL_ACTIVITY);
    const took = await (local ? projectWhistleLocally : projectWhistleAsActivity)(target);
    if (local) spent(took);
    published = Math.max(published, target.version);
  }

  /**
   * Stays in the current stage while `stillHere()` holds: publishes every change, and runs each
   * deadline's consequence when it passes first. Deadlines can be added while waiting.
   */
  async function hold(stillHere: () => boolean, deadlines: Deadline[]): Promise<void> {
    for (;;) {
      if (!stillHere()) return;
      if (version > published) { await publish(); continue; }
      deadlines.sort((a, b) => a.at - b.at);
      const next = deadlines[0];
      const changed = () => !stillHere() || version > published;
      if (!next) { await condition(changed); continue; }
      const woke = await condition(changed, Math.max(next.at - now(), 1), { summary: next.summary });
      if (!woke) {
        deadlines.shift();
        await next.onMiss();
      }
    }
  }

  /** An action's answer: waits until its change is published (or a short while), then the view. */
  async function answer(): Promise<WhistleView> {
    const mine = version;
    await condition(() => published >= mine, PUBLISH_WAIT, { summary: 'action waits for the read model' });
    return view();
  }

  function markOverdue(unit: string, what: string, note: string) {
    w.overdue = true;
    record('overdue', SYSTEM, note, unit, { deadline: what });
  }

  // ---- transitions ------------------------------------------------------------------------
  function escalateToCenter(actor: string, type: 'escalated' | 'deadline_escalation' | 'reopened', reason: string) {
    const street = w.status === 'filed' || w.status === 'street_handling';
    w.status = 'escalated';
    w.holder = 'center';
    w.overdue = false;
    record(type, actor, reason, street ? w.streetId : 'center', { from: street ? 'street' : 'community' });
  }

  function validate(action: WhistleAction) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return (actor: Actor, body?: any): void => {
      const refused = refusal(w, actor, action) ?? bodyRefusal(action, (body ?? {}) as Record<string, unknown>);
      if (refused) throw ApplicationFailure.create({ type: refused.type, message: refused.message, nonRetryable: true });
    };
  }

  // Recorded before any handler can run, so the timeline always starts with the filing.
  record('filed', filing.filedBy, null, w.streetId, { urgent: filing.urgent }, w.filedAt);

  // ---- handlers ---------------------------------------------------------------------------
  setHandler(viewQuery, () => view(), { description: 'The whistle view: status, holder, departments, deadlines, timeline' });
  setHandler(projectionQuery, () => projection(), { description: 'What the read model holds for the current state (reconcile --repair)' });

  setHandler(filedUpdate, () => answer());

  setHandler(acceptUpdate, (actor) => {
    if (actor.role === 'street') {
      w.status = 'street_handling';
      record('accepted', actor.accountId, null, w.streetId, { onTime: Date.now() <= (stageDeadlines.accept ?? Infinity) });
    } else {
      const dept = w.departments.find((d) => d.id === actor.orgId)!;
      dept.status = 'handling';
      w.status = 'department_handling';
      record('accepted', actor.accountId, null, dept.id, { onTime: Date.now() <= (stageDeadlines.accept ?? Infinity) });
    }
    lastProgressAt = Date.now();
    return answer();
  }, { validator: validate('accept') });

  setHandler(progressUpdate, (actor, body) => {
    record('progress', actor.accountId, body.note, actor.orgId);
    lastProgressAt = Date.now();
    return answer();
  }, { validator: validate('progress') });

  setHandler(resolveUpdate, (actor, body) => {
    const now = Date.now();
    const onTime = now <= (stageDeadlines.finish ?? Infinity);
    w.status = 'resolved';
    w.holder = w.filerOrgId;
    w.resolvedAt = now;
    w.result = body.result;
    w.outcome = body.outcome ?? (w.list === 'understanding' ? 'explained' : 'solved');
    for (const d of w.departments) if (d.status === 'handling' || d.status === 'dispatched') d.status = 'resolved';
    record('resolved', actor.accountId, body.result, actor.orgId, { outcome: w.outcome, onTime, list: w.list });
    return answer();
  }, { validator: validate('resolve') });

  setHandler(escalateUpdate, (actor, body) => {
    escalateToCenter(actor.accountId, 'escalated', body.reason);
    return answer();
  }, { validator: validate('escalate') });

  setHandler(escalateSignal, (input) => {
    if (w.status !== 'filed' && w.status !== 'street_handling') {
      log.warn('escalate signal ignored: the whistle is no longer with the street', { status: w.status, by: input?.by });
      return;
    }
    const by = typeof input?.by === 'string' && input.by ? input.by : 'operator';
    const reason = typeof input?.reason === 'string' && input.reason ? input.reason : 'escalated by a supervisor';
    escalateToCenter(by, 'escalated', reason);
  }, { description: 'Supervisor escalation from the CLI or UI: {"by": "<account id>", "reason": "..."}' });

  setHandler(triageUpdate, (actor, body) => {
    const lead = body.leadDepartmentId ?? body.departmentIds[0];
    w.status = 'dispatched';
    w.list = body.list;
    w.departments = body.departmentIds.map((id) => ({ id, lead: id === lead, status: 'dispatched' as DepartmentStatus }));
    for (const id of body.departmentIds) if (!w.seenByDepartments.includes(id)) w.seenByDepartments.push(id);
    w.holder = lead;
    w.overdue = false;
    record('triaged', actor.accountId, body.note ?? null, 'center', { list: body.list, departmentIds: body.departmentIds, lead });
    return answer();
  }, { validator: validate('triage') });

  setHandler(returnUpdate, (actor, body) => {
    const dept = w.departments.find((d) => d.id === actor.orgId)!;
    dept.status = 'returned';
    w.status = 'escalated';
    w.holder = 'center';
    w.overdue = false;
    record('returned', actor.accountId, body.reason, dept.id);
    return answer();
  }, { validator: validate('return') });

  setHandler(urgeUpdate, (actor, body) => {
    record('urged', actor.accountId, body.note, w.holder);
    return answer();
  }, { validator: validate('urge') });

  setHandler(evaluateUpdate, (actor, body) => {
    const at = iso(Date.now());
    const resolver = [...events].reverse().find((e) => e.type === 'resolved')?.unit ?? null;
    w.evaluation = { rating: body.rating, comment: body.comment ?? null, at };
    record('evaluated', actor.accountId, body.comment ?? null, resolver, { rating: body.rating });
    if (body.rating === 'unsatisfied' && w.reopenCount < maxReopens) {
      w.reopenCount++;
      w.resolvedAt = null;
      w.evaluation = null;
      escalateToCenter(SYSTEM, 'reopened', 'the whistle-blower is unsatisfied; back to the center');
    } else {
      close('closed', actor.accountId, null);
    }
    return answer();
  }, { validator: validate('evaluate') });

  setHandler(withdrawUpdate, (actor, body) => {
    w.status = 'withdrawn';
    w.holder = null;
    w.dueAt = null;
    w.closedAt = Date.now();
    record('withdrawn', actor.accountId, body.reason, w.streetId);
    return answer();
  }, { validator: validate('withdraw') });

  function close(type: 'closed' | 'evaluation_expired', actor: string, note: string | null) {
    w.status = 'closed';
    w.holder = null;
    w.dueAt = null;
    w.closedAt = Date.now();
    record(type, actor, note, null);
  }

  // ---- the process --------------------------------------------------------------------------
  maxReopens = (await policyNumbers()).maxReopens;

  // 1. The street answers first (镇街优先报到).
  const acceptDue = await deadline(filing.urgent ? 'street.acceptWithinUrgent' : 'street.acceptWithin', w.filedAt);
  const handleDue = await deadline('street.handleWithin', w.filedAt);
  stageDeadlines = { accept: acceptDue, finish: handleDue };
  w.dueAt = handleDue;
  version++;
  const withStreet = () => w.status === 'filed' || w.status === 'street_handling';
  await hold(withStreet, [
    {
      at: acceptDue, summary: 'street acceptance deadline',
      onMiss: () => { if (w.status === 'filed') markOverdue(w.streetId, 'street.accept', 'the street office has not accepted in time'); },
    },
    {
      at: handleDue, summary: 'street handling deadline',
      onMiss: () => { if (withStreet()) escalateToCenter(SYSTEM, 'deadline_escalation', 'the street handling deadline passed'); },
    },
  ]);

  while (!FINAL_STATUSES.includes(w.status)) {
    if (w.status === 'escalated') {
      // 2. The center sorts it into a list and dispatches (三单管理, 精准派单).
      const triageDue = await deadline('center.triageWithin', Date.now());
      stageDeadlines = { finish: triageDue };
      w.dueAt = triageDue;
      version++;
      await hold(() => w.status === 'escalated', [{
        at: triageDue, summary: 'center triage deadline',
        onMiss: () => { if (w.status === 'escalated') markOverdue('center', 'center.triage', 'the center has not triaged in time'); },
      }]);
    } else if (w.status === 'dispatched' || w.status === 'department_handling') {
      await departmentsHandle();
    } else if (w.status === 'resolved') {
      // 4. The whistle-blower evaluates (群众评单) within the window.
      const windowEnds = await deadline('evaluation.window', w.resolvedAt ?? Date.now());
      w.dueAt = windowEnds;
      version++;
      await hold(() => w.status === 'resolved', [{
        at: windowEnds, summary: 'evaluation window',
        onMiss: () => { if (w.status === 'resolved') close('evaluation_expired', SYSTEM, 'no evaluation within the window'); },
      }]);
    }
  }

  // 3. Departments report, handle and the lead resolves, under the list's deadline.
  async function departmentsHandle(): Promise<void> {
    const triagedAt = Date.now();
    const list = w.list!;
    const acceptBy = await deadline('department.acceptWithin', triagedAt);
    const finishBy = await deadline(`lists.${list}`, triagedAt);
    stageDeadlines = { accept: acceptBy, finish: finishBy };
    w.dueAt = finishBy;
    version++;
    const handling = () => w.status === 'dispatched' || w.status === 'department_handling';
    const deadlines: Deadline[] = [
      {
        at: acceptBy, summary: 'department acceptance deadline',
        onMiss: () => {
          const late = w.departments.filter((d) => d.status === 'dispatched').map((d) => d.id);
          if (late.length > 0 && handling()) {
            w.overdue = true;
            for (const id of late) record('overdue', SYSTEM, 'the department has not accepted in time', id, { deadline: 'department.accept' });
          }
        },
      },
      {
        at: finishBy, summary: `${list} list deadline`,
        onMiss: () => {
          const lead = w.departments.find((d) => d.lead)!;
          if (handling()) markOverdue(lead.id, `lists.${list}`, `the ${list} list deadline passed`);
        },
      },
    ];
    if (list === 'phased') {
      // 阶段性事项: the holder reports progress every period, or is reminded.
      const remind = async (): Promise<void> => {
        const from = lastProgressAt;
        const at = await deadline('phased.progressEvery', from);
        deadlines.push({
          at, summary: 'phased progress reminder',
          onMiss: async () => {
            if (lastProgressAt === from && handling()) {
              record('reminder', SYSTEM, 'no progress reported for the period', w.holder);
              lastProgressAt = Date.now();
            }
            await remind();
          },
        });
      };
      await remind();
    }
    await hold(handling, deadlines);
  }

  await publish();
  await condition(allHandlersFinished);
  return view();
}
