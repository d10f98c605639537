/**
 * 未诉先办 (proactive rounds) for the API: the center defines a round — what to look at, in which
 * communities, which departments handle it, when — stored in PostgreSQL, and its Temporal
 * Schedule `proactive-<id>` files the whistles (lib/proactive/). Creating, pausing, unpausing and
 * deleting are audited in the transaction that stores the change; the Schedule is changed inside
 * that transaction, before its commit, so a failure of either leaves no half-made round (a
 * Schedule whose round is gone files nothing: its run finds no round).
 */
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { recordAudit, type AuditType } from '../../lib/audit';
import { categoryName, CATEGORY_IDS } from '../../lib/categories';
import { inTransaction } from '../../lib/db';
import { impossibleDate, nextShanghaiMidnight, type List, type ProactiveRound, type RoundSchedule } from '../../lib/proactive/round';
import { RoundSchedules } from '../../lib/proactive/schedules';
import * as store from '../../lib/stores/proactive';
import { bodyRefusal } from '../../workflows/rules';
import { invalid, notFound } from '../errors';
import type { RoundBody } from '../schemas/proactive';
import type { Directory } from './directory';

export type RoundView = ProactiveRound & { nextRunAt: string | null };

const roundNotFound = () => notFound('no such proactive round', '没有这项未诉先办任务');

export class ProactiveService {
  private readonly schedules: RoundSchedules;

  constructor(private readonly pool: Pool, private readonly directory: Directory, client: Client, taskQueue: string) {
    this.schedules = new RoundSchedules(client, taskQueue);
  }

  /** The body checked against the directory and the catalogue's rules: the round's fields. */
  private async fieldsOf(body: RoundBody, now: Date): Promise<store.RoundFields> {
    if (!CATEGORY_IDS.includes(body.category)) throw invalid(`category: unknown category "${body.category}"`, `未知的事项类别“${body.category}”`);
    for (const id of body.communityIds) {
      const org = await this.directory.org(id);
      if (org?.kind !== 'community' || org.active === false) throw invalid(`communityIds: unknown community "${id}"`, `未知的社区“${id}”`);
    }
    for (const id of body.departmentIds) {
      const org = await this.directory.org(id);
      if (org?.kind !== 'department' || org.active === false) throw invalid(`departmentIds: unknown department "${id}"`, `未知的部门“${id}”`);
    }
    // The lead as at triage: required among several departments, and one of them.
    const refused = bodyRefusal('triage', body as unknown as Record<string, unknown>);
    if (refused) throw invalid(refused.message, refused.messageZh);
    let schedule: RoundSchedule;
    if ('everyDays' in body.schedule) {
      schedule = { everyDays: body.schedule.everyDays, anchor: nextShanghaiMidnight(now).toISOString() };
    } else {
      for (const t of body.schedule.calendar) {
        const zh = impossibleDate(t);
        if (zh) throw invalid(`schedule.calendar: month ${t.month} has no day ${t.dayOfMonth}`, zh);
      }
      schedule = { calendar: body.schedule.calendar.map((t) => ({ ...t })) };
    }
    return {
      title: body.title.trim(), description: body.description, category: body.category, communityIds: [...body.communityIds],
      list: body.list as List, departmentIds: [...body.departmentIds], leadDepartmentId: body.leadDepartmentId ?? body.departmentIds[0],
      schedule, paused: body.paused ?? false,
    };
  }

  async create(actor: string, body: RoundBody, address?: string): Promise<RoundView> {
    const fields = await this.fieldsOf(body, new Date());
    const round = await inTransaction(this.pool, async (client) => {
      const stored = await store.insertRound(client, randomBytes(8).toString('hex'), fields, actor);
      await this.schedules.create(stored);
      const when = 'everyDays' in stored.schedule ? `every ${stored.schedule.everyDays} days` : `${stored.schedule.calendar.length} calendar times`;
      await recordAudit(client, {
        type: 'proactive_created', actor, subject: stored.id, address,
        note: `${stored.title} (${categoryName(stored.category)}): ${stored.communityIds.length} communities, ${when}` +
          `${stored.paused ? ', paused' : ''}; ${stored.list} to ${stored.departmentIds.join(', ')} (lead ${stored.leadDepartmentId})`,
      });
      return stored;
    });
    return { ...round, nextRunAt: await this.schedules.nextRunAt(round.id) };
  }

  async list(): Promise<{ items: RoundView[] }> {
    const rounds = await store.allRounds(this.pool);
    const items = await Promise.all(rounds.map(async (r) => ({ ...r, nextRunAt: r.paused ? null : await this.schedules.nextRunAt(r.id) })));
    return { items };
  }

  /** Pauses (or unpauses) the round and its Schedule; pausing a paused round changes nothing and writes no audit entry. */
  async setPaused(actor: string, id: string, paused: boolean, address?: string): Promise<RoundView> {
    const round = await inTransaction(this.pool, async (client) => {
      const found = await store.roundById(client, id, true);
      if (!found) throw roundNotFound();
      if (found.paused === paused) return found;
      const changed = (await store.setRoundPaused(client, id, paused, actor))!;
      await this.schedules.setPaused(id, paused, actor);
      const type: AuditType = paused ? 'proactive_paused' : 'proactive_unpaused';
      await recordAudit(client, { type, actor, subject: id, address, note: changed.title });
      return changed;
    });
    return { ...round, nextRunAt: await this.schedules.nextRunAt(id) };
  }

  async remove(actor: string, id: string, address?: string): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      const title = await store.deleteRound(client, id);
      if (title === null) throw roundNotFound();
      await this.schedules.delete(id);
      await recordAudit(client, { type: 'proactive_deleted', actor, subject: id, address, note: title });
    });
  }
}
