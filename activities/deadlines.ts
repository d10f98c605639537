/**
 * Deadline arithmetic for workflows (run as local activities, so the workflow stays
 * deterministic: it only ever sees the recorded instant). Policy from POLICY_FILE; working
 * days from the packaged calendar plus the operators' overrides in PostgreSQL.
 */
import type { Pool } from 'pg';
import { WorkingCalendar, loadCalendarOverrides } from '../lib/calendar';
import { deadlineAfter as policyDeadline, durationOf, type Policy, type PolicyKey } from '../lib/policy';
import type { DeadlineActivities, PolicyKeyName } from './types';

const CALENDAR_TTL_MS = 60_000;

export function createDeadlineActivities(policy: Policy, pool: Pool): DeadlineActivities {
  let calendar = new WorkingCalendar();
  let loadedAt = 0;

  async function currentCalendar(): Promise<WorkingCalendar> {
    if (Date.now() - loadedAt > CALENDAR_TTL_MS) {
      try {
        calendar = new WorkingCalendar(await loadCalendarOverrides(pool));
        loadedAt = Date.now();
      } catch {
        // PostgreSQL unreachable: keep the calendar we have rather than stopping every deadline.
      }
    }
    return calendar;
  }

  return {
    async deadlineAfter(key: PolicyKeyName, from: string): Promise<string> {
      const duration = durationOf(policy, key as PolicyKey);
      return policyDeadline(duration, new Date(from), await currentCalendar()).toISOString();
    },
    async policyNumbers() {
      return { maxReopens: policy.maxReopens };
    },
  };
}
