/**
 * `npm run suggestions -- retrain`: trains a new version of the suggestions' model (智能分派) from
 * the shipped lexicon and the district's history in the read model, stores it as the active
 * version (every API process answers with it from its next suggestion) and writes it to the audit
 * log (`suggestions_retrained`, actor `cli:<user>`). For an operator's timer until a Schedule does it.
 *
 * Exit code: 0 done, 2 bad usage, 1 the database refused.
 */
import { withDatabase } from './database';
import { cliActor } from '../lib/audit';
import { retrain } from '../lib/suggest/retrain';

const USAGE = `usage:
  npm run suggestions -- retrain    train a new version of the suggestions' model from the district's history`;

async function main() {
  const args = process.argv.slice(2);
  if (args.length !== 1 || args[0] !== 'retrain') {
    console.error(`${args.length ? `unknown command "${args.join(' ')}"` : 'no command given'}\n${USAGE}`);
    process.exit(2);
  }
  await withDatabase(async (pool) => {
    const r = await retrain(pool, cliActor());
    console.log(`suggestions model v${r.version} trained in ${(r.ms / 1000).toFixed(1)} s from ${r.documents.resolutions} resolved whistles, ` +
      `${r.documents.dispatches} dispatches and ${r.documents.lexicon} lexicon entries`);
  });
}

main().catch((err) => { console.error(err.message ?? err); process.exit(1); });
