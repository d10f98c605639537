/**
 * Neighbour help's read model (邻里搭把手: tables `help_requests`, `help_events`): SQL only. What a
 * projection writes is worked out in lib/read-model/help.ts.
 */
import type { Db } from '../db';
import type { Actor, HelpEvent, HelpProjection, HelpView } from '../../domain';
import { helpVisibleCondition } from '../../workflows/help-visibility';

/** The request's row, only ever moved forward by version. */
export async function upsertHelpRequest(db: Db, p: HelpProjection): Promise<void> {
  const v = p.view;
  await db.query(
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
}

/** The timeline entries not written before; answers the seqs it wrote. */
export async function insertHelpEvents(db: Db, helpId: string, events: HelpEvent[]): Promise<Set<number>> {
  const inserted = await db.query<{ seq: number }>(
    `INSERT INTO help_events (help_id, seq, at, type, actor, subject_id, unit_id, note, data)
     SELECT $1, e.seq, e.at, e.type, e.actor, e.subject_id, e.unit_id, e.note, e.data
       FROM jsonb_to_recordset($2::jsonb)
         AS e(seq int, at timestamptz, type text, actor text, subject_id text, unit_id text, note text, data jsonb)
     ON CONFLICT (help_id, seq) DO NOTHING
     RETURNING seq`,
    [helpId, JSON.stringify(events.map((e) => ({ ...e, subject_id: e.subject, unit_id: e.unit })))],
  );
  return new Set(inserted.rows.map((r) => r.seq));
}

export async function helpView(db: Db, id: string): Promise<HelpView | null> {
  const { rows } = await db.query<{ view: HelpView }>('SELECT view FROM help_requests WHERE id = $1', [id]);
  return rows[0]?.view ?? null;
}

/**
 * The read model's rows that may wait for `actor` (邻里搭把手待办), one condition per awaited
 * action as its rule says (workflows/help-rules.ts); only candidates: api/services/help-queue.ts
 * judges each by the rules again. `p` adds a parameter and returns its placeholder.
 */
function waitingCondition(actor: Actor, p: (value: unknown) => string): string {
  const me = p(actor.accountId);
  const or: string[] = [
    // 报到 and 完成服务: the claimer's own next step.
    `(claimer_id = ${me} AND status IN ('claimed', 'in_service'))`,
    // 确认评价: the requester, once the service is done.
    `(requester_id = ${me} AND status = 'completed')`,
  ];
  // 社区下单: the request's own community.
  if (actor.role === 'community') or.push(`(community_id = ${p(actor.orgId)} AND status = 'pending_verification')`);
  // 接单: any party member, or the street of the request's community; never one's own request.
  if (actor.role === 'member') or.push(`(status = 'open' AND requester_id <> ${me})`);
  if (actor.role === 'street') or.push(`(status = 'open' AND street_id = ${p(actor.orgId)} AND requester_id <> ${me})`);
  return `(${or.join(' OR ')})`;
}

export interface HelpListFilter {
  status?: string;
  communityId?: string;
  streetId?: string;
  claimerId?: string;
  requesterId?: string;
  /** Only the candidates that may wait for this actor's action (waitingCondition). */
  waitingFor?: Actor;
  /** Only the requests this actor may see (workflows/help-visibility.ts). */
  visibleTo: Actor;
  /** The instant and id of the last request of the page before. */
  after?: { at: string; id: string };
  limit: number;
}

/** The board: newest first, filtered; `next` names the page's last request when more follow. */
export async function listHelpRequests(db: Db, f: HelpListFilter): Promise<{ views: HelpView[]; next: { at: Date; id: string } | null }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const p = (value: unknown) => { params.push(value); return `$${params.length}`; };
  if (f.status) where.push(`status = ${p(f.status)}`);
  if (f.communityId) where.push(`community_id = ${p(f.communityId)}`);
  if (f.streetId) where.push(`street_id = ${p(f.streetId)}`);
  if (f.claimerId) where.push(`claimer_id = ${p(f.claimerId)}`);
  if (f.requesterId) where.push(`requester_id = ${p(f.requesterId)}`);
  if (f.waitingFor) where.push(waitingCondition(f.waitingFor, p));
  where.push(helpVisibleCondition(f.visibleTo, p));
  if (f.after) where.push(`(posted_at, id) < (${p(f.after.at)}::timestamptz, ${p(f.after.id)})`);
  const sql = `SELECT view, posted_at, id FROM help_requests ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
               ORDER BY posted_at DESC, id DESC LIMIT ${p(f.limit + 1)}`;
  const { rows } = await db.query<{ view: HelpView; posted_at: Date; id: string }>(sql, params);
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  return { views: page.map((r) => r.view), next: rows.length > f.limit && last ? { at: last.posted_at, id: last.id } : null };
}

/** Timeline entries that make up a member's record. */
export const RECORD_TYPES = ['claimed', 'completed', 'no_show', 'confirmed'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

/** What a party member's record is counted from: entries by type, stars, requests in hand, the latest entries. */
export interface MemberFacts {
  counts: Array<{ type: string; n: number }>;
  stars: Array<{ rating: number; n: number }>;
  active: number;
  recent: Array<{ help_id: string; title: string; community_id: string; type: RecordType; at: Date; rating: number | null }>;
}

export async function memberFacts(db: Db, memberId: string): Promise<MemberFacts> {
  const { rows: counts } = await db.query<{ type: string; n: number }>(
    `SELECT type, count(*)::int AS n FROM help_events WHERE subject_id = $1 AND type = ANY($2::text[]) GROUP BY type`,
    [memberId, [...RECORD_TYPES]]);
  const { rows: stars } = await db.query<{ rating: number; n: number }>(
    `SELECT (data->>'rating')::int AS rating, count(*)::int AS n FROM help_events
      WHERE subject_id = $1 AND type = 'confirmed' AND data ? 'rating' GROUP BY 1`, [memberId]);
  const { rows: active } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM help_requests WHERE claimer_id = $1 AND status IN ('claimed', 'in_service')`, [memberId]);
  const { rows: recent } = await db.query<MemberFacts['recent'][number]>(
    `SELECT e.help_id, r.view->>'title' AS title, r.community_id, e.type, e.at, (e.data->>'rating')::int AS rating
       FROM help_events e JOIN help_requests r ON r.id = e.help_id
      WHERE e.subject_id = $1 AND e.type = ANY($2::text[])
      ORDER BY e.at DESC, e.help_id DESC, e.seq DESC LIMIT 20`, [memberId, [...RECORD_TYPES]]);
  return { counts, stars, active: active[0]?.n ?? 0, recent };
}
