/**
 * Which journal rows an account hears of on its live-update stream, by the same rules as the
 * lists: a whistle by `canSee` (workflows/visibility.ts) over the facts the journal row carries, a
 * help request by everyone (every account may read every request), a notification by the
 * notification rule the list uses (notification-visibility.ts). And what each event says.
 */
import type { RuleState } from '../../workflows/rules';
import { canSee } from '../../workflows/visibility';
import { canSeeHelp, HELP_HIDDEN_STATUSES } from '../../workflows/help-visibility';
import type { JournalRow, WhistleFacts } from '../../lib/stores/live-events';
import { actorOf, type Account } from './directory';
import { readsNotification } from './notification-visibility';

/** The parties of a whistle as `canSee` reads them, from the journal's facts. */
function ruleStateOfFacts(f: WhistleFacts): RuleState {
  return {
    status: f.status as RuleState['status'], filerOrgId: f.filerOrgId, communityId: f.communityId, streetId: f.streetId,
    departments: [], seenByDepartments: f.seenByDepartments,
    duplicateViewers: f.merged.flatMap((m) => [m.filerOrgId, m.communityId]),
  };
}

/** Roles that see every whistle (canSee) and every help request (canSeeHelp): their streams hear of every change of either. */
export const SEES_EVERY_WHISTLE: ReadonlySet<string> = new Set(['center', 'supervisor']);

/**
 * The organisations and accounts whose streams may hear of the row ('everyone' for a help request
 * on the board), so the hub looks only at their streams (and those of SEES_EVERY_WHISTLE for a
 * whistle or a help request); `hears` decides.
 */
export function audienceOf(row: JournalRow): { orgs: string[]; accounts: string[] } | 'everyone' {
  switch (row.kind) {
    case 'whistle': {
      const f = row.facts;
      return { orgs: [f.streetId, f.filerOrgId, f.communityId, ...f.seenByDepartments, ...ruleStateOfFacts(f).duplicateViewers!], accounts: [] };
    }
    case 'help': {
      const f = row.facts;
      return HELP_HIDDEN_STATUSES.includes(f.status) ? { orgs: [f.communityId, f.streetId], accounts: [f.requesterId] } : 'everyone';
    }
    case 'notification':
      return { orgs: [row.facts.recipientOrgId], accounts: row.facts.recipientAccountId ? [row.facts.recipientAccountId] : [] };
  }
}

/** Whether `account` hears of the row; `subjects` has the facts of the whistles notifications are about. */
export function hears(account: Account, row: JournalRow, subjects: ReadonlyMap<string, WhistleFacts>): boolean {
  switch (row.kind) {
    case 'whistle':
      return canSee(ruleStateOfFacts(row.facts), actorOf(account));
    case 'help': {
      const f = row.facts;
      return canSeeHelp({ status: f.status, communityId: f.communityId, streetId: f.streetId, requesterId: f.requesterId }, actorOf(account));
    }
    case 'notification': {
      const f = row.facts;
      const subject = f.subjectType === 'whistle' ? subjects.get(f.subjectId) : undefined;
      return readsNotification(account, f, subject !== undefined && canSee(ruleStateOfFacts(subject), actorOf(account)));
    }
  }
}

/** The event's data: `{ id, status, holder, version }` for whistles and help requests, `{ id, kind, subjectId }` for notifications. */
export function eventData(row: JournalRow): Record<string, unknown> {
  if (row.kind === 'notification') return { id: row.subjectId, kind: row.facts.kind, subjectId: row.facts.subjectId };
  return { id: row.subjectId, status: row.facts.status, holder: row.facts.holder, version: row.facts.version };
}

/** Whistle ids that notifications among `rows` are about (their facts are needed to filter them). */
export function whistleSubjectsOf(rows: readonly JournalRow[]): string[] {
  const ids = new Set<string>();
  for (const r of rows) if (r.kind === 'notification' && r.facts.subjectType === 'whistle') ids.add(r.facts.subjectId);
  return [...ids];
}
