/**
 * The outbox delivery loop: one long-running workflow (id `outbox-delivery`) that hands the
 * notifications outbox to the webhook, round after round. Each round is one activity call that
 * delivers a batch; a refused POST fails the activity and Temporal retries it with backoff, so a
 * webhook that is down is tried again and again without anyone watching. Between rounds the loop
 * pauses a few seconds (longer when no webhook is configured), and it continues as new every few
 * hundred rounds so its history stays short.
 */
import { continueAsNew, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { OutboxActivities } from '../activities/types';

export interface OutboxDeliveryInput {
  /** Pause between rounds when the outbox is drained (default 5 seconds). */
  pauseSeconds?: number;
  /** Pause when no webhook is configured (default 60 seconds). */
  idleSeconds?: number;
  /** Notifications per round (default 20). */
  batchSize?: number;
  /** Rounds before continuing as new (default 500). */
  roundsPerRun?: number;
}

const { deliverPending } = proxyActivities<OutboxActivities>({
  // A batch of 20 POSTs of at most 10 seconds each.
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
  summary: 'deliver pending notifications to the webhook',
});

export async function outboxDelivery(input: OutboxDeliveryInput = {}): Promise<void> {
  const pause = Math.max(input.pauseSeconds ?? 5, 0.1) * 1000;
  const idle = Math.max(input.idleSeconds ?? 60, 0.1) * 1000;
  const batchSize = input.batchSize ?? 20;
  const rounds = input.roundsPerRun ?? 500;
  for (let round = 0; round < rounds && !workflowInfo().continueAsNewSuggested; round++) {
    const done = await deliverPending(batchSize);
    if (!done.webhook) await sleep(idle);
    else if (!done.more) await sleep(pause);
  }
  await continueAsNew<typeof outboxDelivery>(input);
}
