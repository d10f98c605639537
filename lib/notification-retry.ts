/**
 * `npm run notifications -- retry [--id ID]`: failed notifications (one, or all of them) are
 * pending again with their attempts from zero, due at once; each one queued is written to the
 * audit log (`notification_retried`) in the same transaction. A notification that is not failed
 * is left alone (so `--id` of a delivered or pending one queues nothing).
 */
import type { Pool } from 'pg';
import { recordAudit } from './audit';
import { inTransaction } from './db';
import { requeueFailed } from './stores/notifications';

export interface RetryResult { queued: string[] }

export async function retryFailed(pool: Pool, options: { id?: string; actor: string }): Promise<RetryResult> {
  if (options.id !== undefined && !/^[1-9][0-9]{0,17}$/.test(options.id)) throw new Error(`not a notification id: "${options.id}"`);
  return inTransaction(pool, async (client) => {
    const rows = await requeueFailed(client, options.id);
    for (const r of rows) {
      await recordAudit(client, {
        type: 'notification_retried', actor: options.actor, subject: r.id,
        note: `${r.kind} about ${r.subject_type} ${r.subject_id} to ${r.recipient_org_id} queued again after ${r.attempts} attempts`,
      });
    }
    return { queued: rows.map((r) => r.id) };
  });
}
