/**
 * A PostgreSQL outage under load in CI (OUTAGE_SECONDS, default 8; `npm run chaos` holds it for
 * 30 s): reads answer 503, filings are whole or refused, the read model catches up and the
 * reconciliation finds no difference; `npm run reconcile` finds drift and repairs it.
 */
import { describeOutage } from './chaos/outage-scenarios';

describeOutage({ outageSeconds: Number(process.env.OUTAGE_SECONDS ?? 8), whistles: 16, clients: 6, name: 'outage-ci' });
