/**
 * `npm run assessments -- publish --quarter 2026-Q4`: publishes a quarter's assessment (定期验单)
 * by hand, as `cli:<user>`, audited (`assessment_published`). Refused (exit 1) when the quarter
 * is already published or has not ended. `npm run assessments -- published` lists what is.
 * The Schedule `assessment-publication` does the same on time, as `system`.
 *
 * Exit code: 0 published, 1 refused or failed, 2 bad usage.
 */
import { withDatabase } from './database';
import { cliActor } from '../lib/audit';
import { commandLine } from './command-line';
import { Assessments } from '../lib/assessments';
import { AssessmentPublication, PublicationRefused } from '../lib/assessment-publication';

const USAGE = `usage:
  npm run assessments -- publish --quarter YYYY-Qn   publish that quarter's assessment now (once; the quarter must have ended)
  npm run assessments -- published                   list the published quarters`;

const cli = commandLine(USAGE, ['publish', 'published'] as const);
const fail: (message: string) => never = cli.fail;

async function main() {
  const [command, rest] = cli.read();
  const { quarter } = cli.options(rest, { quarter: { type: 'string' } }).values;
  if (command === 'publish') {
    if (!quarter) fail('--quarter is required');
    if (!/^2[0-9]{3}-Q[1-4]$/.test(quarter)) fail(`--quarter must be YYYY-Qn (n from 1 to 4), got "${quarter}"`);
  } else if (quarter !== undefined) fail('published takes no --quarter');

  await withDatabase(async (pool, config) => {
    const publication = new AssessmentPublication(pool, new Assessments(pool, config.assessmentWeights));
    if (command === 'published') {
      const rows = await publication.publishedQuarters();
      for (const r of rows) console.log(`${r.quarter}\t${r.publishedAt}\t${r.publishedBy}`);
      console.log(`${rows.length} published quarter(s)`);
      return;
    }
    try {
      const done = await publication.publish(quarter!, cliActor());
      console.log(`验单 ${quarter} published at ${done.publishedAt} by ${done.publishedBy}: ${done.assessment.items.length} units`);
    } catch (err) {
      if (err instanceof PublicationRefused) {
        console.error(`refused: ${err.message}`);
        process.exitCode = 1;
        return;
      }
      throw err;
    }
  });
}

main().catch((err) => { console.error(err.message ?? err); process.exit(1); });
