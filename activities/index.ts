/** The worker's activities, bound to their dependencies (database pool, policy). */
import type { Pool } from 'pg';
import type { Policy } from '../lib/policy';
import { createDeadlineActivities } from './deadlines';
import { projectWhistle } from '../lib/read-model/whistles';
import { projectHelp } from '../lib/read-model/help';
import { createOutboxActivities, type WebhookSettings } from './outbox';
import { createCalendarChangeActivities } from './calendar-change';
import { readConfig, type AssessmentWeights, type Config } from '../lib/config';
import { createRetentionActivities } from './retention';
import { createPublicationActivities } from './assessment-publication';
import { createProactiveActivities } from './proactive';
import { createPhotoSweepActivities } from './photo-sweep';
import { createSuggestionActivities } from './suggestions';
import type { StorageSetting } from '../lib/attachments/storage-setting';
import type { HelpProjection, WhistleProjection } from '../domain';

/**
 * `webhook`: where the outbox is delivered; null for nowhere. When not given, it is read from
 * the process's configuration (WEBHOOK_URL, WEBHOOK_SECRET).
 */
export function createActivities(deps: {
  pool: Pool; policy: Policy; webhook?: WebhookSettings | null; assessmentWeights?: AssessmentWeights;
  /** Where photos are kept; when not given, STORAGE_URL of the process's configuration. */
  storage?: StorageSetting;
}) {
  return {
    ...createOutboxActivities(deps.pool, deps.webhook !== undefined ? deps.webhook : webhookFromConfig()),
    ...createRetentionActivities(deps.pool, deps.policy),
    ...createPublicationActivities(deps.pool, deps.policy, deps.assessmentWeights),
    ...createDeadlineActivities(deps.policy, deps.pool),
    ...createCalendarChangeActivities(),
    ...createProactiveActivities(deps.pool, deps.policy),
    ...createSuggestionActivities(deps.pool),
    ...createPhotoSweepActivities(deps.pool, () => deps.storage ?? readConfig().storage),
    projectWhistle: async (p: WhistleProjection) => {
      const started = performance.now();
      await projectWhistle(deps.pool, p);
      return Math.ceil(performance.now() - started);
    },
    projectHelp: (p: HelpProjection) => projectHelp(deps.pool, p),
  };
}


function webhookFromConfig(): WebhookSettings | null {
  const config = readConfig();
  return webhookSettings(config);
}

/** The webhook of a configuration (WEBHOOK_URL, WEBHOOK_SECRET, WEBHOOK_MAX_ATTEMPTS, WEBHOOK_TIMEOUT_SECONDS), or null. */
export function webhookSettings(
  config: Pick<Config, 'webhookUrl' | 'webhookSecret'> & Partial<Pick<Config, 'webhookMaxAttempts' | 'webhookTimeoutSeconds'>>,
): WebhookSettings | null {
  if (!config.webhookUrl) return null;
  return {
    url: config.webhookUrl, secret: config.webhookSecret, maxAttempts: config.webhookMaxAttempts,
    timeoutMs: config.webhookTimeoutSeconds === undefined ? undefined : config.webhookTimeoutSeconds * 1000,
  };
}
