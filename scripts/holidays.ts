/**
 * Operators' CLI for the holiday calendar (`calendar_days`): the official schedule of a year
 * (public holidays and 调休 make-up working days) is published late in the year before, and
 * operators add it here as data.
 *
 *   npm run holidays -- import FILE   upsert the days of FILE
 *   npm run holidays -- list [YEAR]   print the overrides
 *   npm run holidays -- check DAY     say whether DAY is a working day, and why
 */
import { readFileSync } from 'node:fs';
import type { Pool } from 'pg';
import { readConfig } from '../lib/config';
import { createPool, migrate } from '../lib/db';
import { WorkingCalendar, isCalendarDay, loadCalendarOverrides } from '../lib/calendar';

const USAGE = `Usage:
  npm run holidays -- import FILE   upsert the days of FILE into calendar_days
  npm run holidays -- list [YEAR]   print the operators' overrides (all, or of one year)
  npm run holidays -- check DAY     say whether DAY (YYYY-MM-DD) is a working day, and why

FILE is JSON, either a list of days
  [{"day": "2027-01-01", "working": false, "note": "元旦"}, ...]
or the days off and the make-up working days (调休) of a schedule
  {"note": "...", "holidays": ["2027-01-01", ...], "workdays": ["2027-02-20", ...]}
(see docs/holidays-example.json). The database is DATABASE_URL.`;

/** Wrong command line: the usage is printed and the exit code is 2. */
class UsageError extends Error {}

/** One row of `calendar_days`. */
interface CalendarDay {
  day: string;
  working: boolean;
  note: string;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function weekdayOf(day: string): string {
  return WEEKDAYS[new Date(`${day}T00:00:00Z`).getUTCDay()];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkDay(value: unknown, where: string): string {
  if (typeof value !== 'string' || !isCalendarDay(value)) {
    throw new Error(`${where}: expected a day "YYYY-MM-DD", got ${JSON.stringify(value)}`);
  }
  return value;
}

/** `[{ day, working, note? }, ...]` */
function daysFromList(list: unknown[]): CalendarDay[] {
  return list.map((entry, i) => {
    const where = `entry ${i}`;
    if (!isPlainObject(entry)) throw new Error(`${where}: expected {"day": ..., "working": ..., "note": ...}`);
    for (const key of Object.keys(entry)) {
      if (!['day', 'working', 'note'].includes(key)) throw new Error(`${where}: unknown key "${key}"`);
    }
    const day = checkDay(entry.day, `${where}.day`);
    if (typeof entry.working !== 'boolean') throw new Error(`${where} (${day}).working: expected true or false`);
    if (entry.note !== undefined && typeof entry.note !== 'string') throw new Error(`${where} (${day}).note: expected text`);
    return { day, working: entry.working, note: entry.note ?? '' };
  });
}

/** `{ note?, holidays: [...], workdays: [...] }`; the file's note goes on every row. */
function daysFromSchedule(schedule: Record<string, unknown>): CalendarDay[] {
  for (const key of Object.keys(schedule)) {
    if (!['note', 'holidays', 'workdays'].includes(key)) throw new Error(`unknown key "${key}" (expected note, holidays, workdays)`);
  }
  const note = schedule.note ?? '';
  if (typeof note !== 'string') throw new Error('note: expected text');
  const days: CalendarDay[] = [];
  for (const [key, working] of [['holidays', false], ['workdays', true]] as const) {
    const list = schedule[key] ?? [];
    if (!Array.isArray(list)) throw new Error(`${key}: expected a list of days "YYYY-MM-DD"`);
    list.forEach((day, i) => days.push({ day: checkDay(day, `${key}[${i}]`), working, note }));
  }
  return days;
}

/** Reads an import file; a day given twice must say the same thing both times. */
function readImportFile(file: string): CalendarDay[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new Error(`${file}: ${code === 'ENOENT' ? 'file not found' : (err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`);
  }
  let days: CalendarDay[];
  try {
    if (Array.isArray(json)) days = daysFromList(json);
    else if (isPlainObject(json)) days = daysFromSchedule(json);
    else throw new Error('expected a list of days or {"holidays": [...], "workdays": [...]}');
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`);
  }
  const seen = new Map<string, boolean>();
  for (const { day, working } of days) {
    if (seen.has(day) && seen.get(day) !== working) {
      throw new Error(`${file}: ${day} is given both as a working day and as a day off`);
    }
    seen.set(day, working);
  }
  return days;
}

async function importDays(pool: Pool, days: CalendarDay[]): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    for (const { day, working, note } of days) {
      await client.query(
        `INSERT INTO calendar_days (day, working, note, updated_at) VALUES ($1::date, $2, $3, now())
         ON CONFLICT (day) DO UPDATE SET working = EXCLUDED.working, note = EXCLUDED.note, updated_at = now()`,
        [day, working, note],
      );
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
  const off = days.filter((d) => !d.working).length;
  console.log(`imported ${days.length} days (${off} days off, ${days.length - off} working days)`);
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
    return;
  }
  for (const { day, working, note } of result.rows) {
    console.log(`${day} ${weekdayOf(day)}  ${working ? 'working' : 'day off'}${note ? `  ${note}` : ''}`);
  }
}

async function checkWorkingDay(pool: Pool, day: string): Promise<void> {
  const calendar = new WorkingCalendar(await loadCalendarOverrides(pool));
  const verdict = calendar.explainDay(day);
  console.log(`${day} ${weekdayOf(day)}: ${verdict.working ? 'working day' : 'day off'} (${verdict.source}: ${verdict.reason})`);
}

type Command =
  | { name: 'import'; days: CalendarDay[] }
  | { name: 'list'; year: number | undefined }
  | { name: 'check'; day: string };

/** Reads the command line; the import file is read here too, before touching the database. */
function parseArgs(args: string[]): Command {
  const [name, arg, ...rest] = args;
  if (rest.length > 0) throw new UsageError(`too many arguments: ${rest.join(' ')}`);
  switch (name) {
    case 'import':
      if (arg === undefined) throw new UsageError('import needs a FILE');
      return { name, days: readImportFile(arg) };
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
  const config = readConfig();
  await migrate(config.databaseUrl);
  const pool = createPool(config.databaseUrl, 2);
  try {
    if (command.name === 'import') await importDays(pool, command.days);
    else if (command.name === 'list') await listDays(pool, command.year);
    else await checkWorkingDay(pool, command.day);
    return 0;
  } finally {
    await pool.end();
  }
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
