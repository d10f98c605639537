/**
 * Delivery of the notifications outbox (反馈 to the whistle-blower, 督办 and 超时 to holders,
 * supervisors and the center) to the operators' webhook.
 *
 * The projection writes outbox rows in the same transaction as the timeline entries that cause
 * them; the `outboxDelivery` workflow calls `deliverPending` round after round. Each notification
 * is tried on its own:
 *
 * - a round claims the due notifications (`FOR UPDATE SKIP LOCKED`, then a lease in
 *   `next_attempt_at`, so two rounds never hold the same row and no transaction stays open while
 *   a POST is in flight), at most one per subject: the oldest pending notification of a whistle
 *   (or help request) goes first and the ones behind it wait, so order is kept within a whistle,
 *   never across whistles;
 * - it POSTs them all at once, signed, each within the webhook timeout, and records each answer
 *   as it comes: a 2xx marks the row delivered; anything else counts an attempt and schedules the
 *   next one with exponential backoff (1 s, 2 s, 4 s … at most 1 hour), or marks the row failed,
 *   with its last error, after `WEBHOOK_MAX_ATTEMPTS` attempts;
 * - a refusal never fails the activity: a receiver that rejects one notification for ever holds
 *   up only the later notifications of that same whistle (until it is marked failed), and the
 *   others at most by the round it shares with it (one POST timeout).
 *
 * Delivery is at least once: a crash between the webhook's 2xx and the row's update sends that
 * row again once its lease ends, so receivers deduplicate on `eventKey` + `recipientOrgId`
 * (equivalently on `id`).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { Pool } from 'pg';
import { claimDue, markDelivered, markFailed, nextDueInMs, scheduleRetry, type ClaimedRow } from '../lib/stores/notifications';
import { reportersOf } from '../lib/stores/reporters';
import type { DeliveryRound, OutboxActivities } from './types';
import type { OutboxDeliveryInput, outboxDelivery } from '../workflows/outbox-delivery';

export interface WebhookSettings {
  url: string;
  secret: string;
  /** Attempts before a notification is marked failed (WEBHOOK_MAX_ATTEMPTS, default 10). */
  maxAttempts?: number;
  /** One POST must answer within this long (WEBHOOK_TIMEOUT_SECONDS, default 10 s). */
  timeoutMs?: number;
}

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" with WEBHOOK_SECRET>`. */
export const SIGNATURE_HEADER = 'x-whistle-signature';
/** Unix seconds when the POST was made; signed together with the body; the body's `sentAt` is the same instant. */
export const TIMESTAMP_HEADER = 'x-whistle-timestamp';

const DEFAULT_MAX_ATTEMPTS = 10;
const DEFAULT_POST_TIMEOUT_MS = 10_000;
const MAX_ERROR_LENGTH = 500;
/** Backoff after the n-th failed attempt: 2^(n-1) seconds, at most an hour. */
const BACKOFF_BASE_MS = 1000;
const BACKOFF_MAX_MS = 3600_000;
/** How long a claimed notification is kept from other rounds beyond its POST's timeout. */
const LEASE_MARGIN_MS = 30_000;
/** A receiver should refuse a signed timestamp further than this from its own clock (replays). */
const SIGNATURE_TOLERANCE_SECONDS = 300;

/** The workflow id of the delivery loop: one per namespace. */
const OUTBOX_DELIVERY_ID = 'outbox-delivery';

/** What the webhook receives, one notification per POST. */
export interface WebhookPayload {
  id: string;
  /** With `recipientOrgId`, the receiver's deduplication key (delivery is at least once). */
  eventKey: string;
  recipientOrgId: string;
  /** A person's own notification (a resident's or party member's help request): the account it is for. */
  recipientAccountId?: string;
  kind: string;
  subjectType: string;
  subjectId: string;
  message: string;
  data: Record<string, unknown>;
  createdAt: string;
  /** Feedback (反馈) only: whom the result goes back to, for an SMS or call gateway. */
  reporter?: { name: string; phone: string };
  /** 1 for the first POST of this notification, then 2, 3 … (from 1 again after a retry by hand) */
  attempt: number;
  sentAt: string;
}

/** The delay before the next attempt after `attempts` failed ones. */
function backoffMs(attempts: number): number {
  return Math.min(BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1), BACKOFF_MAX_MS);
}

/** The signature of one POST: HMAC-SHA256 over the timestamp header's value, a dot and the raw body. */
function signBody(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

/**
 * What a receiver does: recompute the HMAC over `<timestamp>.<raw body>`, compare in constant
 * time, and refuse a timestamp more than `toleranceSeconds` away from its own clock — a captured
 * POST replayed later no longer passes, and the timestamp cannot be changed without the secret.
 */
export function verifySignature(
  secret: string,
  post: { body: string; timestamp: string | undefined; signature: string | undefined },
  options: { nowSeconds?: number; toleranceSeconds?: number } = {},
): boolean {
  const { body, timestamp, signature } = post;
  if (typeof signature !== 'string' || typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp)) return false;
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(timestamp)) > (options.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS)) return false;
  const expected = Buffer.from(signBody(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

async function post(webhook: WebhookSettings, row: ClaimedRow, reporter: { name: string; phone: string } | undefined): Promise<void> {
  const sentAt = new Date();
  const payload: WebhookPayload = {
    id: row.id, eventKey: row.event_key, recipientOrgId: row.recipient_org_id, kind: row.kind,
    subjectType: row.subject_type, subjectId: row.subject_id, message: row.message, data: row.data,
    createdAt: row.created_at.toISOString(), attempt: row.attempts, sentAt: sentAt.toISOString(),
    ...(row.recipient_account_id ? { recipientAccountId: row.recipient_account_id } : {}),
    ...(reporter ? { reporter } : {}),
  };
  const body = JSON.stringify(payload);
  const timestamp = String(Math.floor(sentAt.getTime() / 1000));
  const res = await fetch(webhook.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'whistle-outbox/2',
      [TIMESTAMP_HEADER]: timestamp,
      [SIGNATURE_HEADER]: signBody(webhook.secret, timestamp, body),
    },
    body,
    // A signed body is never forwarded elsewhere: a redirect counts as a refusal.
    redirect: 'manual',
    signal: AbortSignal.timeout(webhook.timeoutMs ?? DEFAULT_POST_TIMEOUT_MS),
  });
  await res.arrayBuffer().catch(() => undefined);
  if (res.status < 200 || res.status >= 300) throw new Error(`webhook answered HTTP ${res.status}`);
}

function describe(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return 'webhook did not answer in time';
  const cause = e?.cause?.code ?? e?.cause?.message;
  return `${e?.message ?? String(err)}${cause ? ` (${cause})` : ''}`.slice(0, MAX_ERROR_LENGTH);
}

export function createOutboxActivities(pool: Pool, webhook: WebhookSettings | null): OutboxActivities {
  const maxAttempts = webhook?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const leaseMs = (webhook?.timeoutMs ?? DEFAULT_POST_TIMEOUT_MS) + LEASE_MARGIN_MS;
  return {
    async deliverPending(batchSize: number): Promise<DeliveryRound> {
      if (!webhook) return { delivered: 0, retrying: 0, failed: 0, more: false, webhook: false, nextAttemptInMs: null };
      const size = Math.max(1, Math.min(Math.floor(batchSize) || 1, 500));
      const rows = await claimDue(pool, size, leaseMs);
      const feedbackIds = rows.filter((r) => r.kind === 'feedback' && r.subject_type === 'whistle').map((r) => r.subject_id);
      const reporters = await reportersOf(pool, feedbackIds);
      const round = { delivered: 0, retrying: 0, failed: 0 };
      // Every claimed notification at once: a slow or refusing receiver for one never waits on another.
      const settled = await Promise.allSettled(rows.map(async (row) => {
        const reporter = row.kind === 'feedback' ? reporters.get(row.subject_id) : undefined;
        try {
          await post(webhook, row, reporter);
        } catch (err) {
          const error = describe(err);
          if (row.attempts >= maxAttempts) {
            await markFailed(pool, row.id, error);
            round.failed++;
          } else {
            await scheduleRetry(pool, row.id, error, backoffMs(row.attempts));
            round.retrying++;
          }
          return;
        }
        await markDelivered(pool, row.id);
        round.delivered++;
      }));
      // A row whose answer could not be recorded (PostgreSQL gone) is sent again when its lease ends.
      const lost = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (lost) throw lost.reason;
      return { ...round, more: rows.length === size, webhook: true, nextAttemptInMs: await nextDueInMs(pool) };
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
