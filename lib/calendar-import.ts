/**
 * Operators' imports of the holiday calendar (`npm run holidays -- import FILE`): reading the
 * file, writing what it changes in one transaction (days, covered years, the audit entry and the
 * change record), and handing the change to running whistles and help requests through the
 * `calendarChange` workflow.
 *
 * The delivery is durable: the change is recorded in `calendar_changes` with the days, in the
 * same transaction; the workflow is started from that record afterwards (by the command, and
 * again by every worker at its start for a record still not started), with an id derived from
 * the change, so a command that died half-way is finished by the next one or by the worker.
 * An import that changes nothing writes nothing, records no change and starts nothing.
 *
 * File formats (docs/holidays-example.json):
 * - a year's schedule `{ "note"?, "year"?, "holidays": [day, ...], "workdays": [day, ...] }`;
 *   `holidays` are days off, `workdays` the make-up working days (调休);
 * - a list of days `[{ "day", "working", "note"? }, ...]` that corrects single days.
 * A schedule gives the whole official schedule of a year (and so extends `coveredThrough`) when
 * it says so with `"year": 2027`, or, without `year`, for each year whose 1 January (元旦, the
 * first holiday of every State Council notice) is among its `holidays`. With `year`, every day
 * must lie in that year or in the December before it (a 元旦 holiday or its 调休 may start
 * there). A list of days never covers a year.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Pool, PoolClient } from 'pg';
import { recordAudit } from './audit';
import { inTransaction } from './db';
import { WorkingCalendar, isCalendarDay } from './calendar';
import { shanghaiDay } from '../domain/shanghai-time';
import { calendarChangeWorkflowId, type CalendarChangeInput } from '../workflows/calendar-change-messages';
import { bulkPriority } from './task-priority';

/** One row of `calendar_days`. */
export interface CalendarDay {
  day: string;
  working: boolean;
  note: string;
}

/** What an import file says. */
export interface CalendarFile {
  days: CalendarDay[];
  /** Years whose whole official schedule the file gives. */
  years: number[];
}

/** A day whose working status an import turns around. */
export interface ChangedDay { day: string; working: boolean; was: boolean }

/** What `importCalendar` did. */
export interface ImportOutcome {
  /** The file's name, as the audit entry gives it. */
  source: string;
  /** Days in the file. */
  days: number;
  /** Days added to or corrected in `calendar_days` (working status or note). */
  written: CalendarDay[];
  /** Days that turn from working to off or back: deadlines over them move. */
  changed: ChangedDay[];
  /** Years the file gives that were not imported before. */
  newYears: number[];
  /** The recorded change, when some day's working status changed. */
  change: { changeId: string; workflowId: string } | null;
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

/** `{ note?, year?, holidays: [...], workdays: [...] }`; the file's note goes on every row. */
function scheduleFile(schedule: Record<string, unknown>): CalendarFile {
  for (const key of Object.keys(schedule)) {
    if (!['note', 'year', 'holidays', 'workdays'].includes(key)) throw new Error(`unknown key "${key}" (expected note, year, holidays, workdays)`);
  }
  const note = schedule.note ?? '';
  if (typeof note !== 'string') throw new Error('note: expected text');
  const days: CalendarDay[] = [];
  for (const [key, working] of [['holidays', false], ['workdays', true]] as const) {
    const list = schedule[key] ?? [];
    if (!Array.isArray(list)) throw new Error(`${key}: expected a list of days "YYYY-MM-DD"`);
    list.forEach((day, i) => days.push({ day: checkDay(day, `${key}[${i}]`), working, note }));
  }
  if (schedule.year === undefined) {
    // Without `year`: the years whose 元旦 (1 January) is a holiday of the file.
    const years = days.filter((d) => !d.working && d.day.endsWith('-01-01')).map((d) => Number(d.day.slice(0, 4)));
    return { days, years: [...new Set(years)].sort((a, b) => a - b) };
  }
  const year = schedule.year;
  if (typeof year !== 'number' || !Number.isInteger(year) || year < 1900 || year > 9999) {
    throw new Error(`year: expected the year whose official schedule the file gives (e.g. 2027), got ${JSON.stringify(year)}`);
  }
  for (const { day } of days) {
    if (!day.startsWith(`${year}-`) && !day.startsWith(`${year - 1}-12-`)) {
      throw new Error(`${day} is not in ${year} (nor in the December before it), the year the file gives`);
    }
  }
  if (!days.some((d) => !d.working && d.day.startsWith(`${year}-`))) {
    throw new Error(`the ${year} schedule lists no holiday in ${year}`);
  }
  return { days, years: [year] };
}

/** Reads the text of an import file; a day given twice must say the same thing both times. */
export function parseCalendarFile(text: string): CalendarFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`not valid JSON (${(err as Error).message})`, { cause: err });
  }
  let file: CalendarFile;
  if (Array.isArray(json)) file = { days: daysFromList(json), years: [] };
  else if (isPlainObject(json)) file = scheduleFile(json);
  else throw new Error('expected a list of days or {"holidays": [...], "workdays": [...]}');
  const seen = new Map<string, boolean>();
  for (const { day, working } of file.days) {
    if (seen.has(day) && seen.get(day) !== working) throw new Error(`${day} is given both as a working day and as a day off`);
    seen.set(day, working);
  }
  // The last mention of a day wins (its note); the working status is the same by now.
  const byDay = new Map(file.days.map((d) => [d.day, d]));
  return { days: [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day)), years: file.years };
}

/** Reads an import file from disk; errors name the file. */
export function readCalendarFile(file: string): CalendarFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new Error(`${file}: ${code === 'ENOENT' ? 'file not found' : (err as Error).message}`, { cause: err });
  }
  try {
    return parseCalendarFile(text);
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** The change's id: the day of the import in Asia/Shanghai and a digest of what it changed. */
function changeIdOf(serial: string, at: Date, changed: ChangedDay[]): string {
  const digest = createHash('sha256').update(`${serial}|${at.toISOString()}|${JSON.stringify(changed)}`).digest('hex').slice(0, 10);
  return `${shanghaiDay(at).replace(/-/g, '')}-${digest}`;
}

function describeImport(outcome: Omit<ImportOutcome, 'change'>, changeWorkflowId: string | null): string {
  const off = outcome.written.filter((d) => !d.working).length;
  const parts = [`${outcome.written.length} days written (${off} days off, ${outcome.written.length - off} working days)`];
  if (outcome.newYears.length) parts.push(`official schedule of ${outcome.newYears.join(', ')}`);
  parts.push(changeWorkflowId
    ? `${outcome.changed.length} days change between working and off: running cases recompute (${changeWorkflowId})`
    : 'no working day changes');
  return parts.join('; ');
}

/**
 * Writes what the file changes, in one transaction: the days added or corrected, the years it
 * newly gives, one `calendar_imported` audit entry by `actor`, and — when some day turns from
 * working to off or back — the change record for the running cases. A file that changes
 * nothing writes nothing. Imports run one at a time (a table lock).
 */
export async function importCalendar(pool: Pool, file: CalendarFile, options: { actor: string; source: string }): Promise<ImportOutcome> {
  const source = path.basename(options.source);
  return inTransaction(pool, async (client) => {
    await client.query('LOCK TABLE calendar_days IN SHARE ROW EXCLUSIVE MODE');
    return writeImport(client, file, source, options.actor);
  });
}

async function writeImport(client: PoolClient, file: CalendarFile, source: string, actor: string): Promise<ImportOutcome> {
  const days = file.days.map((d) => d.day);
  const existing = await client.query<{ day: string; working: boolean; note: string }>(
    "SELECT to_char(day, 'YYYY-MM-DD') AS day, working, note FROM calendar_days WHERE day = ANY($1::date[])", [days]);
  const before = new Map(existing.rows.map((r) => [r.day, r]));
  const official = new WorkingCalendar();
  const written = file.days.filter((d) => {
    const row = before.get(d.day);
    return !row || row.working !== d.working || row.note !== d.note;
  });
  const changed: ChangedDay[] = [];
  for (const d of written) {
    const was = before.get(d.day)?.working ?? official.isWorkingDay(d.day);
    if (was !== d.working) changed.push({ day: d.day, working: d.working, was });
  }
  const known = await client.query<{ year: number }>('SELECT year FROM calendar_years WHERE year = ANY($1::int[])', [file.years]);
  const knownYears = new Set(known.rows.map((r) => r.year));
  const newYears = file.years.filter((y) => !knownYears.has(y));
  const outcome = { source, days: file.days.length, written, changed, newYears };
  if (written.length === 0 && newYears.length === 0) return { ...outcome, change: null };

  if (written.length > 0) {
    await client.query(
      `INSERT INTO calendar_days (day, working, note, updated_at)
       SELECT d, w, n, now() FROM unnest($1::date[], $2::boolean[], $3::text[]) AS t(d, w, n)
       ON CONFLICT (day) DO UPDATE SET working = EXCLUDED.working, note = EXCLUDED.note, updated_at = now()`,
      [written.map((d) => d.day), written.map((d) => d.working), written.map((d) => d.note)]);
  }
  if (newYears.length > 0) {
    await client.query(
      'INSERT INTO calendar_years (year, note) SELECT y, $2 FROM unnest($1::int[]) AS t(y) ON CONFLICT (year) DO NOTHING',
      [newYears, `imported from ${source}`]);
  }
  let change: ImportOutcome['change'] = null;
  if (changed.length > 0) {
    const serial = await client.query<{ id: string; at: Date }>(
      "SELECT nextval(pg_get_serial_sequence('calendar_changes', 'id'))::text AS id, clock_timestamp() AS at");
    const { id, at } = serial.rows[0];
    const changeId = changeIdOf(id, at, changed);
    await client.query('INSERT INTO calendar_changes (id, change_id, at, days, source) VALUES ($1, $2, $3, $4, $5)',
      [id, changeId, at, JSON.stringify(changed), source]);
    change = { changeId, workflowId: calendarChangeWorkflowId(changeId) };
  }
  await recordAudit(client, {
    type: 'calendar_imported', actor, subject: source, note: describeImport(outcome, change?.workflowId ?? null),
  });
  return { ...outcome, change };
}

/** A change record whose workflow has been started (now or before). */
export interface StartedChange { changeId: string; workflowId: string; source: string; at: Date }

/** How the change workflow walks the cases (defaults in workflows/calendar-change.ts). */
export type CalendarChangeSettings = Pick<CalendarChangeInput, 'pageSize' | 'pauseSeconds' | 'settleSeconds' | 'pagesPerRun'>;

/**
 * Starts the `calendarChange` workflow of every recorded change not started yet, on `taskQueue`
 * (the queue of the whistles and help requests it must reach), and marks each started. Safe to
 * run from several processes at once: the id is the change's, a running workflow is reused and
 * one that has completed is not started again.
 */
export async function startPendingCalendarChanges(
  pool: Pool, temporal: Client, taskQueue: string, settings: CalendarChangeSettings = {},
): Promise<StartedChange[]> {
  const pending = await pool.query<{ id: string; change_id: string; source: string; at: Date; n: number }>(
    `SELECT id::text, change_id, source, at, jsonb_array_length(days) AS n FROM calendar_changes
      WHERE started_at IS NULL ORDER BY id`);
  const started: StartedChange[] = [];
  for (const row of pending.rows) {
    const workflowId = calendarChangeWorkflowId(row.change_id);
    const input: CalendarChangeInput = { changeId: row.change_id, taskQueue, ...settings };
    try {
      await temporal.workflow.start('calendarChange', {
        workflowId,
        taskQueue,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
        // Bulk work: last on the task queue; each whistle it reaches recounts at its own priority.
        priority: bulkPriority('calendar-recount'),
        staticSummary: `Calendar change ${row.change_id} (${row.source}, ${row.n} days): calendarChanged to every open whistle and help request`,
      });
    } catch (err) {
      // It ran to its end already (a command that died after starting it): nothing to do.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    await pool.query('UPDATE calendar_changes SET started_at = now() WHERE id = $1 AND started_at IS NULL', [row.id]);
    started.push({ changeId: row.change_id, workflowId, source: row.source, at: row.at });
  }
  return started;
}
