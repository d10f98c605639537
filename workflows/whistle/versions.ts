/**
 * The versions of the whistle workflow, known by the patch markers their histories carry. A
 * marker's id is what Temporal recorded and never changes; the constant's name says what the
 * version does. A whistle runs, until it ends, the code of the newest version it was filed with
 * (index.ts asks newest first).
 */

/**
 * 回访: the workflow keeps each resolution's callback window (`callback.within` after the latest
 * `resolved`) and, once closed, stays until that window has passed or the callback was made, so
 * that the center's `callback` can reach it. Proactive whistles (未诉先办) start dispatched. The
 * code new whistles run: ./process.ts with the callback window kept.
 */
export const STAYS_FOR_CALLBACK = 'callback-window';

/**
 * Only the timer of the deadline that passes next is armed (the following one's once it has
 * passed or left the stage: one timer at filing, not three), each wait is one condition, and an
 * empty department list is never sent to Temporal: ./process.ts, without callback windows.
 * The patch id is the one running whistles recorded in their histories, so it cannot change.
 */
export const NEXT_DEADLINE_ONLY = 'lean-tasks';

/**
 * The API plans each stage's deadlines and an action answers at once (the workflow projects a
 * moment later); early warnings (临期预警), extension requests (延期申请), final dispatch (终审),
 * repeated reports merged (重复件合并), deadlines counted again when the calendar changes. Every
 * deadline of a stage keeps its own timer: ./frozen/every-deadline-armed.ts.
 */
export const PLANNED_DEADLINES = 'second-round';

/**
 * The projection runs as a local activity, inside the workflow task that made the change. Only
 * whistles without PLANNED_DEADLINES ask for it: ./frozen/before-planned-deadlines.ts.
 */
export const PROJECTION_AS_LOCAL_ACTIVITY = 'projection-as-local-activity';

/** Every marker the whistle workflow records, newest first. */
export const WHISTLE_VERSIONS = [STAYS_FOR_CALLBACK, NEXT_DEADLINE_ONLY, PLANNED_DEADLINES, PROJECTION_AS_LOCAL_ACTIVITY] as const;
