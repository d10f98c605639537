/**
 * The audit log (审计日志) read newest first, for the center, supervisors and the auditor: who
 * changed accounts, keys, the calendar, the catalogue, notifications and published assessments,
 * who signed in and out. Entries are written by the changes themselves (lib/audit.ts), in their
 * own transactions; filtered by time, actor, type and subject. Also the sign-in records (登录记录), read the same way.
 */
import type { Pool } from 'pg';
import { isCalendarDay } from '../../lib/calendar';
import { shanghaiMidnight } from '../../domain/shanghai-time';
import { invalid } from '../errors';
import type { AuditType } from '../../lib/audit';
import { verifyAudit, type ChainCheck } from '../../lib/audit-chain';
import { auditEntries } from '../../lib/stores/audit';
import { listSignIns, type SignInOutcome } from '../../lib/stores/sign-ins';
import type { SignInsQuery } from '../schemas/setup';
import type { AuditItem, AuditQuery } from '../schemas/accounts';
import { decodeCursor, encodeCursor } from './cursor';

const DAY_MS = 86_400_000;

/** `from`/`to` as instants: a day is 00:00 Asia/Shanghai (`to`: the end of that day), an instant is itself. */
function bound(value: string, name: 'from' | 'to'): Date {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    if (!isCalendarDay(value)) throw invalid(`${name}: "${value}" is not a date`, `${name === 'from' ? '开始' : '结束'}日期无效`);
    const start = shanghaiMidnight(value);
    return name === 'from' ? start : new Date(start.getTime() + DAY_MS);
  }
  const at = new Date(value);
  if (Number.isNaN(at.getTime()) || !/(Z|[+-]\d{2}:?\d{2})$/i.test(value)) {
    throw invalid(`${name}: "${value}" is neither a date (YYYY-MM-DD) nor an ISO 8601 instant with its offset`,
      `${name === 'from' ? '开始' : '结束'}时间应为日期（YYYY-MM-DD）或带时区的时间`);
  }
  // An instant bound is inclusive; `to` is compared as "before", so one millisecond later.
  return name === 'from' ? at : new Date(at.getTime() + 1);
}

/** What both logs are read by: the page size (20 unless given), the time bounds, where the page starts. */
function windowOf(q: { limit?: number; from?: string; to?: string; cursor?: string }): {
  limit: number; from: Date | null; to: Date | null; after: { at: string; id: string } | undefined;
} {
  const from = q.from ? bound(q.from, 'from') : null;
  const to = q.to ? bound(q.to, 'to') : null;
  if (from && to && from >= to) throw invalid('from must not be after to', '开始时间不能晚于结束时间');
  let after: { at: string; id: string } | undefined;
  if (q.cursor) {
    const [at, id] = decodeCursor(q.cursor);
    if (!/^[1-9][0-9]{0,17}$/.test(id)) throw invalid('cursor is not one this API gave out', '翻页位置无效，请从第一页重新查看');
    after = { at, id };
  }
  return { limit: q.limit ?? 20, from, to, after };
}

/** The first `limit` rows as items; the cursor of the next page when there are more rows. */
function pageOf<R extends { at: Date; id: string }, I>(rows: R[], limit: number, item: (row: R) => I): { items: I[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { items: page.map(item), nextCursor: rows.length > limit ? encodeCursor(last.at, last.id) : null };
}

export class AuditService {
  constructor(private readonly pool: Pool) {}

  /** The audit log's hash chain checked entry by entry (lib/audit-chain.ts). */
  verifyChain(): Promise<ChainCheck> {
    return verifyAudit(this.pool);
  }

  async list(q: AuditQuery): Promise<{ items: AuditItem[]; nextCursor: string | null }> {
    const { limit, from, to, after } = windowOf(q);
    const rows = await auditEntries(this.pool, { from, to, actor: q.actor, type: q.type as AuditType | undefined, subject: q.subject, after, limit });
    return pageOf(rows, limit, (r) => ({
      at: r.at.toISOString(), type: r.type, actor: r.actor, subject: r.subject, note: r.note, seq: Number(r.seq), hash: r.hash, address: r.address,
    }));
  }

  async signIns(q: SignInsQuery): Promise<{ items: Array<{ at: string; accountId: string; address: string; outcome: SignInOutcome }>; nextCursor: string | null }> {
    const { limit, from, to, after } = windowOf(q);
    const rows = await listSignIns(this.pool, { accountId: q.accountId, from, to, limit: limit + 1, after });
    return pageOf(rows, limit, (r) => ({ at: r.at.toISOString(), accountId: r.accountId, address: r.address, outcome: r.outcome }));
  }
}
