/**
 * Which work the Temporal task queue serves first (优先级与公平), given to every workflow the
 * project starts (`priority` in the start options; the workflow's activities and the tasks of
 * its later steps — actions, deadlines, signals — carry it too). The server (matching.useNewMatcher
 * and matching.enableFairness, lib/temporal-dev-server.ts) serves a lower `priorityKey` first and,
 * within one priority, the fairness keys in turn, so one street's burst does not hold up another
 * street's whistles.
 *
 * | priorityKey | what |
 * | --- | --- |
 * | 1 | urgent whistles (紧急) and those of the immediate list (即办) |
 * | 2 | the phased list (阶段性), and whistles whose category the catalogue places on no list |
 * | 3 | help requests (邻里搭把手), and anything started without a priority (the server's default) |
 * | 4 | the understanding list (谅解) |
 * | 5 | bulk work: reporters' retention, the calendar's recounts, the assessment's publication, proactive rounds, the suggestions' retraining |
 *
 * A whistle's list is chosen at triage, long after its workflow started, and Temporal server
 * 1.29.1 cannot change a running workflow's priority (UpdateWorkflowExecutionOptions knows no
 * `priority` there: "invalid path"). A whistle is therefore filed with the list the dispatch
 * catalogue (派单目录) gives its category — the list triage starts from — and keeps it.
 */

export interface TaskPriority {
  priorityKey: number;
  /** A street's id (at most 63 characters: fairness keys are at most 64 bytes), or a kind of bulk work. */
  fairnessKey: string;
}

type List = 'immediate' | 'phased' | 'understanding';

const PRIORITY = Object.freeze({ urgent: 1, phased: 2, help: 3, understanding: 4, bulk: 5 });

/** Kinds of bulk work, each its own fairness key among the bulk work. */
export type BulkWork = 'retention' | 'calendar-recount' | 'assessment-publication' | 'proactive-round' | 'suggestion-retraining' | 'photo-sweep';

/** A whistle's priority: by urgency and list, fair among streets. */
export function whistlePriority(whistle: { streetId: string; urgent: boolean; list: List | null }): TaskPriority {
  const priorityKey = whistle.urgent || whistle.list === 'immediate' ? PRIORITY.urgent
    : whistle.list === 'understanding' ? PRIORITY.understanding : PRIORITY.phased;
  return { priorityKey, fairnessKey: whistle.streetId };
}

/** A help request's priority: fair among streets (those of its community). */
export function helpPriority(request: { streetId: string }): TaskPriority {
  return { priorityKey: PRIORITY.help, fairnessKey: request.streetId };
}

/** Bulk work comes last. Its keys hold a colon, which no organisation id has, so they never meet a street's. */
export function bulkPriority(work: BulkWork): TaskPriority {
  return { priorityKey: PRIORITY.bulk, fairnessKey: `bulk:${work}` };
}
