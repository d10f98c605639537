/**
 * What was sent, or is waiting to be sent, to the caller's organisation: the notifications
 * outbox (反馈, 督办, 超时 …) read newest first. Delivery itself is the worker's (activities/outbox.ts).
 */
import type { Pool } from 'pg';
import { invalid } from '../errors';
import type { NotificationQuery } from '../schemas/supervision';
import type { Account } from './directory';

export interface NotificationItem {
  id: string; kind: string; subjectType: string; subjectId: string; message: string; createdAt: string; deliveredAt: string | null;
}

function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[1-9][0-9]{0,17}$/.test(id)) throw invalid('cursor is not one this API gave out');
  return id;
}

export class NotificationService {
  constructor(private readonly pool: Pool) {}

  async list(account: Account, q: NotificationQuery): Promise<{ items: NotificationItem[]; nextCursor: string | null }> {
    const limit = q.limit ?? 20;
    const params: unknown[] = [account.orgId];
    let before = '';
    if (q.cursor) {
      params.push(decodeCursor(q.cursor));
      before = 'AND id < $2::bigint';
    }
    params.push(limit + 1);
    const { rows } = await this.pool.query<{
      id: string; kind: string; subject_type: string; subject_id: string; message: string; created_at: Date; delivered_at: Date | null;
    }>(
      `SELECT id::text AS id, kind, subject_type, subject_id, message, created_at, delivered_at
         FROM notifications WHERE recipient_org_id = $1 ${before}
        ORDER BY notifications.id DESC LIMIT $${params.length}`, params);
    const page = rows.slice(0, limit);
    return {
      items: page.map((r) => ({
        id: r.id, kind: r.kind, subjectType: r.subject_type, subjectId: r.subject_id, message: r.message,
        createdAt: r.created_at.toISOString(), deliveredAt: r.delivered_at?.toISOString() ?? null,
      })),
      nextCursor: rows.length > limit ? Buffer.from(page[page.length - 1].id).toString('base64url') : null,
    };
  }
}
