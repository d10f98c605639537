/**
 * What was sent, or is waiting to be sent, to the caller's organisation: the notifications
 * outbox (反馈, 督办, 超时 …) read newest first, each with how its delivery stands. Delivery
 * itself is the worker's (activities/outbox.ts); queuing failed ones again the operators'
 * (lib/notification-retry.ts).
 *
 * Notifications go to the accounts they concern: one addressed to a person (a resident's or party
 * member's own help request, posted or claimed) is read by that account alone; one addressed to a
 * unit is read by the unit's accounts but its residents and members, who never read their
 * community office's. And a notification is shown only to an account that may see its subject: a
 * whistle's follow the whistle's own visibility (`canSee` of workflows/visibility.ts).
 */
import type { Pool } from 'pg';
import { isPersonRole } from '../../lib/units';
import { notificationsTo, type NotificationRow } from '../../lib/stores/notifications';
import { visibilityRows } from '../../lib/stores/whistles';
import { invalid } from '../errors';
import type { NotificationQuery } from '../schemas/supervision';
import { canSee } from '../../workflows/visibility';
import { ruleStateFrom } from '../../workflows/whistle/state';
import { actorOf, type Account } from './directory';
import { readsNotification } from './notification-visibility';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'inbox';

export interface NotificationItem {
  id: string; kind: string; subjectType: string; subjectId: string; message: string; createdAt: string; deliveredAt: string | null;
  delivery: { status: DeliveryStatus; attempts: number; lastError: string | null };
}

type Row = NotificationRow;

/** Rows read at a time while filling a page (more only when many are hidden from the caller). */
const CHUNK = 100;

function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[1-9][0-9]{0,17}$/.test(id)) throw invalid('cursor is not one this API gave out', '翻页位置无效，请从第一页重新查看');
  return id;
}

/**
 * How a notification's delivery stands. Without a webhook nothing is ever sent: what was not
 * delivered before is `inbox` (read through the API only).
 */
function deliveryOf(row: Pick<Row, 'delivered_at' | 'failed_at' | 'attempts' | 'last_error'>, webhook: boolean): NotificationItem['delivery'] {
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
      const rows = await notificationsTo(this.pool, { orgId: account.orgId, accountId: account.id, personal: isPersonRole(account.role) },
        CHUNK, before);
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
      const whistles = await visibilityRows(this.pool, whistleIds);
      const actor = actorOf(account);
      for (const w of whistles) {
        if (canSee(ruleStateFrom(w.view, w.seen_by_departments, w.rules), actor)) seen.add(w.id);
      }
    }
    return (row) => readsNotification(account,
      { recipientOrgId: account.orgId, recipientAccountId: row.recipient_account_id, subjectType: row.subject_type }, seen.has(row.subject_id));
  }
}
