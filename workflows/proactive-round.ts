/**
 * 未诉先办: one run of a proactive round, started by its Temporal Schedule `proactive-<id>`
 * (lib/proactive/schedules.ts) at each of the round's times. For each community of the round it
 * files one whistle (filed by the center, dispatched at once to the round's departments), once per
 * (round, occurrence, community): the occurrence is the Schedule's scheduled time of this run,
 * so a run started again for the same time, or an activity retried, files nothing twice.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { log, workflowInfo } from '@temporalio/workflow';
import type { ProactiveActivities, ProactiveRun } from '../activities/types';
import { scheduleRunActivities } from './schedule-run';

const { loadProactiveRound, fileProactiveRoundWhistle } = scheduleRunActivities<ProactiveActivities>(
  '1 minute', '未诉先办: file the round\'s whistle of a community',
);

/** Set by the Schedule on every workflow it starts: the time the run was scheduled for. */
const ScheduledStartTime = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

/** How many communities' whistles are filed at once. */
const AT_ONCE = 10;

/**
 * The occurrence: the Schedule's scheduled time of this run (ISO, UTC); from the workflow id's
 * suffix (`proactive-<id>-<RFC 3339 time>`) when the attribute is missing, else the run's start.
 */
export function occurrenceOf(info: { workflowId: string; startTime: Date; scheduled?: Date }): string {
  if (info.scheduled) return info.scheduled.toISOString();
  const suffix = /-(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)$/.exec(info.workflowId)?.[1];
  if (suffix) return new Date(suffix).toISOString();
  return info.startTime.toISOString();
}

export async function proactiveRound(input: { roundId: string }): Promise<ProactiveRun> {
  const info = workflowInfo();
  const occurrence = occurrenceOf({
    workflowId: info.workflowId, startTime: info.startTime, scheduled: info.typedSearchAttributes.get(ScheduledStartTime),
  });
  const run: ProactiveRun = { roundId: input.roundId, occurrence, found: false, filed: [], existing: [], skipped: [] };
  const round = await loadProactiveRound(input.roundId);
  if (!round) {
    log.warn('proactive round not found: nothing filed', { roundId: input.roundId, occurrence });
    return run;
  }
  run.found = true;
  const { communityIds, ...what } = round;
  for (let i = 0; i < communityIds.length; i += AT_ONCE) {
    const outcomes = await Promise.all(communityIds.slice(i, i + AT_ONCE).map((communityId) =>
      fileProactiveRoundWhistle({ ...what, roundId: input.roundId, occurrence, communityId })));
    outcomes.forEach((o, k) => {
      if ('skipped' in o) run.skipped.push(communityIds[i + k]);
      else (o.created ? run.filed : run.existing).push(o.whistleId);
    });
  }
  log.info('proactive round run', { roundId: run.roundId, occurrence, filed: run.filed.length, existing: run.existing.length, skipped: run.skipped.length });
  return run;
}
