/**
 * Deadline arithmetic for workflows (run as local activities, so the workflow stays
 * deterministic: it only ever sees the recorded instant). Policy from POLICY_FILE; working
 * days from the packaged calendar plus the operators' overrides in PostgreSQL.
 */
import type { Pool } from 'pg';
import { CalendarSource } from '../lib/calendar-source';
import { deadlineAfter as policyDeadline, durationOf, whistleLimitsOf, type Policy, type PolicyKey } from '../lib/policy';
import type { DeadlineActivities } from './types';
import type { PolicyKeyName } from '../domain';

export function createDeadlineActivities(policy: Policy, pool: Pool): DeadlineActivities {
  const calendars = new CalendarSource(pool);

  return {
    async deadlineAfter(key: PolicyKeyName, from: string): Promise<string> {
      const duration = durationOf(policy, key as PolicyKey);
      return policyDeadline(duration, new Date(from), await calendars.current()).toISOString();
    },
    async policyNumbers() {
      return { maxReopens: policy.maxReopens };
    },
    async planDeadlines(items, freshCalendar = false) {
      const calendar = await calendars.current(freshCalendar);
      return items.map(({ key, from }) => policyDeadline(durationOf(policy, key as PolicyKey), new Date(from), calendar).toISOString());
    },
    async whistleLimits() {
      return whistleLimitsOf(policy);
    },
  };
}
