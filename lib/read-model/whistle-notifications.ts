/**
 * Who is told of a whistle's timeline entry, and what (the notifications outbox). Outside the
 * workflow, so that who is told can change without touching running whistles. Pure.
 */
import { shanghaiMinute, deadlineName, RATING_LABELS, type MergedIn, type Rating, type WhistleEvent, type WhistleView } from '../../domain';
import type { PlannedNotification } from '../stores/notifications';

export type { PlannedNotification };

/** The organisations told of everything overdue or escalated, and every unit's name (for the sentences). */
export interface Recipients { supervisors: string[]; centers: string[]; names?: ReadonlyMap<string, string> }

/**
 * Who is told of a timeline entry, and what: each message a Chinese sentence, times in Beijing
 * time, units by name.
 */
export function notificationsFor(event: WhistleEvent, view: Pick<WhistleView, 'title' | 'streetId' | 'filerOrgId' | 'holder'>,
  to: Recipients, merged: readonly Pick<MergedIn, 'id' | 'filerOrgId'>[] = []): PlannedNotification[] {
  const title = `「${view.title}」`;
  const out: PlannedNotification[] = [];
  const add = (orgs: Array<string | null | undefined>, kind: string, message: string) => {
    for (const org of orgs) if (org && !out.some((n) => n.recipientOrgId === org && !n.subjectId)) out.push({ recipientOrgId: org, kind, message });
  };
  const name = (id: string | null | undefined) => (id ? to.names?.get(id) ?? id : '');
  const at = (value: unknown) => (typeof value === 'string' && value ? `${shanghaiMinute(value)}（北京时间）` : '');
  const with_ = (prefix: string, note: string | null | undefined) => (note ? `${prefix}${note}` : '');
  switch (event.type) {
    case 'filed':
      // A proactive whistle (未诉先办) is filed by the center dispatched: nothing for the street to accept.
      if (!event.data.proactive) add([view.streetId], 'whistle_filed', `${name(view.filerOrgId)}吹哨：${title}，请街道受理（报到）`);
      break;
    case 'escalated':
      add(to.centers, 'whistle_to_center', `${title}已上报区中心，请分拨派单${with_('。上报理由：', event.note)}`);
      break;
    case 'deadline_escalation':
      add(to.centers, 'whistle_to_center', `${title}街道办理期限已到，已自动上报区中心，请分拨派单`);
      break;
    case 'reopened':
      add(to.centers, 'whistle_to_center', `${title}群众评价不满意，已退回区中心，请重新派单`);
      break;
    case 'returned':
      add(to.centers, 'whistle_to_center', `${title}被${name(event.unit)}退单，请重新派单${with_('。退单理由：', event.note)}`);
      break;
    case 'triaged':
      add((event.data.departmentIds as string[]) ?? [], 'whistle_dispatched', `${title}已派单到本部门，请受理（报到）`);
      break;
    case 'overdue':
      // 超时: the late unit (the holder), supervisors and the center all hear of it.
      add([event.unit, ...to.supervisors, ...to.centers], 'overdue',
        `超期：${title}已过${deadlineName(String(event.data.deadline ?? ''))}${event.unit ? `（${name(event.unit)}）` : ''}`);
      break;
    case 'urged':
      add([event.unit, ...to.supervisors, ...to.centers], 'urged', `督办：${title}${with_('，督办意见：', event.note)}`);
      break;
    case 'reminder':
      add([event.unit], 'progress_reminder', `${title}是阶段性事项，请反馈办理进展`);
      break;
    case 'resolved':
      add([view.filerOrgId], 'feedback', `反馈：${title}已办结，请评价${with_('。办理结果：', event.note)}`);
      // 重复件: every whistle merged into this one gets the answer, about itself.
      for (const m of merged) {
        out.push({ recipientOrgId: m.filerOrgId, kind: 'feedback', subjectId: m.id,
          message: `反馈：您反映的问题已并入${title}办理，现已办结${with_('。办理结果：', event.note)}` });
      }
      break;
    case 'due_soon':
      add([event.unit], 'due_soon', `临期预警：${title}将于 ${at(event.data.dueAt)} 到期`);
      break;
    case 'extension_requested':
      add(to.centers, 'extension_requested', `延期申请：${title}申请延期至 ${at(event.data.until)}${with_('，理由：', event.note)}`);
      break;
    case 'extension_approved':
      add([event.unit, view.filerOrgId], 'extension_decided', `延期已批准：${title}办理时限延至 ${at(event.data.until)}`);
      break;
    case 'extension_rejected':
      add([event.unit], 'extension_decided', `延期未批准：${title}仍按原时限办理${with_('。审批意见：', event.note)}`);
      break;
    case 'merged_in':
      add([view.holder], 'merged_in', `重复件合并：另一件同一问题的反映已并入${title}`);
      break;
    case 'evaluated':
      add([event.unit], 'evaluated', `群众评单：${title}评价为“${RATING_LABELS[event.data.rating as Rating] ?? String(event.data.rating ?? '')}”`);
      break;
    case 'withdrawn':
      add([view.streetId], 'withdrawn', `${title}已由社区撤回${with_('，理由：', event.note)}`);
      break;
  }
  return out;
}
