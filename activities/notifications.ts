/**
 * Which timeline entries cause notifications, and to whom. Lives outside the workflow so that
 * who is told can change without touching running whistles.
 */
import type { PoolClient } from 'pg';
import type { WhistleEvent } from './types';
import type { MergedIn, WhistleView } from '../workflows/messages';

export interface Recipients { supervisors: string[]; centers: string[] }

/** `subjectId`: the whistle it is about when that is not the one whose entry caused it (a merged whistle's feedback). */
export interface PlannedNotification { recipientOrgId: string; kind: string; message: string; subjectId?: string }

export function notificationsFor(event: WhistleEvent, view: Pick<WhistleView, 'title' | 'streetId' | 'filerOrgId' | 'holder'>,
  to: Recipients, merged: readonly Pick<MergedIn, 'id' | 'filerOrgId'>[] = []): PlannedNotification[] {
  const title = `「${view.title}」`;
  const out: PlannedNotification[] = [];
  const add = (orgs: Array<string | null | undefined>, kind: string, message: string) => {
    for (const org of orgs) if (org && !out.some((n) => n.recipientOrgId === org && !n.subjectId)) out.push({ recipientOrgId: org, kind, message });
  };
  switch (event.type) {
    case 'filed':
      add([view.streetId], 'whistle_filed', `社区吹哨：${title} 请镇街报到 (new whistle for the street)`);
      break;
    case 'escalated':
    case 'deadline_escalation':
    case 'reopened':
    case 'returned':
      add(to.centers, 'whistle_to_center', `${title} 已上报区中心，请分拣派单 (${event.type})`);
      break;
    case 'triaged':
      add((event.data.departmentIds as string[]) ?? [], 'whistle_dispatched', `${title} 已派单，请报到 (dispatched to your department)`);
      break;
    case 'overdue': {
      // 超时: the late unit (the holder), supervisors and the center all hear of it.
      const deadline = String(event.data.deadline ?? '');
      add([event.unit, ...to.supervisors, ...to.centers], 'overdue', `${title} 超时 (${deadline}) — ${event.unit ?? ''}`);
      break;
    }
    case 'urged':
      add([event.unit, ...to.supervisors, ...to.centers], 'urged', `督办：${title} ${event.note ?? ''}`.trim());
      break;
    case 'reminder':
      add([event.unit], 'progress_reminder', `${title} 阶段性事项请报告进展 (progress reminder)`);
      break;
    case 'resolved':
      add([view.filerOrgId], 'feedback', `反馈：${title} 已办结，请评价 — ${event.note ?? ''}`);
      // 重复件: every whistle merged into this one gets the answer, about itself.
      for (const m of merged) {
        out.push({ recipientOrgId: m.filerOrgId, kind: 'feedback', subjectId: m.id,
          message: `反馈：您反映的问题已并入${title}办理，已办结 — ${event.note ?? ''}` });
      }
      break;
    case 'due_soon':
      add([event.unit], 'due_soon', `临期预警：${title} 即将到期 (${String(event.data.dueAt ?? '')})`);
      break;
    case 'extension_requested':
      add(to.centers, 'extension_requested', `延期申请：${title} 申请延期至 ${String(event.data.until ?? '')} — ${event.note ?? ''}`);
      break;
    case 'extension_approved':
      add([event.unit, view.filerOrgId], 'extension_decided', `延期已批准：${title} 办理时限延至 ${String(event.data.until ?? '')}`);
      break;
    case 'extension_rejected':
      add([event.unit], 'extension_decided', `延期未批准：${title} 仍按原时限办理 ${event.note ?? ''}`.trim());
      break;
    case 'merged_in':
      add([view.holder], 'merged_in', `重复件合并：另一件同一问题的反映已并入${title}`);
      break;
    case 'evaluated':
      add([event.unit], 'evaluated', `群众评单：${title} ${String(event.data.rating ?? '')}`);
      break;
    case 'withdrawn':
      add([view.streetId], 'withdrawn', `${title} 已撤回 (withdrawn by the community)`);
      break;
  }
  return out;
}

/** One notification to put in the outbox: what it is about, to whom, and the data it carries. */
export interface OutboxEntry {
  subject: { type: 'whistle' | 'help'; id: string; seq: number };
  notification: PlannedNotification;
  data: Record<string, unknown>;
  /** Instead of `<subject type>:<id>:<seq>`, when the subject is not the entry's own whistle. */
  eventKey?: string;
}

/**
 * Puts notifications in the outbox, inside the projection's transaction, in one statement. The
 * event key (`<subject type>:<id>:<timeline seq>`) and the recipient make each one unique:
 * written once, ever (a retried projection or a repeated entry changes nothing). Rows get their
 * ids in the order given, which is the order the outbox delivers them in.
 */
export async function enqueueNotifications(client: PoolClient, entries: OutboxEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await client.query(
    `INSERT INTO notifications (event_key, recipient_org_id, kind, subject_type, subject_id, message, data)
     SELECT n.event_key, n.recipient_org_id, n.kind, n.subject_type, n.subject_id, n.message, n.data
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[])
              WITH ORDINALITY AS n(event_key, recipient_org_id, kind, subject_type, subject_id, message, data, i)
      ORDER BY n.i
     ON CONFLICT (event_key, recipient_org_id) DO NOTHING`,
    [
      entries.map((e) => e.eventKey ?? `${e.subject.type}:${e.subject.id}:${e.subject.seq}`),
      entries.map((e) => e.notification.recipientOrgId),
      entries.map((e) => e.notification.kind),
      entries.map((e) => e.subject.type),
      entries.map((e) => e.subject.id),
      entries.map((e) => e.notification.message),
      entries.map((e) => JSON.stringify(e.data)),
    ],
  );
}

/** Puts one notification in the outbox (see enqueueNotifications). */
export async function enqueueNotification(
  client: PoolClient, subject: { type: 'whistle' | 'help'; id: string; seq: number },
  n: PlannedNotification, data: Record<string, unknown>,
): Promise<void> {
  await enqueueNotifications(client, [{ subject, notification: n, data }]);
}
