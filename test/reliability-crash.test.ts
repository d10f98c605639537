/**
 * Crashes in CI (a smaller fleet than `npm run chaos`): the worker, the Temporal dev server and
 * the API killed with SIGKILL as real processes; nothing lost, nothing duplicated.
 * Figures: docs/RELIABILITY.md.
 */
import { describeCrashes } from './chaos/crash-scenarios';

describeCrashes({
  whistles: Number(process.env.CRASH_WHISTLES ?? 60),
  d: Number(process.env.CRASH_UNIT_SECONDS ?? 10),
  downtimeMs: 3000,
  apiFilings: 60,
  apiKills: 1,
  slackMs: Number(process.env.CRASH_SLACK_SECONDS ?? 30) * 1000,
  name: 'crash-ci',
});
