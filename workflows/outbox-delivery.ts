/**
 * The outbox delivery loop: one long-running workflow (id `outbox-delivery`) that hands the
 * notifications outbox to the webhook, round after round. Each round is one activity call that
 * tries every notification due now (each with its own attempts and backoff, see
 * activities/outbox.ts); a refusal is recorded on its notification and never fails the round.
 * Between rounds the loop sleeps until the next notification falls due, at most a few seconds
 * (longer when no webhook is configured), and it continues as new every few hundred rounds so
 * its history stays short.
 *
 * Replay: the loop issues the same commands as before per-notification backoff (an activity,
 * then a timer unless more is waiting); only a timer's duration changed, which Temporal does not
 * compare on replay, so running loops carry on with the new code.
 */
import { continueAsNew, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { OutboxActivities } from '../activities/types';

export interface OutboxDeliveryInput {
  /** Longest pause between rounds when nothing is due (default 5 seconds). */
  pauseSeconds?: number;
  /** Pause when no webhook is configured (default 60 seconds). */
  idleSeconds?: number;
  /** Notifications per round (default 20). */
  batchSize?: number;
  /** Rounds before continuing as new (default 500). */
  roundsPerRun?: number;
}

/** Shortest pause between two rounds, so a notification due "now" never spins the loop. */
const MIN_PAUSE_MS = 100;

const { deliverPending } = proxyActivities<OutboxActivities>({
  // One round: its POSTs run at once, each within the webhook timeout (10 s by default).
  startToCloseTimeout: '5 minutes',
  // Only PostgreSQL failures fail a round; refusals of the webhook are recorded per notification.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
  summary: 'deliver due notifications to the webhook',
});

export async function outboxDelivery(input: OutboxDeliveryInput = {}): Promise<void> {
  const pause = Math.max(input.pauseSeconds ?? 5, 0.1) * 1000;
  const idle = Math.max(input.idleSeconds ?? 60, 0.1) * 1000;
  const batchSize = input.batchSize ?? 20;
  const rounds = input.roundsPerRun ?? 500;
  for (let round = 0; round < rounds && !workflowInfo().continueAsNewSuggested; round++) {
    const done = await deliverPending(batchSize);
    if (!done.webhook) await sleep(idle);
    else if (!done.more) {
      const next = done.nextAttemptInMs;
      await sleep(next === undefined || next === null ? pause : Math.min(Math.max(next, MIN_PAUSE_MS), pause));
    }
  }
  await continueAsNew<typeof outboxDelivery>(input);
}
