/**
 * `npm run assessments -- publish --quarter 2026-Q4`: publishes a quarter's assessment (定期验单)
 * by hand, as `cli:<user>`, audited (`assessment_published`). Refused (exit 1) when the quarter
 * is already published or has not ended. `npm run assessments -- published` lists what is.
 * The Schedule `assessment-publication` does the same on time, as `system`.
 *
 * Exit code: 0 published, 1 refused or failed, 2 bad usage.
 */
import { parseArgs } from 'node:util';
import { cliActor } from '../lib/audit';
import { readConfig } from '../lib/config';
import { createPool, migrate } from '../lib/db';
import { AssessmentService } from '../api/services/assessments';
import { AssessmentPublication, PublicationRefused } from '../api/services/assessment-publication';
import { Directory } from '../api/services/directory';

const USAGE = `usage:
  npm run assessments -- publish --quarter YYYY-Qn   publish that quarter's assessment now (once; the quarter must have ended)
  npm run assessments -- published                   list the published quarters`;

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  if (command !== 'publish' && command !== 'published') fail(command ? `unknown command "${command}"` : 'no command given');
  let quarter: string | undefined;
  try {
    quarter = parseArgs({ args: rest, options: { quarter: { type: 'string' } }, strict: true }).values.quarter;
  } catch (err) {
    fail((err as Error).message);
  }
  if (command === 'publish') {
    if (!quarter) fail('--quarter is required');
    if (!/^2[0-9]{3}-Q[1-4]$/.test(quarter)) fail(`--quarter must be YYYY-Qn (n from 1 to 4), got "${quarter}"`);
  } else if (quarter !== undefined) fail('published takes no --quarter');

  const config = readConfig();
  await migrate(config.databaseUrl);
  const pool = createPool(config.databaseUrl, 2);
  try {
    if (command === 'published') {
      const { rows } = await pool.query<{ quarter: string; published_at: Date; published_by: string }>(
        'SELECT quarter, published_at, published_by FROM published_assessments ORDER BY quarter');
      for (const r of rows) console.log(`${r.quarter}\t${r.published_at.toISOString()}\t${r.published_by}`);
      console.log(`${rows.length} published quarter(s)`);
      return;
    }
    const publication = new AssessmentPublication(pool,
      new AssessmentService(pool, new Directory(pool, config.keyPepper, config.production), config.assessmentWeights));
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
  } finally {
    await pool.end();
  }
}

main().catch((err) => { console.error(err.message ?? err); process.exit(1); });
