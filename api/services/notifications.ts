/**
 * What was sent, or is waiting to be sent, to the caller's organisation: the notifications
 * outbox (反馈, 督办, 超时 …) read newest first, each with how its delivery stands. Delivery
 * itself is the worker's (activities/outbox.ts); `retryFailed` is `npm run notifications -- retry`.
 *
 * A notification is shown only to an account whose role may see its subject: a whistle's
 * notifications follow the whistle's own visibility (`canSee` of workflows/rules.ts), so the
 * residents and party members of a community never read what its community office is told about
 * a whistle; a help request is visible to every account, and so are its notifications.
 */
import type { Pool } from 'pg';
import { recordAudit } from '../../lib/audit';
import { invalid } from '../errors';
import type { NotificationQuery } from '../schemas/supervision';
import { canSee } from '../../workflows/rules';
import type { WhistleRuleExtras, WhistleView } from '../../workflows/messages';
import { ruleStateFrom } from '../../workflows/whistle-state';
import { actorOf, type Account } from './directory';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'inbox';

export interface NotificationItem {
  id: string; kind: string; subjectType: string; subjectId: string; message: string; createdAt: string; deliveredAt: string | null;
  delivery: { status: DeliveryStatus; attempts: number; lastError: string | null };
}

interface Row {
  id: string; kind: string; subject_type: string; subject_id: string; message: string; created_at: Date; delivered_at: Date | null;
  failed_at: Date | null; attempts: number; last_error: string | null;
}

/** Rows read at a time while filling a page (more only when many are hidden from the caller). */
const CHUNK = 100;

function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[1-9][0-9]{0,17}$/.test(id)) throw invalid('cursor is not one this API gave out');
  return id;
}

/**
 * How a notification's delivery stands. Without a webhook nothing is ever sent: what was not
 * delivered before is `inbox` (read through the API only).
 */
export function deliveryOf(row: Pick<Row, 'delivered_at' | 'failed_at' | 'attempts' | 'last_error'>, webhook: boolean): NotificationItem['delivery'] {
  const status: DeliveryStatus = row.delivered_at ? 'delivered' : row.failed_at ? 'failed' : webhook ? 'pending' : 'inbox';
  return { status, attempts: row.attempts, lastError: row.last_error };
}

export class NotificationService {
  constructor(private readonly pool: Pool, private readonly webhook: boolean) {}

  async list(account: Account, q: NotificationQuery): Promise<{ items: NotificationItem[]; nextCursor: string | null }> {
    const limit = q.limit ?? 20;
    const shown: Row[] = [];
    let before = q.cursor ? decodeCursor(q.cursor) : null;
    let more = false;
    for (;;) {
      const params: unknown[] = [account.orgId, CHUNK];
      if (before) params.push(before);
      const { rows } = await this.pool.query<Row>(
        `SELECT id::text AS id, kind, subject_type, subject_id, message, created_at, delivered_at, failed_at, attempts, last_error
           FROM notifications WHERE recipient_org_id = $1 ${before ? 'AND id < $3::bigint' : ''}
          ORDER BY notifications.id DESC LIMIT $2`, params);
      const visible = await this.visibleTo(account, rows);
      for (const row of rows) {
        if (!visible(row)) continue;
        if (shown.length === limit) { more = true; break; }
        shown.push(row);
      }
      if (more || rows.length < CHUNK) break;
      before = rows[rows.length - 1].id;
    }
    return {
      items: shown.map((r) => ({
        id: r.id, kind: r.kind, subjectType: r.subject_type, subjectId: r.subject_id, message: r.message,
        createdAt: r.created_at.toISOString(), deliveredAt: r.delivered_at?.toISOString() ?? null,
        delivery: deliveryOf(r, this.webhook),
      })),
      nextCursor: more ? Buffer.from(shown[shown.length - 1].id).toString('base64url') : null,
    };
  }

  /** Which of `rows` the account may read: those whose subject it may see. */
  private async visibleTo(account: Account, rows: Row[]): Promise<(row: Row) => boolean> {
    const whistleIds = [...new Set(rows.filter((r) => r.subject_type === 'whistle').map((r) => r.subject_id))];
    const seen = new Set<string>();
    if (whistleIds.length) {
      const { rows: whistles } = await this.pool.query<{ id: string; view: WhistleView; seen_by_departments: string[]; rules: WhistleRuleExtras | null }>(
        `SELECT id, view - 'timeline' - 'description' AS view, seen_by_departments, rules FROM whistles WHERE id = ANY($1::text[])`,
        [whistleIds]);
      const actor = actorOf(account);
      for (const w of whistles) {
        if (canSee(ruleStateFrom(w.view, w.seen_by_departments, w.rules), actor)) seen.add(w.id);
      }
    }
    return (row) => row.subject_type !== 'whistle' || seen.has(row.subject_id);
  }
}

export interface RetryResult { queued: string[] }

/**
 * `npm run notifications -- retry [--id ID]`: failed notifications (one, or all of them) are
 * pending again with their attempts from zero, due at once; each one queued is written to the
 * audit log (`notification_retried`) in the same transaction. A notification that is not failed
 * is left alone (so `--id` of a delivered or pending one queues nothing).
 */
export async function retryFailed(pool: Pool, options: { id?: string; actor: string }): Promise<RetryResult> {
  if (options.id !== undefined && !/^[1-9][0-9]{0,17}$/.test(options.id)) throw new Error(`not a notification id: "${options.id}"`);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ id: string; kind: string; subject_type: string; subject_id: string; recipient_org_id: string; attempts: number }>(
      `WITH failed AS (
         SELECT id, attempts FROM notifications
          WHERE failed_at IS NOT NULL ${options.id !== undefined ? 'AND id = $1::bigint' : ''}
          ORDER BY id FOR UPDATE)
       UPDATE notifications n SET failed_at = NULL, attempts = 0, next_attempt_at = now()
         FROM failed WHERE n.id = failed.id
       RETURNING n.id::text AS id, n.kind, n.subject_type, n.subject_id, n.recipient_org_id, failed.attempts`,
      options.id !== undefined ? [options.id] : []);
    rows.sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)));
    for (const r of rows) {
      await recordAudit(client, {
        type: 'notification_retried', actor: options.actor, subject: r.id,
        note: `${r.kind} about ${r.subject_type} ${r.subject_id} to ${r.recipient_org_id} queued again after ${r.attempts} attempts`,
      });
    }
    await client.query('COMMIT');
    return { queued: rows.map((r) => r.id) };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
