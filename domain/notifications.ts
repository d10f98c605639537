/** What a notification is about (`kind`), for whistles and for help requests. */
export const NOTIFICATION_KINDS = [
  'whistle_filed', 'whistle_to_center', 'whistle_dispatched', 'overdue', 'urged', 'progress_reminder', 'feedback',
  'evaluated', 'withdrawn', 'due_soon', 'extension_requested', 'extension_decided', 'merged_in',
  'help_posted', 'help_verification_reminder', 'help_open', 'help_rejected', 'help_unclaimed', 'help_claimed',
  'help_no_show', 'help_completed', 'help_rated', 'help_cancelled',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];
