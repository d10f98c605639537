/**
 * Projection of whistle workflows into PostgreSQL: one row per whistle (never moved back to an
 * older version), one row per timeline entry, the 验单 receipts those entries make, and the
 * outbox of notifications they cause — all in one transaction, so a retried activity changes
 * nothing twice.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Pool } from 'pg';
import { enqueueNotifications, notificationsFor, type OutboxEntry, type Recipients } from './notifications';
import type { WhistleProjection } from './types';
import { waitingFor } from '../workflows/rules';

/**
 * How long the supervision and center organisations are reused before they are read again.
 * Organisations change rarely (an operator adds one); a notification for supervisors or the
 * center may miss an office created less than 30 s ago, which is acceptable. Each pool (one per
 * database) has its own entry.
 */
const RECIPIENTS_TTL_MS = 30_000;
const recipientsCache = new WeakMap<Pool, { at: number; value: Promise<Recipients> }>();

function recipients(pool: Pool): Promise<Recipients> {
  const cached = recipientsCache.get(pool);
  if (cached && Date.now() - cached.at < RECIPIENTS_TTL_MS) return cached.value;
  const value = pool.query<{ id: string; kind: string }>(
    "SELECT id, kind FROM orgs WHERE kind IN ('supervision', 'center') ORDER BY id",
  ).then(({ rows }) => ({
    supervisors: rows.filter((r) => r.kind === 'supervision').map((r) => r.id),
    centers: rows.filter((r) => r.kind === 'center').map((r) => r.id),
  }));
  const entry = { at: Date.now(), value };
  recipientsCache.set(pool, entry);
  // A failed read is not kept: the next projection (the activity's retry) reads again.
  value.catch(() => { if (recipientsCache.get(pool) === entry) recipientsCache.delete(pool); });
  return value;
}

/** NUL, and surrogates that are not part of a pair: text PostgreSQL refuses (text or jsonb). */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * The value with every string (and key) made storable: each NUL or lone surrogate becomes
 * U+FFFD. The API refuses such text, but a whistle that carries it anyway (an operator's
 * signal, a whistle filed before the API checked) must not stop its projection for good.
 */
export function storable<T>(value: T): T {
  if (typeof value === 'string') return value.replace(UNSTORABLE, '\ufffd') as T;
  if (Array.isArray(value)) return value.map((v) => storable(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[storable(k)] = storable(v);
    return out as T;
  }
  return value;
}

/**
 * Writes a whistle's projection: from its workflow (every timeline entry), or from the API with
 * an action's answer (the newest entries only, `timelineLength` saying how many there are).
 * The row's `view` is kept without its timeline: the timeline is `whistle_events`.
 */
export async function projectWhistle(pool: Pool, projection: WhistleProjection, options: { durable?: boolean } = {}): Promise<void> {
  const p = storable(projection);
  const v = p.view;
  const { timeline: _timeline, ...stored } = v as typeof v & { timeline?: unknown };
  const timelineLength = p.timelineLength ?? p.events.length;
  const to = await recipients(pool);
  const client = await pool.connect();
  // A connection lost between two statements (PostgreSQL restarted, a network cut) arrives as an
  // 'error' event on the checked-out client; unheard, it would end the worker process. The
  // transaction's next statement fails instead, the activity is retried, and the broken
  // connection is destroyed, not returned to the pool.
  let lost: Error | undefined;
  const onLost = (err: Error) => { lost = err; };
  client.on('error', onLost);
  try {
    // `durable: false` (the API writing what an update answered, for read-your-writes): the commit
    // does not wait for the disk. Should PostgreSQL crash within that moment, the workflow's own
    // projection of the same change, which does wait, writes it again.
    await client.query(options.durable === false ? 'BEGIN; SET LOCAL synchronous_commit TO OFF' : 'BEGIN');
    // The projection runs inside the workflow task that made the change (a local activity). When
    // that task never completes (its worker killed), the task runs again and projects the same
    // version once more, with its own instants: the later projection of a version is the one the
    // workflow's history keeps, so the same version overwrites, an older one never does. The
    // same version with the same content (the API wrote an action's answer, the workflow projects
    // it a moment later) is not written again: no row version, no index entries, no WAL.
    const found = await client.query<{ version: number; view: unknown; rules: unknown; seen_by_departments: string[] }>(
      'SELECT version, view, rules, seen_by_departments FROM whistles WHERE id = $1 FOR UPDATE', [v.id]);
    const existing = found.rows[0];
    const same = existing !== undefined && existing.version === p.version
      && isDeepStrictEqual(existing.view, JSON.parse(JSON.stringify(stored)))
      && isDeepStrictEqual(existing.rules, p.rules ? JSON.parse(JSON.stringify(p.rules)) : null)
      && isDeepStrictEqual(existing.seen_by_departments, p.seenByDepartments);
    const applied = same ? { rowCount: 1 } : await client.query(
      `INSERT INTO whistles (id, version, status, list, category, urgent, filer_org_id, community_id, street_id, holder,
         department_ids, seen_by_departments, due_at, overdue, filed_at, resolved_at, closed_at, rating, reporter_name, view,
         rules, due_soon, duplicate_of, reports, waiting_org_ids, updated_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25, now())
       ON CONFLICT (id) DO UPDATE SET
         version = EXCLUDED.version, status = EXCLUDED.status, list = EXCLUDED.list, holder = EXCLUDED.holder,
         department_ids = EXCLUDED.department_ids, seen_by_departments = EXCLUDED.seen_by_departments,
         due_at = EXCLUDED.due_at, overdue = EXCLUDED.overdue, resolved_at = EXCLUDED.resolved_at,
         closed_at = EXCLUDED.closed_at, rating = EXCLUDED.rating, view = EXCLUDED.view, rules = EXCLUDED.rules,
         due_soon = EXCLUDED.due_soon, duplicate_of = EXCLUDED.duplicate_of, reports = EXCLUDED.reports,
         waiting_org_ids = EXCLUDED.waiting_org_ids, updated_at = now()
       WHERE whistles.version <= EXCLUDED.version
       RETURNING version`,
      [v.id, p.version, v.status, v.list, v.category, v.urgent, v.filerOrgId, v.communityId, v.streetId, v.holder,
        v.departments.map((d) => d.id), p.seenByDepartments, v.dueAt, v.overdue, v.filedAt, v.resolvedAt, v.closedAt,
        v.evaluation?.rating ?? null, p.reporterName, JSON.stringify(stored), p.rules ? JSON.stringify(p.rules) : null,
        v.dueSoon ?? false, v.duplicateOf ?? null, v.reports ?? 1, waitingFor(v)],
    );
    const current = (applied.rowCount ?? 0) > 0;
    const inserted = await client.query<{ seq: number }>(
      `INSERT INTO whistle_events (whistle_id, seq, at, type, actor, unit_id, note, data)
       SELECT $1, e.seq, e.at, e.type, e.actor, e.unit_id, e.note, e.data
         FROM jsonb_to_recordset($2::jsonb) AS e(seq int, at timestamptz, type text, actor text, unit_id text, note text, data jsonb)
       ON CONFLICT (whistle_id, seq) DO UPDATE SET
         at = EXCLUDED.at, type = EXCLUDED.type, actor = EXCLUDED.actor, unit_id = EXCLUDED.unit_id,
         note = EXCLUDED.note, data = EXCLUDED.data
       WHERE $3::boolean
         AND (whistle_events.at, whistle_events.type, whistle_events.actor, whistle_events.unit_id, whistle_events.note,
              whistle_events.data)
             IS DISTINCT FROM (EXCLUDED.at, EXCLUDED.type, EXCLUDED.actor, EXCLUDED.unit_id, EXCLUDED.note, EXCLUDED.data)
       RETURNING seq`,
      [v.id, JSON.stringify(p.events.map((e) => ({ ...e, unit_id: e.unit }))), current],
    );
    if (current && existing?.version === p.version) {
      // Entries past this version's timeline can only come from a task that never completed, and
      // that task wrote this very version (a row's version never goes back).
      await client.query('DELETE FROM whistle_events WHERE whistle_id = $1 AND seq > $2', [v.id, timelineLength]);
    }
    // The 验单 receipts of the whistle (table whistle_receipts) are brought up to date by the
    // trigger on whistle_events, within these statements and so within this transaction, from
    // the entries they wrote: nothing to do here, and nothing happens when they wrote none.
    // Notifications are keyed by entry and recipient: an entry written again notifies no one twice.
    const fresh = new Set(inserted.rows.map((r) => r.seq));
    const outbox: OutboxEntry[] = [];
    for (const event of p.events.filter((e) => fresh.has(e.seq))) {
      for (const n of notificationsFor(event, v, to, p.rules?.merged ?? [])) {
        // A feedback about a merged whistle is about that whistle (its reporter is told), keyed apart.
        const subject = { type: 'whistle' as const, id: n.subjectId ?? v.id, seq: event.seq };
        outbox.push({ subject, notification: n, data: { eventType: event.type, at: event.at, status: v.status },
          ...(n.subjectId ? { eventKey: `whistle:${v.id}:${event.seq}:${n.subjectId}` } : {}) });
      }
    }
    await enqueueNotifications(client, outbox);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.off('error', onLost);
    client.release(lost);
  }
}
