/**
 * The list of whistles (GET /v1/whistles) from the read model: SQL only. Which rows a caller may
 * see is the condition generated beside `canSee` (workflows/visibility.ts), never restated here.
 */
import type { Db } from '../db';
import type { Actor, WhistleView } from '../../domain';
import { visibleToCondition } from '../../workflows/visibility';

/** The sort key of a whistle without a deadline in the `due` order (after every real one). */
const NO_DEADLINE = '9999-12-31T23:59:59.999Z';

export interface WhistleListFilter {
  /** Only what this caller may see. */
  visibleTo: Actor;
  status?: string;
  list?: string;
  streetId?: string;
  communityId?: string;
  /** Ever dispatched to this department. */
  departmentId?: string;
  overdue?: boolean;
  dueSoon?: boolean;
  category?: string;
  /** 回访 due: resolved or closed, a reporter phone on record, the window open, no callback for the latest resolution. */
  callbackDue?: true;
  /** Waiting for this organisation (its queue, 工作台). */
  waitingFor?: string;
  /** `filed`: newest first; `due`: by deadline, the earliest first, whistles without one last. */
  order: 'filed' | 'due';
  /** The sort key (an instant) and id of the last whistle of the page before. */
  after?: { at: string; id: string };
  limit: number;
}

export interface WhistleListPage {
  views: Array<Omit<WhistleView, 'timeline'> & { timeline?: unknown }>;
  /** The sort key and id of the page's last whistle when more follow, else null. */
  next: { at: Date; id: string } | null;
}

export async function listWhistles(db: Db, f: WhistleListFilter): Promise<WhistleListPage> {
  const where: string[] = [];
  const params: unknown[] = [];
  const p = (value: unknown) => { params.push(value); return `$${params.length}`; };
  where.push(visibleToCondition(f.visibleTo, p));
  if (f.status) where.push(`status = ${p(f.status)}`);
  if (f.list) where.push(`list = ${p(f.list)}`);
  if (f.streetId) where.push(`street_id = ${p(f.streetId)}`);
  if (f.communityId) where.push(`community_id = ${p(f.communityId)}`);
  if (f.departmentId) where.push(`seen_by_departments @> ARRAY[${p(f.departmentId)}]::text[]`);
  if (f.overdue !== undefined) where.push(`overdue = ${p(f.overdue)}`);
  if (f.dueSoon !== undefined) where.push(`due_soon = ${p(f.dueSoon)}`);
  if (f.category) where.push(`category = ${p(f.category)}`);
  if (f.callbackDue) {
    // callback_due_until and callback_at: migrations/040 (kept from the view and the rules by a trigger).
    where.push(`callback_due_until > now() AND callback_at IS NULL AND status IN ('resolved', 'closed')
      AND EXISTS (SELECT 1 FROM whistle_reporters r WHERE r.whistle_id = whistles.id)`);
  }
  if (f.waitingFor) where.push(`waiting_org_ids @> ARRAY[${p(f.waitingFor)}]::text[]`);
  const byDue = f.order === 'due';
  const dueKey = `COALESCE(due_at, '${NO_DEADLINE}'::timestamptz)`;
  if (f.after) {
    where.push(byDue
      ? `(${dueKey}, id) > (${p(f.after.at)}::timestamptz, ${p(f.after.id)})`
      : `(filed_at, id) < (${p(f.after.at)}::timestamptz, ${p(f.after.id)})`);
  }
  const sql = `SELECT view, filed_at, due_at, id FROM whistles WHERE ${where.join(' AND ')}
               ORDER BY ${byDue ? `${dueKey} ASC, id ASC` : 'filed_at DESC, id DESC'} LIMIT ${p(f.limit + 1)}`;
  const { rows } = await db.query<{ view: WhistleListPage['views'][number]; filed_at: Date; due_at: Date | null; id: string }>(sql, params);
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  return {
    views: page.map((r) => r.view),
    next: rows.length > f.limit && last
      ? { at: byDue ? (last.due_at ?? new Date(NO_DEADLINE)) : last.filed_at, id: last.id }
      : null,
  };
}
