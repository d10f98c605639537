/**
 * The notifications outbox (table `notifications`): written by the projections, read by the
 * recipients (GET /v1/notifications), delivered to the webhook by the worker, queued again by the
 * operators. SQL only; who is told of what is lib/read-model/, delivery activities/outbox.ts.
 */
import type { Db } from '../db';

/**
 * One notification planned by a projection: to whom, of what kind, and its text. `subjectId`: the
 * whistle it is about when that is not the one whose entry caused it (a merged whistle's feedback).
 */
export interface PlannedNotification {
  recipientOrgId: string; kind: string; message: string; subjectId?: string;
  /** A person's own notification (a resident's or party member's help request): only that account reads it. */
  recipientAccountId?: string;
}

/** One notification to put in the outbox: what it is about, to whom, and the data it carries. */
export interface OutboxEntry {
  subject: { type: 'whistle' | 'help'; id: string; seq: number };
  notification: PlannedNotification;
  data: Record<string, unknown>;
  /** Instead of `<subject type>:<id>:<seq>`, when the subject is not the entry's own whistle. */
  eventKey?: string;
}

/**
 * Puts notifications in the outbox (inside the projection's transaction), in one statement. The
 * event key (`<subject type>:<id>:<timeline seq>`) and the recipient make each one unique:
 * written once, ever (a retried projection or a repeated entry changes nothing). Rows get their
 * ids in the order given, which is the order the outbox delivers them in.
 */
export async function enqueueNotifications(db: Db, entries: OutboxEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db.query(
    `INSERT INTO notifications (event_key, recipient_org_id, kind, subject_type, subject_id, message, data, recipient_account_id)
     SELECT n.event_key, n.recipient_org_id, n.kind, n.subject_type, n.subject_id, n.message, n.data, n.recipient_account_id
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::text[])
              WITH ORDINALITY AS n(event_key, recipient_org_id, kind, subject_type, subject_id, message, data, recipient_account_id, i)
      ORDER BY n.i
     ON CONFLICT (event_key, recipient_org_id) DO NOTHING`,
    [
      entries.map((e) => (e.eventKey ?? `${e.subject.type}:${e.subject.id}:${e.subject.seq}`)
        + (e.notification.recipientAccountId ? `@${e.notification.recipientAccountId}` : '')),
      entries.map((e) => e.notification.recipientOrgId),
      entries.map((e) => e.notification.kind),
      entries.map((e) => e.subject.type),
      entries.map((e) => e.subject.id),
      entries.map((e) => e.notification.message),
      entries.map((e) => JSON.stringify(e.data)),
      entries.map((e) => e.notification.recipientAccountId ?? null),
    ],
  );
}

/** A notification as its recipient reads it. */
export interface NotificationRow {
  id: string; kind: string; subject_type: string; subject_id: string; message: string; created_at: Date; delivered_at: Date | null;
  failed_at: Date | null; attempts: number; last_error: string | null;
  /** Set when the notification is addressed to one account (a resident's or party member's own). */
  recipient_account_id: string | null;
}

/**
 * Up to `limit` notifications an account reads, newest first, older than the notification
 * `beforeId` when given: those to its unit (`orgId`); a person (`personal`: a resident or party
 * member) only those addressed to its own account, anyone else those to the unit as a whole and
 * those to its own account.
 */
export async function notificationsTo(db: Db, to: { orgId: string; accountId: string; personal: boolean }, limit: number,
  beforeId: string | null): Promise<NotificationRow[]> {
  const params: unknown[] = [to.orgId, limit, to.accountId];
  if (beforeId) params.push(beforeId);
  const mine = to.personal ? 'recipient_account_id = $3' : '(recipient_account_id IS NULL OR recipient_account_id = $3)';
  const { rows } = await db.query<NotificationRow>(
    `SELECT id::text AS id, kind, subject_type, subject_id, message, created_at, delivered_at, failed_at, attempts, last_error,
            recipient_account_id
       FROM notifications WHERE recipient_org_id = $1 AND ${mine} ${beforeId ? 'AND id < $4::bigint' : ''}
      ORDER BY notifications.id DESC LIMIT $2`, params);
  return rows;
}

/**
 * Failed notifications (one, or all of them) pending again with their attempts from zero, due at
 * once; answers each one queued, in id order, with the attempts it had.
 */
export async function requeueFailed(db: Db, id?: string): Promise<Array<{
  id: string; kind: string; subject_type: string; subject_id: string; recipient_org_id: string; attempts: number;
}>> {
  const { rows } = await db.query<{ id: string; kind: string; subject_type: string; subject_id: string; recipient_org_id: string; attempts: number }>(
    `WITH failed AS (
       SELECT id, attempts FROM notifications
        WHERE failed_at IS NOT NULL ${id !== undefined ? 'AND id = $1::bigint' : ''}
        ORDER BY id FOR UPDATE)
     UPDATE notifications n SET failed_at = NULL, attempts = 0, next_attempt_at = now()
       FROM failed WHERE n.id = failed.id
     RETURNING n.id::text AS id, n.kind, n.subject_type, n.subject_id, n.recipient_org_id, failed.attempts`,
    id !== undefined ? [id] : []);
  return rows.sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)));
}

/** Every failed notification, oldest first, with its last error (`npm run notifications -- failed`). */
export async function failedNotifications(db: Db): Promise<Array<{
  id: string; kind: string; subject_type: string; subject_id: string; recipient_org_id: string; attempts: number; failed_at: Date;
  last_error: string | null;
}>> {
  const { rows } = await db.query(
    `SELECT id::text, kind, subject_type, subject_id, recipient_org_id, attempts, failed_at, last_error
       FROM notifications WHERE failed_at IS NOT NULL ORDER BY id`);
  return rows;
}

/** How many notifications wait for delivery and how many failed for good (/metrics). */
export async function outboxCounts(db: Db): Promise<{ pending: number; failed: number }> {
  const { rows } = await db.query<{ pending: number; failed: number }>(
    `SELECT (SELECT count(*) FROM notifications WHERE delivered_at IS NULL AND failed_at IS NULL)::int AS pending,
            (SELECT count(*) FROM notifications WHERE failed_at IS NOT NULL)::int AS failed`);
  return rows[0];
}

// ---- delivery (activities/outbox.ts) ------------------------------------------------------------

/** A notification claimed for delivery. */
export interface ClaimedRow {
  id: string; event_key: string; recipient_org_id: string; kind: string; subject_type: string; subject_id: string;
  message: string; data: Record<string, unknown>; created_at: Date; attempts: number; recipient_account_id: string | null;
}

/**
 * Pending notifications that may be sent now: due (`next_attempt_at` passed) and the oldest
 * pending one of their subject. `$1` is the most to take.
 */
const CLAIM_SQL = `
WITH heads AS (
  SELECT n.id
    FROM notifications n
   WHERE n.delivered_at IS NULL AND n.failed_at IS NULL AND n.next_attempt_at <= now()
     AND NOT EXISTS (
       SELECT 1 FROM notifications m
        WHERE m.subject_type = n.subject_type AND m.subject_id = n.subject_id AND m.id < n.id
          AND m.delivered_at IS NULL AND m.failed_at IS NULL)
   ORDER BY n.id
   LIMIT $1
   FOR UPDATE OF n SKIP LOCKED
)
UPDATE notifications n
   SET attempts = n.attempts + 1, next_attempt_at = now() + make_interval(secs => $2::double precision / 1000)
  FROM heads
 WHERE n.id = heads.id
RETURNING n.id::text AS id, n.event_key, n.recipient_org_id, n.kind, n.subject_type, n.subject_id, n.message, n.data,
          n.created_at, n.attempts, n.recipient_account_id`;

/** When the next pending notification that may be sent falls due (null: none waits). */
const NEXT_DUE_SQL = `
SELECT GREATEST(0, ceil(extract(epoch FROM (min(n.next_attempt_at) - now())) * 1000))::bigint AS ms
  FROM notifications n
 WHERE n.delivered_at IS NULL AND n.failed_at IS NULL
   AND NOT EXISTS (
     SELECT 1 FROM notifications m
      WHERE m.subject_type = n.subject_type AND m.subject_id = n.subject_id AND m.id < n.id
        AND m.delivered_at IS NULL AND m.failed_at IS NULL)`;

/**
 * Claims up to `size` due notifications (`FOR UPDATE SKIP LOCKED`, then a lease of `leaseMs` in
 * `next_attempt_at`), counting the attempt: two rounds never hold the same row, and no
 * transaction stays open while a POST is in flight.
 */
export async function claimDue(db: Db, size: number, leaseMs: number): Promise<ClaimedRow[]> {
  const { rows } = await db.query<ClaimedRow>(CLAIM_SQL, [size, leaseMs]);
  return rows;
}

export async function markDelivered(db: Db, id: string): Promise<void> {
  await db.query('UPDATE notifications SET delivered_at = now(), last_error = NULL WHERE id = $1', [id]);
}

export async function markFailed(db: Db, id: string, error: string): Promise<void> {
  await db.query('UPDATE notifications SET failed_at = now(), last_error = $2 WHERE id = $1', [id, error]);
}

/** The next attempt `delayMs` from now, with the refusal that made it necessary. */
export async function scheduleRetry(db: Db, id: string, error: string, delayMs: number): Promise<void> {
  await db.query(
    'UPDATE notifications SET next_attempt_at = now() + make_interval(secs => $3::double precision / 1000), last_error = $2 WHERE id = $1',
    [id, error, delayMs]);
}

/** In how many ms the next pending notification that may be sent falls due (0: now); null when none is pending. */
export async function nextDueInMs(db: Db): Promise<number | null> {
  const { rows } = await db.query<{ ms: string | null }>(NEXT_DUE_SQL);
  const ms = rows[0]?.ms;
  return ms === null || ms === undefined ? null : Number(ms);
}
