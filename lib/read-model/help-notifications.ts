/**
 * Who is told of a help request's timeline entry (邻里搭把手), and what. Outside the workflow so
 * it can change freely. Pure.
 */
import { shanghaiMinute, type HelpEvent, type HelpProjection, type HelpView } from '../../domain';

export interface PlannedHelpNotification { recipientOrgId: string; kind: string; message: string; recipientAccountId?: string }

/** A recipient: a unit (every account of it but its residents and members), or one person's account in its unit. */
type To = string | { orgId: string; accountId: string } | null | undefined;

/**
 * The accounts among a request's parties that are people (residents, party members): their
 * notifications are their own, never their community office's. A unit's account is told as its
 * unit (every account of the unit reads it).
 */
export type HelpPeople = ReadonlySet<string>;

/**
 * Who is told of a timeline entry, and what: each message a Chinese sentence, times in Beijing
 * time, people by name (`names`: account id → name, for the claimer and a no-show). Outside the
 * workflow so it can change freely.
 */
export function helpNotificationsFor(event: HelpEvent, view: HelpView, p: Pick<HelpProjection, 'requesterOrgId' | 'claimerOrgId'>,
  people: HelpPeople = new Set(), names: ReadonlyMap<string, string> = new Map()): PlannedHelpNotification[] {
  const title = `「${view.title}」`;
  const out: PlannedHelpNotification[] = [];
  const add = (to: To[], kind: string, message: string) => {
    for (const t of to) {
      if (!t) continue;
      const n = typeof t === 'string' ? { recipientOrgId: t, kind, message } : { recipientOrgId: t.orgId, recipientAccountId: t.accountId, kind, message };
      if (!out.some((o) => o.recipientOrgId === n.recipientOrgId && o.recipientAccountId === n.recipientAccountId)) out.push(n);
    }
  };
  const requesterId = view.requester.accountId;
  const requester: To = people.has(requesterId) ? { orgId: p.requesterOrgId, accountId: requesterId } : p.requesterOrgId;
  // The claimer the entry is about (its `subject`), in its unit.
  const claimer: To = event.unit && event.subject && people.has(event.subject) ? { orgId: event.unit, accountId: event.subject } : event.unit;
  const who = (id: string | null | undefined) => (id ? names.get(id) ?? '' : '');
  const with_ = (prefix: string, note: string | null | undefined) => (note ? `${prefix}${note}` : '');
  switch (event.type) {
    case 'posted':
      add([view.communityId], 'help_posted', `居民点单：${title}，请社区核实后下单`);
      break;
    case 'verification_reminder':
      add([view.streetId], 'help_verification_reminder', `${title}社区尚未按时审核，请督促`);
      break;
    case 'verified':
      add([view.streetId], 'help_open', `社区下单：${title}已上墙，欢迎接单`);
      break;
    case 'rejected':
      add([requester], 'help_rejected', `${title}未通过社区审核${with_('，理由：', event.note)}`);
      break;
    case 'unclaimed_notice':
      add([view.communityId], 'help_unclaimed', `${title}暂时无人接单`);
      break;
    case 'claimed': {
      const appointment = view.appointmentAt ? `，约定 ${shanghaiMinute(view.appointmentAt)}（北京时间）` : '';
      const place = view.appointmentPlace ? `在${view.appointmentPlace}` : '';
      add([view.communityId, requester], 'help_claimed', `${who(event.actor) || '党员'}接单：${title}${appointment}${place}服务`);
      break;
    }
    case 'no_show':
      add([view.communityId, claimer], 'help_no_show', `${title}接单人${who(event.subject)}未按时报到，点单已重新上墙`);
      break;
    case 'completed':
      add([requester, view.communityId], 'help_completed', `${title}服务已完成，请确认评价${with_('。服务情况：', event.note)}`);
      break;
    case 'confirmed':
      add([claimer], 'help_rated', `${title}获评 ${String(event.data.rating ?? '')} 星${with_('：', event.note)}`);
      break;
    case 'cancelled':
      add([view.communityId, view.verifiedAt ? view.streetId : null], 'help_cancelled', `${title}已取消${with_('，理由：', event.note)}`);
      break;
  }
  return out;
}
