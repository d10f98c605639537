/**
 * The audit log (审计日志) read newest first, for the center and supervisors: who changed
 * accounts, keys, the calendar, the catalogue, notifications and published assessments. Entries
 * are written by the changes themselves (lib/audit.ts), in their own transactions.
 */
import type { Pool } from 'pg';
import { isCalendarDay } from '../../lib/calendar';
import { invalid } from '../errors';
import type { AuditItem, AuditQuery } from '../schemas/accounts';
import { decodeCursor, encodeCursor } from './cursor';

const DAY_MS = 86_400_000;

/** `from`/`to` as instants: a day is 00:00 Asia/Shanghai (`to`: the end of that day), an instant is itself. */
function bound(value: string, name: 'from' | 'to'): Date {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    if (!isCalendarDay(value)) throw invalid(`${name}: "${value}" is not a date`);
    const start = new Date(`${value}T00:00:00+08:00`);
    return name === 'from' ? start : new Date(start.getTime() + DAY_MS);
  }
  const at = new Date(value);
  if (Number.isNaN(at.getTime()) || !/(Z|[+-]\d{2}:?\d{2})$/i.test(value)) {
    throw invalid(`${name}: "${value}" is neither a date (YYYY-MM-DD) nor an ISO 8601 instant with its offset`);
  }
  // An instant bound is inclusive; `to` is compared as "before", so one millisecond later.
  return name === 'from' ? at : new Date(at.getTime() + 1);
}

export class AuditService {
  constructor(private readonly pool: Pool) {}

  async list(q: AuditQuery): Promise<{ items: AuditItem[]; nextCursor: string | null }> {
    const limit = q.limit ?? 20;
    const from = q.from ? bound(q.from, 'from') : null;
    const to = q.to ? bound(q.to, 'to') : null;
    if (from && to && from >= to) throw invalid('from must not be after to');
    const params: unknown[] = [from, to];
    let after = '';
    if (q.cursor) {
      const [at, id] = decodeCursor(q.cursor);
      if (!/^[1-9][0-9]{0,17}$/.test(id)) throw invalid('cursor is not one this API gave out');
      // The cursor's instant has milliseconds, the column microseconds: the row itself gives the exact one.
      params.push(at, id);
      after = `AND (at, id) < (COALESCE((SELECT at FROM audit_log WHERE id = $4::bigint), $3::timestamptz), $4::bigint)`;
    }
    params.push(limit + 1);
    const { rows } = await this.pool.query<{ id: string; at: Date; type: AuditItem['type']; actor: string; subject: string | null; note: string | null }>(
      `SELECT id::text AS id, at, type, actor, subject, note FROM audit_log
        WHERE ($1::timestamptz IS NULL OR at >= $1) AND ($2::timestamptz IS NULL OR at < $2) ${after}
        ORDER BY at DESC, id DESC LIMIT $${params.length}`, params);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => ({ at: r.at.toISOString(), type: r.type, actor: r.actor, subject: r.subject, note: r.note })),
      nextCursor: rows.length > limit ? encodeCursor(last.at, last.id) : null,
    };
  }
}
