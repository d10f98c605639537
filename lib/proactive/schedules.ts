/**
 * 未诉先办: each round is the Temporal Schedule `proactive-<id>` that starts the workflow
 * `proactiveRound` (workflows/proactive-round.ts) at the round's times, Asia/Shanghai. Its runs are
 * bulk work (lib/task-priority.ts): after every whistle and help request on the task queue. Runs
 * of different times may overlap (each files its own occurrence; a run files nothing twice), and a
 * time missed while the cluster was down is caught up within a day. Operators find the Schedules
 * in the Temporal UI, paused ones with the note of who paused them.
 */
import { ScheduleNotFoundError, type Client, type ScheduleOptions, type ScheduleOptionsAction } from '@temporalio/client';
import { bulkPriority, type TaskPriority } from '../task-priority';
import { proactiveScheduleId, scheduleSpecOf, type ProactiveRound } from './round';

/** The SDK (1.24) sends a start action's `priority` though its type for creating one leaves it out. */
type StartWithPriority = ScheduleOptionsAction & { priority: TaskPriority };

/** The round's Schedule, as created. */
function roundScheduleOptions(round: ProactiveRound, taskQueue: string): ScheduleOptions {
  const id = proactiveScheduleId(round.id);
  const action: StartWithPriority = {
    type: 'startWorkflow',
    workflowType: 'proactiveRound',
    workflowId: id,
    taskQueue,
    args: [{ roundId: round.id }],
    staticSummary: `未诉先办: ${round.title} (${round.communityIds.length} communities)`,
    priority: bulkPriority('proactive-round'),
    workflowExecutionTimeout: '23 hours',
  };
  return {
    scheduleId: id,
    spec: scheduleSpecOf(round.schedule),
    action,
    policies: { overlap: 'ALLOW_ALL', catchupWindow: '1 day' },
    state: { paused: round.paused, note: round.paused ? `paused at creation by ${round.createdBy}` : `created by ${round.createdBy}` },
  };
}

export class RoundSchedules {
  constructor(private readonly client: Client, private readonly taskQueue: string) {}

  async create(round: ProactiveRound): Promise<void> {
    await this.client.schedule.create(roundScheduleOptions(round, this.taskQueue));
  }

  /** Pauses or unpauses the round's Schedule; the note says who. */
  async setPaused(roundId: string, paused: boolean, actor: string): Promise<void> {
    const handle = this.client.schedule.getHandle(proactiveScheduleId(roundId));
    if (paused) await handle.pause(`paused by ${actor}`);
    else await handle.unpause(`unpaused by ${actor}`);
  }

  /** Deletes the round's Schedule (gone already: nothing to do). */
  async delete(roundId: string): Promise<void> {
    try {
      await this.client.schedule.getHandle(proactiveScheduleId(roundId)).delete();
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
    }
  }

  /** When the Schedule runs next (ISO), or null when paused, without a next time, or missing. */
  async nextRunAt(roundId: string): Promise<string | null> {
    try {
      const found = await this.client.schedule.getHandle(proactiveScheduleId(roundId)).describe();
      if (found.state.paused) return null;
      return found.info.nextActionTimes[0]?.toISOString() ?? null;
    } catch (err) {
      if (err instanceof ScheduleNotFoundError) return null;
      throw err;
    }
  }
}
