/**
 * The long PostgreSQL outage (`npm run chaos`): OUTAGE_SECONDS (default 30) under load from
 * CHAOS_CLIENTS clients (default 12) against CHAOS_OUTAGE_WHISTLES whistles (default 60).
 */
import { describeOutage } from './outage-scenarios';

describeOutage({
  outageSeconds: Number(process.env.OUTAGE_SECONDS ?? 30),
  whistles: Number(process.env.CHAOS_OUTAGE_WHISTLES ?? 60),
  clients: Number(process.env.CHAOS_CLIENTS ?? 12),
  name: 'outage-chaos',
});
