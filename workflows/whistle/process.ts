/**
 * The whistle (吹哨报到) as one durable workflow, in the order the process runs:
 *
 *   1. the community blows the whistle; its street office must answer first (镇街优先报到):
 *      accept, handle, resolve — or escalate; the street's handling deadline escalates by itself;
 *   2. the district service center sorts it into one of the three lists (三单) and dispatches
 *      departments with a lead unit (牵头单位) (精准派单);
 *   3. the departments report (报到), handle it, the lead resolves; a department may return it
 *      (退单), until the center's dispatch is final (终审);
 *   4. the filing community evaluates (群众评单); "unsatisfied" reopens it, silence closes it; the
 *      center may call the reporter back (回访, callbacks.ts; with `staysForCallback`, STAYS_FOR_CALLBACK).
 * A proactive whistle (未诉先办) is filed by the center dispatched: it starts at 3.
 *
 * Then the handlers, one per action: updates whose validators refuse before any state changes
 * (actions.ts). Along the way, the 12345 centers' tools: a warning before each handling deadline
 * (临期预警), extension requests the center decides (延期申请), repeated reports merged into one
 * (重复件合并, merging.ts), deadlines counted again when the holiday calendar changes. Each
 * stage's deadlines come from the API's plan or the deadline activity (plans.ts) and are kept by
 * the stage clock (stage-clock.ts); what others see is publishing.ts's.
 */
import { allHandlersFinished, condition, log, setHandler } from '@temporalio/workflow';
import { type DepartmentStatus, FINAL_STATUSES, type Filing, type PlannedDeadline, type WhistleView } from '../../domain';
import {
  acceptUpdate, calendarChangedSignal, callbackUpdate, decideExtensionUpdate, escalateSignal, escalateUpdate, evaluateUpdate, filedUpdate,
  mergeUpdate, progressUpdate, projectionQuery, requestExtensionUpdate, resolveUpdate, returnUpdate,
  triageUpdate, urgeUpdate, viewQuery, withdrawUpdate,
} from '../messages';
import { extensionUntilRefusal, returnRulingRefusal } from '../rules';
import { actionHandlers } from './actions';
import { Callbacks } from './callbacks';
import { SYSTEM, WhistleChanges } from './changes';
import { Merging } from './merging';
import { Plans, planDeadlines, whistleLimits } from './plans';
import { Publisher } from './publishing';
import { type Deadline, deadlineOf, StageClock } from './stage-clock';
import { actionResultOf, iso, newWhistle, plannedAt, projectionOf, viewOf } from './state';

export async function whistleProcess(filing: Filing, { staysForCallback }: { staysForCallback: boolean }): Promise<WhistleView> {
  const w = newWhistle(filing, Date.now());
  const publisher = new Publisher(w, filing);
  const changes = new WhistleChanges(w, publisher);
  const record: WhistleChanges['record'] = (...entry) => changes.record(...entry);
  const plans = new Plans(filing.plan);
  const merging = new Merging(w, filing, record);
  const callbacks = new Callbacks(w, changes);
  const clock = new StageClock({
    version: () => w.version,
    errand: () => merging.errand(),
    projection: publisher,
    showDue: (at) => changes.setDue(at),
    warning: {
      beforeMs: () => w.limits.warnBeforeMs, given: () => w.dueSoon,
      give: (main) => changes.warn(main), withdraw: () => changes.withdrawWarning(),
    },
    count: (items) => planDeadlines(items, true),
    recounted: (d, from, to, change) => changes.recounted(d.what, from, to, change),
    followUp: {
      get: (main) => (main.what === 'street.handle' ? plans.triageAfterHandling : undefined),
      set: (plan) => { plans.triageAfterHandling = plan; },
    },
  });
  let lastProgressAt = w.filedAt;
  handleActions();
  if (!filing.limits) w.limits = await whistleLimits();

  // 1. The street answers first (镇街优先报到) — unless the center filed it dispatched (未诉先办).
  if (!filing.proactive) await streetAnswers();

  while (!FINAL_STATUSES.includes(w.status)) {
    if (w.status === 'escalated') {
      // 2. The center sorts it into a list and dispatches (三单管理, 精准派单).
      const startedAt = changes.escalatedAt;
      const [triage] = await plans.deadlinesFor([{ key: 'center.triageWithin', from: startedAt }]);
      const main = deadlineOf(triage, 'center.triage', 'center triage deadline', () => {
        if (w.status !== 'escalated') return;
        mainDeadlinePassed();
        changes.markOverdue('center', 'center.triage', 'the center has not triaged in time');
      });
      clock.enter(startedAt, [main], { main, warn: true });
      await clock.hold(() => w.status === 'escalated');
    } else if (w.status === 'dispatched' || w.status === 'department_handling') {
      await departmentsHandle();
    } else if (w.status === 'resolved') {
      // 4. The whistle-blower evaluates (群众评单) within the window.
      const window = await callbacks.resolvedStage(plans, w.resolvedAt ?? Date.now(), staysForCallback);
      const main = deadlineOf(window, 'evaluation.window', 'evaluation window', () => {
        if (w.status === 'resolved') changes.close('evaluation_expired', SYSTEM, 'no evaluation within the window');
      });
      clock.enter(w.resolvedAt ?? Date.now(), [main], { main });
      await clock.hold(() => w.status === 'resolved');
    }
  }
  if (staysForCallback) await callbacks.stay(clock);
  await clock.flush();
  await condition(allHandlersFinished);
  return viewOf(w, filing);

  async function streetAnswers(): Promise<void> {
    const [streetAccept, streetHandle] = await plans.deadlinesFor([
      { key: filing.urgent ? 'street.acceptWithinUrgent' : 'street.acceptWithin', from: w.filedAt },
      { key: 'street.handleWithin', from: w.filedAt },
    ]);
    const withStreet = () => changes.withStreet();
    const handling = deadlineOf(streetHandle, 'street.handle', 'street handling deadline', () => {
      if (!withStreet()) return;
      mainDeadlinePassed();
      changes.escalateToCenter(SYSTEM, 'deadline_escalation', 'the street handling deadline passed');
      // The center's triage deadline was planned with the street stage, from this very deadline.
      const triage = plans.triageAfterHandling;
      takePlan(triage && Date.parse(triage.from) === handling.at ? [triage] : [], 'center.triageWithin');
    });
    const streetAcceptance = deadlineOf(streetAccept, 'street.accept', 'street acceptance deadline', () => {
      if (w.status === 'filed') changes.markOverdue(w.streetId, 'street.accept', 'the street office has not accepted in time');
    });
    clock.enter(w.filedAt, [streetAcceptance, handling], { accept: streetAcceptance, main: handling, warn: true });
    await clock.hold(withStreet);
  }

  // 3. Departments report, handle and the lead resolves, under the list's deadline.
  async function departmentsHandle(): Promise<void> {
    const triaged = [...w.events].reverse().find((e) => e.type === 'triaged');
    const triagedAt = triaged ? Date.parse(triaged.at) : Date.now();
    const list = w.list!;
    const phased = list === 'phased';
    const [accept, finish, progress] = await plans.deadlinesFor([
      { key: 'department.acceptWithin', from: triagedAt },
      { key: `lists.${list}`, from: triagedAt },
      ...(phased ? [{ key: 'phased.progressEvery' as const, from: triagedAt }] : []),
    ]);
    const handlingNow = () => w.status === 'dispatched' || w.status === 'department_handling';
    const main = deadlineOf(finish, `lists.${list}`, `${list} list deadline`, () => {
      if (!handlingNow()) return;
      mainDeadlinePassed();
      changes.markOverdue(w.departments.find((d) => d.lead)!.id, `lists.${list}`, `the ${list} list deadline passed`);
    });
    const acceptance = deadlineOf(accept, 'department.accept', 'department acceptance deadline', () => {
      const late = w.departments.filter((d) => d.status === 'dispatched').map((d) => d.id);
      if (late.length > 0 && handlingNow()) {
        w.overdue = true;
        for (const id of late) record('overdue', SYSTEM, 'the department has not accepted in time', id, { deadline: 'department.accept' });
      }
    });
    // 阶段性事项: the holder reports progress every period, or is reminded.
    const reminder = (plan: PlannedDeadline): Deadline => deadlineOf(plan, 'phased.progress', 'phased progress reminder', async () => {
      if (!handlingNow()) return;
      if (lastProgressAt === Date.parse(plan.from)) {
        record('reminder', SYSTEM, 'no progress reported for the period', w.holder);
        lastProgressAt = Date.now();
      }
      const [next] = await plans.deadlinesFor([{ key: 'phased.progressEvery', from: lastProgressAt }]);
      if (handlingNow()) clock.add(reminder(next));
    });
    clock.enter(triagedAt, phased ? [acceptance, main, reminder(progress)] : [acceptance, main], { accept: acceptance, main, warn: true });
    await clock.hold(handlingNow);
  }

  // ---- the handlers: one per action ----------------------------------------------------------
  function handleActions(): void {
    const onAction = actionHandlers(w, filing, publisher);
    setHandler(viewQuery, () => viewOf(w, filing), { description: 'The whistle view: status, holder, departments, deadlines, timeline' });
    setHandler(projectionQuery, () => projectionOf(w, filing), { description: 'What the read model holds for the current state (reconcile --repair)' });
    setHandler(filedUpdate, () => actionResultOf(w, filing, 1));

    onAction(acceptUpdate, 'accept', (actor) => {
      const onTime = Date.now() <= (clock.accept?.at ?? Infinity);
      if (actor.role === 'street') {
        w.status = 'street_handling';
        record('accepted', actor.accountId, null, w.streetId, { onTime });
      } else {
        const dept = w.departments.find((d) => d.id === actor.orgId)!;
        dept.status = 'handling';
        w.status = 'department_handling';
        record('accepted', actor.accountId, null, dept.id, { onTime });
      }
      lastProgressAt = Date.now();
      // Everyone has reported in (报到): the acceptance deadline is no longer pending.
      if (clock.accept && !w.departments.some((d) => d.status === 'dispatched')) clock.drop(clock.accept);
    });
    onAction(progressUpdate, 'progress', (actor, body) => {
      record('progress', actor.accountId, body.note, actor.orgId);
      lastProgressAt = Date.now();
    });
    onAction(resolveUpdate, 'resolve', (actor, body, plan) => {
      const onTime = Date.now() <= (clock.main?.at ?? Infinity);
      changes.leaveStage();
      w.status = 'resolved';
      w.holder = w.filerOrgId;
      w.resolvedAt = Date.now();
      w.result = body.result;
      w.outcome = body.outcome ?? (w.list === 'understanding' ? 'explained' : 'solved');
      for (const d of w.departments) if (d.status === 'handling' || d.status === 'dispatched') d.status = 'resolved';
      record('resolved', actor.accountId, body.result, actor.orgId, { outcome: w.outcome, onTime, list: w.list });
      takePlan(plan?.deadlines, 'evaluation.window');
      if (staysForCallback) callbacks.resolved(plans.plannedAt('callback.within'));
    });
    onAction(escalateUpdate, 'escalate', (actor, body, plan) => {
      changes.escalateToCenter(actor.accountId, 'escalated', body.reason);
      takePlan(plan?.deadlines, 'center.triageWithin');
    });
    onAction(triageUpdate, 'triage', (actor, body, plan) => {
      changes.ruleOnReturn(actor.accountId, body.returnRuling);
      const lead = body.leadDepartmentId ?? body.departmentIds[0];
      changes.leaveStage();
      w.status = 'dispatched';
      w.list = body.list;
      w.holder = lead;
      w.overdue = false;
      w.departments = body.departmentIds.map((id) => ({ id, lead: id === lead, status: 'dispatched' as DepartmentStatus }));
      for (const id of body.departmentIds) if (!w.seenByDepartments.includes(id)) w.seenByDepartments.push(id);
      record('triaged', actor.accountId, body.note ?? null, 'center', {
        list: body.list, departmentIds: body.departmentIds, lead, final: w.returns >= w.limits.maxReturns,
        ...(typeof plan?.followedSuggestion === 'boolean' ? { followedSuggestion: plan.followedSuggestion } : {}),
      });
      takePlan(plan?.deadlines, `lists.${body.list}`);
    }, (_actor, body) => returnRulingRefusal(changes.arrivedByReturn() !== undefined, body.returnRuling));
    onAction(returnUpdate, 'return', (actor, body, plan) => {
      const dept = w.departments.find((d) => d.id === actor.orgId)!;
      dept.status = 'returned';
      w.returns++;
      changes.toCenter(actor.accountId, 'returned', body.reason, dept.id, { kind: body.kind ?? 'other', returns: w.returns });
      takePlan(plan?.deadlines, 'center.triageWithin');
    });
    onAction(urgeUpdate, 'urge', (actor, body) => record('urged', actor.accountId, body.note, w.holder));
    onAction(evaluateUpdate, 'evaluate', (actor, body, plan) => {
      const resolver = [...w.events].reverse().find((e) => e.type === 'resolved')?.unit ?? null;
      w.evaluation = { rating: body.rating, comment: body.comment ?? null, at: iso(Date.now()) };
      record('evaluated', actor.accountId, body.comment ?? null, resolver, { rating: body.rating });
      if (body.rating !== 'unsatisfied' || w.reopenCount >= w.limits.maxReopens) return changes.close('closed', actor.accountId, null);
      w.reopenCount++;
      w.resolvedAt = null;
      callbacks.reopened();
      w.evaluation = null;
      changes.escalateToCenter(SYSTEM, 'reopened', 'the whistle-blower is unsatisfied; back to the center');
      takePlan(plan?.deadlines, 'center.triageWithin');
    });
    onAction(withdrawUpdate, 'withdraw', (actor, body) => {
      changes.end('withdrawn');
      record('withdrawn', actor.accountId, body.reason, w.streetId);
    });
    // 延期申请: the holder asks before its deadline; the center decides.
    onAction(requestExtensionUpdate, 'request-extension', (actor, body) => {
      const until = iso(Date.parse(body.until));
      w.extension = { status: 'requested', until, reason: body.reason, requestedBy: actor.accountId, requestedAt: iso(Date.now()),
        decidedBy: null, note: null, unit: actor.orgId };
      record('extension_requested', actor.accountId, body.reason, actor.orgId, { until, dueAt: w.dueAt === null ? null : iso(w.dueAt) });
    }, (_actor, body, plan) => {
      // The limit is the API's count of working days after the day `dueAt` ends on, for this very dueAt.
      const limit = plan?.extensionLimit;
      if (!limit || w.dueAt === null || Date.parse(limit.dueAt) !== w.dueAt) {
        return { type: 'invalid_state', message: 'the deadline changed while the request was on its way; ask again',
          messageZh: '办理时限刚刚发生变化，请重新申请' };
      }
      return extensionUntilRefusal(Date.parse(body.until as string), w.dueAt, Date.parse(limit.limit));
    });
    onAction(decideExtensionUpdate, 'decide-extension', (actor, body, plan) => {
      const ext = w.extension!;
      ext.decidedBy = actor.accountId;
      ext.note = body.note ?? null;
      ext.status = body.approve ? 'approved' : 'rejected';
      if (!body.approve) {
        return record('extension_rejected', actor.accountId, body.note ?? null, ext.unit, { until: ext.until, requestedBy: ext.requestedBy });
      }
      w.extensionsApproved++;
      const from = w.dueAt;
      clock.moveMain(Date.parse(ext.until), null, true);
      if (clock.main?.what === 'street.handle') plans.triageAfterHandling = plannedAt(plan?.deadlines, 'center.triageWithin');
      record('extension_approved', actor.accountId, body.note ?? null, ext.unit,
        { until: ext.until, from: from === null ? null : iso(from), requestedBy: ext.requestedBy });
    });
    // 重复件合并: this whistle is a repeat of another open one; it lives on in the original.
    onAction(mergeUpdate, 'merge', (actor, body) => {
      changes.end('merged');
      w.duplicateOf = body.into;
      record('merged', actor.accountId, body.note ?? null, actor.orgId, { into: body.into });
      merging.mergedInto(body.into, actor.accountId, body.note ?? null);
    }, (_actor, body) => (body.into === filing.id
      ? { type: 'validation_failed', message: 'a whistle cannot be merged into itself', messageZh: '不能合并到事项本身' } : null));
    merging.handle(publisher);
    onAction(callbackUpdate, 'callback', (actor, body) => callbacks.call(actor, body));

    setHandler(escalateSignal, (input) => {
      if (!changes.withStreet()) return log.warn('escalate signal ignored: the whistle is no longer with the street', { status: w.status, by: input?.by });
      const by = typeof input?.by === 'string' && input.by ? input.by : 'operator';
      changes.escalateToCenter(by, 'escalated', typeof input?.reason === 'string' && input.reason ? input.reason : 'escalated by a supervisor');
      plans.forget();
    }, { description: 'Supervisor escalation from the CLI or UI: {"by": "<account id>", "reason": "..."}' });
    setHandler(calendarChangedSignal, (change) => clock.calendarChanged(change?.changeId),
      { description: 'The holiday calendar changed: pending working-day deadlines are counted again ({"changeId": "…"})' });
  }

  function mainDeadlinePassed() {
    changes.lapseExtension();
    clock.mainPassed();
  }
  function takePlan(deadlines: readonly PlannedDeadline[] | undefined, mainKey: string) {
    const at = plans.takePlan(deadlines, mainKey);
    if (at !== undefined) changes.setDue(at);
  }
}
