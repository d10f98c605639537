/**
 * What a help request's projection writes (邻里搭把手): one row per request (only ever moved
 * forward by version), one row per timeline entry, and the notifications those entries cause —
 * all in one transaction, so a retried activity changes nothing twice.
 */
import type { Pool } from 'pg';
import { isPersonRole, type HelpEvent, type HelpProjection, type HelpView } from '../../domain';
import { inTransaction, type Db } from '../db';
import { insertHelpEvents, upsertHelpRequest } from '../stores/help';
import { enqueueNotifications, type OutboxEntry } from '../stores/notifications';
import { accountsByIds } from '../stores/orgs';
import { helpNotificationsFor, type HelpPeople } from './help-notifications';

/**
 * Which of the requester and the entries' actors and subjects (claimers) are people, from their
 * accounts' roles, and their names (for the sentences).
 */
async function helpPeople(db: Db, v: HelpView, events: HelpEvent[]): Promise<{ people: HelpPeople; names: Map<string, string> }> {
  const ids = [v.requester.accountId, ...events.flatMap((e) => [e.subject, e.actor])].filter((id): id is string => Boolean(id) && id !== 'system');
  const accounts = await accountsByIds(db, [...new Set(ids)]);
  return {
    people: new Set([...accounts].filter(([, a]) => isPersonRole(a.role)).map(([id]) => id)),
    names: new Map([...accounts].map(([id, a]) => [id, a.name])),
  };
}

export async function projectHelp(pool: Pool, p: HelpProjection): Promise<void> {
  const v = p.view;
  await inTransaction(pool, async (client) => {
    await upsertHelpRequest(client, p);
    const fresh = await insertHelpEvents(client, v.id, p.events);
    const freshEvents = p.events.filter((e) => fresh.has(e.seq));
    const { people, names } = freshEvents.length ? await helpPeople(client, v, freshEvents)
      : { people: new Set<string>(), names: new Map<string, string>() };
    const entries: OutboxEntry[] = freshEvents.flatMap((event) => helpNotificationsFor(event, v, p, people, names).map((n) => ({
      subject: { type: 'help' as const, id: v.id, seq: event.seq }, notification: n,
      data: { eventType: event.type, at: event.at, status: v.status, subject: event.subject },
    })));
    await enqueueNotifications(client, entries);
  });
}
