/**
 * The long crash run (`npm run chaos`): CHAOS_WHISTLES whistles (default 200) per fault, the
 * worker and the Temporal dev server each down for CHAOS_DOWNTIME_SECONDS (default 15), the API
 * killed CHAOS_API_KILLS times (default 3) during CHAOS_API_FILINGS filings (default 200).
 */
import { describeCrashes } from './crash-scenarios';

const n = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

describeCrashes({
  whistles: n('CHAOS_WHISTLES', 200),
  d: n('CHAOS_UNIT_SECONDS', 25),
  downtimeMs: n('CHAOS_DOWNTIME_SECONDS', 15) * 1000,
  apiFilings: n('CHAOS_API_FILINGS', 200),
  apiKills: n('CHAOS_API_KILLS', 3),
  slackMs: n('CHAOS_SLACK_SECONDS', 30) * 1000,
  name: 'crash-chaos',
});
