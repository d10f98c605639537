/**
 * Which timeline entries cause notifications, and to whom. Lives outside the workflow so that
 * who is told can change without touching running whistles.
 */
import type { PoolClient } from 'pg';
import type { WhistleEvent } from './types';
import type { WhistleView } from '../workflows/messages';

export interface Recipients { supervisors: string[]; centers: string[] }

export interface PlannedNotification { recipientOrgId: string; kind: string; message: string }

export function notificationsFor(event: WhistleEvent, view: WhistleView, to: Recipients): PlannedNotification[] {
  const title = `「${view.title}」`;
  const out: PlannedNotification[] = [];
  const add = (orgs: Array<string | null | undefined>, kind: string, message: string) => {
    for (const org of orgs) if (org && !out.some((n) => n.recipientOrgId === org)) out.push({ recipientOrgId: org, kind, message });
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

/**
 * Puts one notification in the outbox, inside the projection's transaction. The event key
 * (`<subject type>:<id>:<timeline seq>`) and the recipient make it unique: written once, ever.
 */
export async function enqueueNotification(
  client: PoolClient, subject: { type: 'whistle' | 'help'; id: string; seq: number },
  n: PlannedNotification, data: Record<string, unknown>,
): Promise<void> {
  await client.query(
    `INSERT INTO notifications (event_key, recipient_org_id, kind, subject_type, subject_id, message, data)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (event_key, recipient_org_id) DO NOTHING`,
    [`${subject.type}:${subject.id}:${subject.seq}`, n.recipientOrgId, n.kind, subject.type, subject.id, n.message, JSON.stringify(data)],
  );
}
