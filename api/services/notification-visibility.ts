/**
 * Who reads a notification (反馈, 督办, 超时 …): one rule for the list (GET /v1/notifications)
 * and the live updates (GET /v1/events), so that the two never disagree.
 *
 * A notification addressed to an account is that account's alone. One addressed to an
 * organisation is read by its accounts whose role may see the subject: a whistle's notifications
 * follow the whistle's own visibility (`canSee`), so the residents and party members of a
 * community never read what its community office is told (they read only what is addressed to
 * their own account: help requests they posted or claimed).
 */
import { isPersonRole } from '../../domain';
import type { Account } from './directory';

export interface NotificationAddress {
  recipientOrgId: string;
  /** Set when the notification is addressed to one account. */
  recipientAccountId?: string | null;
  subjectType: string;
}

/** Whether `account` reads the notification; `subjectVisible` is whether it may see a whistle subject. */
export function readsNotification(account: Account, n: NotificationAddress, subjectVisible: boolean): boolean {
  if (n.recipientAccountId) return n.recipientAccountId === account.id;
  // A unit's notification is its office's: never read by the unit's residents and party members.
  if (n.recipientOrgId !== account.orgId || isPersonRole(account.role)) return false;
  return n.subjectType !== 'whistle' || subjectVisible;
}
