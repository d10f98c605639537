/**
 * Projection of neighbour-help workflows (邻里搭把手) into PostgreSQL: one row per request (only
 * ever moved forward by version), one row per timeline entry, and the notifications those
 * entries cause — all in one transaction, so a retried activity changes nothing twice.
 */
import type { Pool } from 'pg';
import type { HelpView } from '../workflows/help-messages';
import type { HelpEvent, HelpProjection } from './types';
import { enqueueNotification } from './notifications';

export interface PlannedHelpNotification { recipientOrgId: string; kind: string; message: string }

/** Who is told of a timeline entry, and what. Outside the workflow so it can change freely. */
export function helpNotificationsFor(event: HelpEvent, view: HelpView, p: Pick<HelpProjection, 'requesterOrgId'>): PlannedHelpNotification[] {
  const title = `「${view.title}」`;
  const out: PlannedHelpNotification[] = [];
  const add = (orgs: Array<string | null | undefined>, kind: string, message: string) => {
    for (const org of orgs) if (org && !out.some((n) => n.recipientOrgId === org)) out.push({ recipientOrgId: org, kind, message });
  };
  switch (event.type) {
    case 'posted':
      add([view.communityId], 'help_posted', `居民点单：${title} 请社区核实下单 (a new help request to verify)`);
      break;
    case 'verification_reminder':
      add([view.streetId], 'help_verification_reminder', `${title} 社区尚未核实，请督促 (not verified in time)`);
      break;
    case 'verified':
      add([view.streetId], 'help_open', `社区下单：${title} 已上墙，欢迎接单 (open on the board)`);
      break;
    case 'rejected':
      add([p.requesterOrgId], 'help_rejected', `${title} 未通过核实：${event.note ?? ''}`);
      break;
    case 'unclaimed_notice':
      add([view.communityId], 'help_unclaimed', `${title} 尚无人接单 (nobody has taken it yet)`);
      break;
    case 'claimed':
      add([view.communityId, p.requesterOrgId], 'help_claimed', `党员接单：${title} ${event.note ?? ''}`.trim());
      break;
    case 'no_show':
      add([view.communityId, event.unit], 'help_no_show', `${title} 接单人未按时报到，已重新上墙 (no-show: ${event.subject ?? ''})`);
      break;
    case 'completed':
      add([p.requesterOrgId, view.communityId], 'help_completed', `${title} 服务已完成，请确认评价 — ${event.note ?? ''}`);
      break;
    case 'confirmed':
      add([event.unit], 'help_rated', `${title} 评价：${String(event.data.rating ?? '')} 星`);
      break;
    case 'cancelled':
      add([view.communityId, view.verifiedAt ? view.streetId : null], 'help_cancelled', `${title} 已取消：${event.note ?? ''}`);
      break;
  }
  return out;
}

export async function projectHelp(pool: Pool, p: HelpProjection): Promise<void> {
  const v = p.view;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO help_requests (id, version, status, community_id, street_id, requester_id, claimer_id, claimer_role,
         posted_at, appointment_at, completed_at, closed_at, rating, view, updated_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14, now())
       ON CONFLICT (id) DO UPDATE SET
         version = EXCLUDED.version, status = EXCLUDED.status, claimer_id = EXCLUDED.claimer_id,
         claimer_role = EXCLUDED.claimer_role, appointment_at = EXCLUDED.appointment_at,
         completed_at = EXCLUDED.completed_at, closed_at = EXCLUDED.closed_at, rating = EXCLUDED.rating,
         view = EXCLUDED.view, updated_at = now()
       WHERE help_requests.version < EXCLUDED.version`,
      [v.id, p.version, v.status, v.communityId, v.streetId, v.requester.accountId, v.claimer?.accountId ?? null,
        v.claimer?.role ?? null, v.postedAt, v.appointmentAt, v.completedAt, v.closedAt, v.rating, JSON.stringify(v)],
    );
    const inserted = await client.query<{ seq: number }>(
      `INSERT INTO help_events (help_id, seq, at, type, actor, subject_id, unit_id, note, data)
       SELECT $1, e.seq, e.at, e.type, e.actor, e.subject_id, e.unit_id, e.note, e.data
         FROM jsonb_to_recordset($2::jsonb)
           AS e(seq int, at timestamptz, type text, actor text, subject_id text, unit_id text, note text, data jsonb)
       ON CONFLICT (help_id, seq) DO NOTHING
       RETURNING seq`,
      [v.id, JSON.stringify(p.events.map((e) => ({ ...e, subject_id: e.subject, unit_id: e.unit })))],
    );
    const fresh = new Set(inserted.rows.map((r) => r.seq));
    for (const event of p.events.filter((e) => fresh.has(e.seq))) {
      for (const n of helpNotificationsFor(event, v, p)) {
        await enqueueNotification(client, { type: 'help', id: v.id, seq: event.seq }, n,
          { eventType: event.type, at: event.at, status: v.status, subject: event.subject });
      }
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
