/**
 * Operators' CLI for the holiday calendar (`calendar_days`): the official schedule of a year
 * (public holidays and 调休 make-up working days) is published late in the year before, and
 * operators add it here as data.
 *
 *   npm run holidays -- import FILE   add or correct the days of FILE; running cases recompute
 *   npm run holidays -- list [YEAR]   print the overrides
 *   npm run holidays -- check DAY     say whether DAY is a working day, and why
 *   npm run holidays -- coverage      say through which day the official schedule is known
 *
 * An import that turns a working day into a day off (or back) records the change and starts
 * the `calendarChange` workflow, which signals every open whistle and help request to
 * recompute its working-day deadlines (lib/calendar-import.ts). Importing the same file again
 * changes nothing.
 */
import type { Pool } from 'pg';
import { withDatabase } from './database';
import { cliActor } from '../lib/audit';
import type { Config } from '../lib/config';
import {
  WorkingCalendar, calendarCoverage, isCalendarDay,
} from '../lib/calendar';
import { loadCalendarDays, loadImportedYears } from '../lib/stores/calendar';
import { shanghaiDay } from '../domain/shanghai-time';
import { importCalendar, readCalendarFile, startPendingCalendarChanges, type CalendarDay, type CalendarFile } from '../lib/calendar-import';
import { connectClient } from '../lib/temporal';

const USAGE = `Usage:
  npm run holidays -- import FILE   add or correct the days of FILE in calendar_days; open whistles
                                    and help requests then recompute their working-day deadlines
  npm run holidays -- list [YEAR]   print the operators' overrides (all, or of one year)
  npm run holidays -- check DAY     say whether DAY (YYYY-MM-DD) is a working day, and why
  npm run holidays -- coverage      through which day the official schedule is known

FILE is JSON, either a year's schedule: its days off and its make-up working days (调休)
  {"note": "...", "year": 2027, "holidays": ["2027-01-01", ...], "workdays": ["2027-02-20", ...]}
or a list of days that corrects single days
  [{"day": "2027-01-01", "working": false, "note": "元旦"}, ...]
(see docs/holidays-example.json). A schedule gives the whole official schedule of its "year"
(without "year": of each year whose 1 January is among its holidays), which extends the
calendar's coverage; a list never does. The database is DATABASE_URL; the change reaches the
running cases through Temporal (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE).`;

/** Wrong command line: the usage is printed and the exit code is 2. */
class UsageError extends Error {}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function weekdayOf(day: string): string {
  return WEEKDAYS[new Date(`${day}T00:00:00Z`).getUTCDay()];
}

function printCoverage(coverage: ReturnType<typeof calendarCoverage>): void {
  console.log(`official schedule known through ${coverage.coveredThrough} (${coverage.daysAhead} days ahead)`);
  if (coverage.warning) console.log(`warning: ${coverage.warning}`);
}

async function importDays(pool: Pool, config: Config, file: string, parsed: CalendarFile): Promise<void> {
  const outcome = await importCalendar(pool, parsed, { actor: cliActor(), source: file });
  if (outcome.written.length === 0 && outcome.newYears.length === 0) {
    console.log(`${outcome.source}: nothing changed (its ${outcome.days} days are already in calendar_days as the file says); no running case moves`);
  } else {
    const off = outcome.written.filter((d) => !d.working).length;
    console.log(`${outcome.source}: ${outcome.written.length} of its ${outcome.days} days written (${off} days off, ${outcome.written.length - off} working days)`);
    if (outcome.newYears.length) console.log(`official schedule of ${outcome.newYears.join(', ')} imported`);
    if (outcome.changed.length === 0) console.log('no day turns between working and off: no running case moves');
    else {
      const shown = outcome.changed.slice(0, 10).map((d) => `${d.day} ${d.working ? 'working' : 'off'}`).join(', ');
      console.log(`${outcome.changed.length} days turn between working and off (${shown}${outcome.changed.length > 10 ? ', …' : ''})`);
    }
    console.log('audit: calendar_imported written');
  }
  // The change is recorded; hand it (and any change an earlier run recorded but could not hand
  // over, because it died or Temporal was down) to the calendarChange workflow.
  const pending = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM calendar_changes WHERE started_at IS NULL');
  if (pending.rows[0].n > 0) {
    let temporal;
    try {
      temporal = await connectClient(config.temporalAddress, config.temporalNamespace);
    } catch (err) {
      throw new Error(`the days are saved, but Temporal at ${config.temporalAddress} does not answer (${(err as Error).message}); ` +
        'running cases get the change when you run this import again or when a worker starts', { cause: err });
    }
    try {
      for (const started of await startPendingCalendarChanges(pool, temporal, config.taskQueue)) {
        const earlier = started.changeId !== outcome.change?.changeId;
        console.log(`${earlier ? `an earlier change (${started.source}) had not reached running cases yet: ` : ''}` +
          `workflow ${started.workflowId} started on ${config.taskQueue}: every open whistle and help request recomputes its working-day deadlines`);
      }
    } finally {
      await temporal.connection.close();
    }
  }
  printCoverage(calendarCoverage(await loadImportedYears(pool), shanghaiDay(new Date())));
}

async function listDays(pool: Pool, year: number | undefined): Promise<void> {
  const result = await pool.query<CalendarDay>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, working, note FROM calendar_days
     WHERE $1::int IS NULL OR extract(year FROM day) = $1::int
     ORDER BY day`,
    [year ?? null],
  );
  if (result.rows.length === 0) {
    console.log(year === undefined ? 'no overrides in calendar_days' : `no overrides for ${year} in calendar_days`);
  }
  for (const { day, working, note } of result.rows) {
    console.log(`${day} ${weekdayOf(day)}  ${working ? 'working' : 'day off'}${note ? `  ${note}` : ''}`);
  }
  const years = (await loadImportedYears(pool)).filter((y) => year === undefined || y === year);
  if (years.length) console.log(`official schedule imported for ${years.join(', ')}`);
}

async function checkWorkingDay(pool: Pool, day: string): Promise<void> {
  const rows = await loadCalendarDays(pool, day, day);
  const calendar = new WorkingCalendar(new Map(rows.map((r) => [r.day, r.working])), {
    importedYears: await loadImportedYears(pool), notes: new Map(rows.map((r) => [r.day, r.note])),
  });
  const verdict = calendar.explainDay(day);
  console.log(`${day} ${weekdayOf(day)}: ${verdict.working ? 'working day' : 'day off'} (${verdict.source}: ${verdict.reason})`);
}

type Command =
  | { name: 'import'; file: string; parsed: CalendarFile }
  | { name: 'coverage' }
  | { name: 'list'; year: number | undefined }
  | { name: 'check'; day: string };

/** Reads the command line; the import file is read here too, before touching the database. */
function parseArgs(args: string[]): Command {
  const [name, arg, ...rest] = args;
  if (rest.length > 0) throw new UsageError(`too many arguments: ${rest.join(' ')}`);
  switch (name) {
    case 'import':
      if (arg === undefined) throw new UsageError('import needs a FILE');
      return { name, file: arg, parsed: readCalendarFile(arg) };
    case 'coverage':
      if (arg !== undefined) throw new UsageError('coverage takes no argument');
      return { name };
    case 'list':
      if (arg !== undefined && !/^\d{4}$/.test(arg)) throw new UsageError(`YEAR must be four digits, got "${arg}"`);
      return { name, year: arg === undefined ? undefined : Number(arg) };
    case 'check':
      if (arg === undefined || !isCalendarDay(arg)) throw new UsageError(`check needs a DAY as YYYY-MM-DD, got "${arg ?? ''}"`);
      return { name, day: arg };
    default:
      throw new UsageError(name === undefined ? 'no command given' : `unknown command "${name}"`);
  }
}

// `npm run holidays -- list | head` closes the pipe early: that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

async function main(args: string[]): Promise<number> {
  let command: Command;
  try {
    command = parseArgs(args);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`${err.message}\n\n${USAGE}`);
      return 2;
    }
    console.error((err as Error).message);
    return 1;
  }
  return withDatabase(async (pool, config) => {
    if (command.name === 'import') await importDays(pool, config, command.file, command.parsed);
    else if (command.name === 'coverage') printCoverage(calendarCoverage(await loadImportedYears(pool), shanghaiDay(new Date())));
    else if (command.name === 'list') await listDays(pool, command.year);
    else await checkWorkingDay(pool, command.day);
    return 0;
  });
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exitCode = 1;
    },
  );
}
