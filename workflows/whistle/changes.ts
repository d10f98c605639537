/**
 * How a whistle's state changes inside its workflow: timeline entries, the deadline it shows, the
 * early warning, and the moves between holders (to the center, to the end). Each change raises
 * the state's version and tells the publisher (publishing.ts), which projects it.
 */
import type { WhistleEvent, WhistleTimelineType } from '../../domain';
import type { Publisher } from './publishing';
import { iso, record, type WhistleState } from './state';

export const SYSTEM = 'system';

export class WhistleChanges {
  /** When the whistle last went to the center: its triage deadline counts from then. */
  escalatedAt: number;

  constructor(private readonly w: WhistleState, private readonly publisher: Publisher) {
    this.escalatedAt = w.filedAt;
  }

  /** A timeline entry (and so a change). */
  record(type: WhistleTimelineType, actor: string, note: string | null, unit: string | null, data: Record<string, unknown> = {}): void {
    record(this.w, { type, actor, note, unit, data, at: Date.now() });
    this.publisher.changed();
  }

  /** A change without a timeline entry. */
  quietly(): void {
    this.w.version++;
    this.publisher.changed();
  }

  /** The deadline the whistle shows (`dueAt`). */
  setDue(at: number | null): void {
    if (this.w.dueAt === at) return;
    this.w.dueAt = at;
    this.quietly();
  }

  /** 临期预警: the holder's deadline is near. */
  warn(main: { what: string; at: number; summary: string }): void {
    this.w.dueSoon = true;
    this.record('due_soon', SYSTEM, `the ${main.summary} is near: ${iso(main.at)}`, this.w.holder, { deadline: main.what, dueAt: iso(main.at) });
  }

  /** The warning is over (its deadline passed or moved). */
  withdrawWarning(): void {
    this.w.dueSoon = false;
    this.quietly();
  }

  /** A calendar change counted a pending deadline again: on the timeline. */
  recounted(what: string, from: number, to: number, change: string): void {
    this.record('deadline_recomputed', SYSTEM, `${what}: ${iso(from)} → ${iso(to)} (the holiday calendar changed)`, this.w.holder,
      { deadline: what, from: iso(from), to: iso(to), change });
  }

  /** The deadline passed before the center decided the extension request: it lapses. */
  lapseExtension(): void {
    const { extension } = this.w;
    if (extension?.status !== 'requested') return;
    extension.status = 'lapsed';
    this.record('extension_lapsed', SYSTEM, 'the deadline passed before the center decided', extension.unit, { until: extension.until });
  }

  markOverdue(unit: string, what: string, note: string): void {
    this.w.overdue = true;
    this.record('overdue', SYSTEM, note, unit, { deadline: what });
  }

  /** The holder changes (a transition): the stage's extension and warning are over. */
  leaveStage(keepLapsed = false): void {
    const { w } = this;
    if (w.extension?.status === 'requested') w.extension.status = 'lapsed';
    // A request that lapsed when its deadline passed stays to be seen where the deadline sent the whistle.
    if (!(keepLapsed && w.extension?.status === 'lapsed')) w.extension = null;
    w.extensionsApproved = 0;
    w.dueSoon = false;
  }

  /** To the center: escalated (by the street, a supervisor or the deadline), reopened, or returned by a department. */
  toCenter(actor: string, type: 'escalated' | 'deadline_escalation' | 'reopened' | 'returned', reason: string,
    unit: string, data: Record<string, unknown>): void {
    const { w } = this;
    this.leaveStage(type === 'deadline_escalation');
    w.status = 'escalated';
    w.holder = 'center';
    w.overdue = false;
    this.escalatedAt = Date.now();
    this.record(type, actor, reason, unit, data);
  }

  /** To the center from the street (escalated) or from the filing community (reopened). */
  escalateToCenter(actor: string, type: 'escalated' | 'deadline_escalation' | 'reopened', reason: string): void {
    const street = this.withStreet();
    this.toCenter(actor, type, reason, street ? this.w.streetId : 'center', { from: street ? 'street' : 'community' });
  }

  /** The `returned` entry when the whistle's last arrival at the center was a department's return (派单异议审核), else undefined. */
  arrivedByReturn(): WhistleEvent | undefined {
    const arrival = [...this.w.events].reverse()
      .find((e) => e.type === 'returned' || e.type === 'escalated' || e.type === 'deadline_escalation' || e.type === 'reopened');
    return arrival?.type === 'returned' ? arrival : undefined;
  }

  /** 派单异议审核: the center's ruling on the return that brought the whistle back (for the department that returned it). */
  ruleOnReturn(actor: string, ruling: string | undefined): void {
    const returned = this.arrivedByReturn();
    if (!returned || !ruling) return;
    this.record('return_ruled', actor, `the return was ${ruling}`, returned.unit, { ruling, kind: returned.data.kind ?? 'other' });
  }

  withStreet(): boolean {
    return this.w.status === 'filed' || this.w.status === 'street_handling';
  }

  /** The whistle ends (closed, withdrawn, merged): nobody holds it any more. */
  end(status: 'closed' | 'withdrawn' | 'merged'): void {
    const { w } = this;
    this.leaveStage();
    w.status = status;
    w.holder = null;
    if (status !== 'merged') w.closedAt = Date.now();
    this.setDue(null);
  }

  close(type: 'closed' | 'evaluation_expired', actor: string, note: string | null): void {
    this.end('closed');
    this.record(type, actor, note, null);
  }
}
