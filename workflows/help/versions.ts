/**
 * The versions of the help request workflow, known by the patch markers their histories carry
 * (the ids are what Temporal recorded; the names say what each version does). A request runs,
 * until it ends, the code of the version it was posted with (index.ts).
 */

/**
 * A stage's deadline keeps one durable timer while actions come and go: the stage clock the
 * whistles use (../whistle/stage-clock.ts), and each change is projected before the next wait.
 * The code new requests run: ./process.ts. Requests without it start the deadline's timer anew
 * at every wait and cancel it at every change: ./frozen/timer-per-wait.ts.
 */
export const TIMER_PER_DEADLINE = 'help-timer-per-deadline';

/**
 * A calendar change counts the pending working-day deadline again. The frozen code asks for it
 * when a change arrives (requests it never reached carry no marker); the process always does it.
 */
export const CALENDAR_RECOUNT = 'help-calendar-changes';

/** Every marker the help request workflow records, newest first. */
export const HELP_VERSIONS = [TIMER_PER_DEADLINE, CALENDAR_RECOUNT] as const;
