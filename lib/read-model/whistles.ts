/**
 * What a whistle's projection writes to the read model: one row per whistle (never moved back to
 * an older version), one row per timeline entry, the 验单 receipts those entries make, and the
 * outbox of notifications they cause — all in one transaction (lib/stores/whistles.ts), so a
 * retried projection changes nothing twice. The worker's projection activity and the API (the
 * filing, an action's answer) both write through here.
 */
import type { Pool } from 'pg';
import type { WhistleProjection } from '../../domain';
import { waitingFor } from '../../workflows/rules';
import { supervisorsAndCenters } from '../stores/orgs';
import { writeWhistleProjection, type OutboxRow } from '../stores/whistles';
import { notificationsFor, type Recipients } from './whistle-notifications';
import { storable } from './storable';

/**
 * How long the supervision and center organisations (and every unit's name, for the
 * notifications' sentences) are reused before they are read again.
 * Organisations change rarely (an operator adds one); a notification for supervisors or the
 * center may miss an office created less than 30 s ago, which is acceptable. Each pool (one per
 * database) has its own entry.
 */
const RECIPIENTS_TTL_MS = 30_000;
const recipientsCache = new WeakMap<Pool, { at: number; value: Promise<Recipients> }>();

function recipients(pool: Pool): Promise<Recipients> {
  const cached = recipientsCache.get(pool);
  if (cached && Date.now() - cached.at < RECIPIENTS_TTL_MS) return cached.value;
  const value = supervisorsAndCenters(pool);
  const entry = { at: Date.now(), value };
  recipientsCache.set(pool, entry);
  // A failed read is not kept: the next projection (the activity's retry) reads again.
  value.catch(() => { if (recipientsCache.get(pool) === entry) recipientsCache.delete(pool); });
  return value;
}

/**
 * Writes a whistle's projection: from its workflow (every timeline entry), or from the API with
 * an action's answer (the newest entries only, `timelineLength` saying how many there are).
 * The row's `view` is kept without its timeline: the timeline is `whistle_events`.
 *
 * The notifications every entry would cause are worked out here (who is told is this module's
 * business) and the store keeps those of the entries it wrote, so a retried projection notifies
 * no one twice.
 *
 * The projection runs inside the workflow task that made the change (a local activity). When
 * that task never completes (its worker killed), the task runs again and projects the same
 * version once more, with its own instants: the later projection of a version is the one the
 * workflow's history keeps, so the same version overwrites, an older one never does.
 *
 * `durable: false` (the API writing what it answered, for read-your-writes): the commit does not
 * wait for the disk. Should PostgreSQL crash within that moment, the workflow's own projection of
 * the same change, which does wait, writes it again. `reporter` (the API's filing): the reporter's
 * name and phone, written with the row and always durably (no workflow holds the phone).
 */
export async function projectWhistle(pool: Pool, projection: WhistleProjection,
  options: { durable?: boolean; reporter?: { name: string; phone: string } } = {}): Promise<void> {
  const p = storable(projection);
  const v = p.view;
  const { timeline: _timeline, ...stored } = v as typeof v & { timeline?: unknown };
  const to = await recipients(pool);
  const outbox: OutboxRow[] = p.events.flatMap((event) => notificationsFor(event, v, to, p.rules?.merged ?? []).map((n) => ({
    entry_seq: event.seq,
    // A feedback about a merged whistle is about that whistle (its reporter is told), keyed apart.
    event_key: n.subjectId ? `whistle:${v.id}:${event.seq}:${n.subjectId}` : `whistle:${v.id}:${event.seq}`,
    recipient_org_id: n.recipientOrgId, kind: n.kind, subject_type: 'whistle' as const, subject_id: n.subjectId ?? v.id,
    message: n.message, data: { eventType: event.type, at: event.at, status: v.status },
  })));
  const row = {
    id: v.id, version: p.version, status: v.status, list: v.list, category: v.category, urgent: v.urgent,
    filer_org_id: v.filerOrgId, community_id: v.communityId, street_id: v.streetId, holder: v.holder,
    department_ids: v.departments.map((d) => d.id), seen_by_departments: p.seenByDepartments, due_at: v.dueAt,
    overdue: v.overdue, filed_at: v.filedAt, resolved_at: v.resolvedAt, closed_at: v.closedAt,
    rating: v.evaluation?.rating ?? null, reporter_name: p.reporterName, view: stored, rules: p.rules ?? null,
    due_soon: v.dueSoon ?? false, duplicate_of: v.duplicateOf ?? null, reports: v.reports ?? 1, waiting_org_ids: waitingFor(v),
  };
  await writeWhistleProjection(pool, {
    row,
    entries: p.events.map((e) => ({ seq: e.seq, at: e.at, type: e.type, actor: e.actor, unit_id: e.unit, note: e.note, data: e.data })),
    timelineLength: p.timelineLength ?? p.events.length,
    outbox,
    reporter: options.reporter ?? null,
    durable: options.durable !== false,
  });
}
