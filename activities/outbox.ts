/**
 * Delivery of the notifications outbox (反馈 to the whistle-blower, 督办 and 超时 to holders,
 * supervisors and the center) to the operators' webhook.
 *
 * The projection writes outbox rows in the same transaction as the timeline entries that cause
 * them; the `outboxDelivery` workflow calls `deliverPending` round after round. Each call claims
 * the oldest undelivered rows (`FOR UPDATE SKIP LOCKED`, so two attempts never hold the same row),
 * POSTs each one, signed, and marks it delivered. The first refusal is recorded on its row and
 * thrown, so Temporal retries the activity with backoff. Delivery is at least once: a crash
 * between the webhook's 2xx and the commit sends that row again, so receivers deduplicate on
 * `eventKey` + `recipientOrgId` (equivalently on `id`).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { Pool } from 'pg';
import type { DeliveryRound, OutboxActivities } from './types';
import type { OutboxDeliveryInput, outboxDelivery } from '../workflows/outbox-delivery';

export interface WebhookSettings { url: string; secret: string }

/** `sha256=<hex HMAC-SHA256 of the raw body with WEBHOOK_SECRET>`. */
export const SIGNATURE_HEADER = 'x-whistle-signature';
/** Unix seconds when the POST was made; the body's `sentAt` is the same instant. */
export const TIMESTAMP_HEADER = 'x-whistle-timestamp';

/** One webhook POST must answer within this long. */
const POST_TIMEOUT_MS = 10_000;
const MAX_ERROR_LENGTH = 500;

/** The workflow id of the delivery loop: one per namespace. */
export const OUTBOX_DELIVERY_ID = 'outbox-delivery';

/** What the webhook receives, one notification per POST. */
export interface WebhookPayload {
  id: string;
  /** With `recipientOrgId`, the receiver's deduplication key (delivery is at least once). */
  eventKey: string;
  recipientOrgId: string;
  kind: string;
  subjectType: string;
  subjectId: string;
  message: string;
  data: Record<string, unknown>;
  createdAt: string;
  /** Feedback (反馈) only: whom the result goes back to, for an SMS or call gateway. */
  reporter?: { name: string; phone: string };
  /** 1 for the first POST of this notification, then 2, 3 … */
  attempt: number;
  sentAt: string;
}

interface PendingRow {
  id: string; event_key: string; recipient_org_id: string; kind: string; subject_type: string; subject_id: string;
  message: string; data: Record<string, unknown>; created_at: Date; attempts: number;
  reporter_name: string | null; reporter_phone: string | null;
}

export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** What a receiver does: recompute the HMAC over the raw body and compare in constant time. */
export function verifySignature(secret: string, body: string, header: string | undefined): boolean {
  if (typeof header !== 'string') return false;
  const expected = Buffer.from(signBody(secret, body));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

async function post(webhook: WebhookSettings, row: PendingRow, attempt: number): Promise<void> {
  const sentAt = new Date();
  const payload: WebhookPayload = {
    id: row.id, eventKey: row.event_key, recipientOrgId: row.recipient_org_id, kind: row.kind,
    subjectType: row.subject_type, subjectId: row.subject_id, message: row.message, data: row.data,
    createdAt: row.created_at.toISOString(), attempt, sentAt: sentAt.toISOString(),
    ...(row.reporter_name && row.reporter_phone ? { reporter: { name: row.reporter_name, phone: row.reporter_phone } } : {}),
  };
  const body = JSON.stringify(payload);
  const res = await fetch(webhook.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'whistle-outbox/1',
      [TIMESTAMP_HEADER]: String(Math.floor(sentAt.getTime() / 1000)),
      [SIGNATURE_HEADER]: signBody(webhook.secret, body),
    },
    body,
    // A signed body is never forwarded elsewhere: a redirect counts as a refusal.
    redirect: 'manual',
    signal: AbortSignal.timeout(POST_TIMEOUT_MS),
  });
  await res.arrayBuffer().catch(() => undefined);
  if (res.status < 200 || res.status >= 300) throw new Error(`webhook answered HTTP ${res.status}`);
}

function describe(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  const cause = e?.cause?.code ?? e?.cause?.message;
  return `${e?.message ?? String(err)}${cause ? ` (${cause})` : ''}`.slice(0, MAX_ERROR_LENGTH);
}

export function createOutboxActivities(pool: Pool, webhook: WebhookSettings | null): OutboxActivities {
  return {
    async deliverPending(batchSize: number): Promise<DeliveryRound> {
      if (!webhook) return { delivered: 0, more: false, webhook: false };
      const size = Math.max(1, Math.min(Math.floor(batchSize) || 1, 500));
      const client = await pool.connect();
      let open = false;
      try {
        await client.query('BEGIN');
        open = true;
        const { rows } = await client.query<PendingRow>(
          `SELECT n.id::text AS id, n.event_key, n.recipient_org_id, n.kind, n.subject_type, n.subject_id, n.message, n.data,
                  n.created_at, n.attempts, r.name AS reporter_name, r.phone AS reporter_phone
             FROM notifications n
             LEFT JOIN whistle_reporters r ON n.kind = 'feedback' AND n.subject_type = 'whistle' AND r.whistle_id = n.subject_id
            WHERE n.delivered_at IS NULL
            ORDER BY n.id LIMIT $1 FOR UPDATE OF n SKIP LOCKED`, [size + 1]);
        let delivered = 0;
        let refusal: { id: string; error: string } | null = null;
        for (const row of rows.slice(0, size)) {
          const attempt = row.attempts + 1;
          try {
            await post(webhook, row, attempt);
          } catch (err) {
            refusal = { id: row.id, error: describe(err) };
            await client.query('UPDATE notifications SET attempts = $2, last_error = $3 WHERE id = $1', [row.id, attempt, refusal.error]);
            break;
          }
          await client.query('UPDATE notifications SET delivered_at = now(), attempts = $2, last_error = NULL WHERE id = $1', [row.id, attempt]);
          delivered++;
        }
        await client.query('COMMIT');
        open = false;
        if (refusal) {
          throw ApplicationFailure.retryable(`notification ${refusal.id} not delivered: ${refusal.error}`, 'webhook_refused');
        }
        return { delivered, more: rows.length > size, webhook: true };
      } catch (err) {
        if (open) await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
  };
}

/**
 * Starts the delivery loop unless it already runs (USE_EXISTING): safe from every worker at
 * every start. Returns its handle.
 */
export async function ensureOutboxDelivery(
  client: Client, taskQueue: string, options: { workflowId?: string; input?: OutboxDeliveryInput } = {},
): Promise<WorkflowHandle<typeof outboxDelivery>> {
  return client.workflow.start<typeof outboxDelivery>('outboxDelivery', {
    workflowId: options.workflowId ?? OUTBOX_DELIVERY_ID,
    taskQueue,
    args: [options.input ?? {}],
    workflowIdConflictPolicy: 'USE_EXISTING',
    staticSummary: 'Outbox delivery: notifications to the webhook (signed, at least once)',
  });
}
