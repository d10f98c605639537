/**
 * The center's practice (国办函〔2025〕66号) as the contract gives it, for the parts of the API whose
 * schemas the generated types (schema.d.ts) do not hold yet: 回访 (`callback`, `callbackDue=true`),
 * 派单异议审核 (`returnRuling` in `triage`), 未诉先办 (/v1/proactive) and the view's `source`,
 * `callback` and `knowledge`. Hand-written and kept in this one file, so that once the API's
 * document has them, these types give way to the generated ones (and the calls move to calls.ts).
 */
import type { ActionBodies } from './calls';
import { api, ok } from './client';
import type { TimelineEntry, Whistle, WhistleItem } from './types';

type Answer = { data?: unknown; error?: unknown; response: Response };
interface LooseInit {
  params?: { path?: Record<string, string>; query?: Record<string, string | number | boolean>; header?: Record<string, string> };
  body?: unknown;
}
type LooseCall = (path: string, init?: LooseInit) => Promise<Answer>;
/** The same client (session token, 401 handling), for paths the generated document does not list yet. */
const loose = api as unknown as { GET: LooseCall; POST: LooseCall; DELETE: LooseCall };
const answer = <T>(request: Promise<Answer>) => ok(request as Promise<{ data?: T; error?: unknown; response: Response }>);

export type Rating = 'satisfied' | 'basically_satisfied' | 'unsatisfied';

// ---- the whistle view's new fields --------------------------------------------------------------

/** 回访: the latest callback of the current resolution. */
export interface CallbackRecord { reached: boolean; rating: Rating | null; note: string | null; at: string; by: string }

/** The view with the fields the contract adds (optional until the API's document has them). */
export type PracticeView = Whistle & {
  source?: 'community' | 'open311' | 'proactive';
  callback?: CallbackRecord | null;
  /** For the holder and the center: at most 5 articles of the knowledge base related to the whistle. */
  knowledge?: Array<{ id: string; title: string }>;
  /** The reporter as the view gives it to the center (the phone only when the view has it). */
  reporter?: { name: string; phone?: string | null } | null;
};
export type PracticeItem = WhistleItem & Pick<PracticeView, 'source' | 'callback' | 'reporter'>;

/** A timeline entry; a `returned` entry may say the return's kind. */
export type PracticeTimelineEntry = TimelineEntry & { kind?: ReturnKind | null; data?: { kind?: ReturnKind } | null };
export type ReturnKind = 'not_our_area' | 'not_our_function' | 'other';

/**
 * The return the center must rule on: the latest `returned` entry when it came after the last
 * `triaged` (the whistle is back from a department, not escalated by the street), else null.
 */
export function pendingReturn(view: Whistle): { at: string; reason: string | null; kind: ReturnKind | null; actor: string } | null {
  const timeline = view.timeline as PracticeTimelineEntry[];
  let lastReturned = -1;
  let lastTriaged = -1;
  timeline.forEach((e, i) => {
    if (e.type === 'returned') lastReturned = i;
    if (e.type === 'triaged') lastTriaged = i;
  });
  if (lastReturned < 0 || lastReturned < lastTriaged) return null;
  const e = timeline[lastReturned];
  return { at: e.at, reason: e.note, kind: e.kind ?? e.data?.kind ?? null, actor: e.actor };
}

// ---- 派单异议审核: the ruling on a return, sent with the triage ----------------------------------

export type ReturnRuling = 'upheld' | 'rejected';
export const RETURN_RULING_LABELS: Record<ReturnRuling, string> = { upheld: '维持退回', rejected: '驳回退回' };

/** The triage's body with the ruling (required by the API when the whistle came back by a return). */
export function withRuling(body: ActionBodies['triage'], ruling: ReturnRuling | ''): ActionBodies['triage'] {
  return (ruling ? { ...body, returnRuling: ruling } : body) as ActionBodies['triage'];
}

// ---- 回访 ---------------------------------------------------------------------------------------

export interface CallbackBody { reached: boolean; rating?: Rating; note?: string }

/** Resolved and closed whistles with a reporter phone on record, their 回访 window open, not yet called back. */
export const callbacksDue = (cursor?: string): Promise<{ items: PracticeItem[]; nextCursor: string | null }> =>
  answer(loose.GET('/v1/whistles', { params: { query: { callbackDue: 'true', limit: 50, ...(cursor ? { cursor } : {}) } } }));

export const callBack = (id: string, body: CallbackBody, key: string): Promise<PracticeView> =>
  answer(loose.POST('/v1/whistles/{id}/callback', { params: { path: { id }, header: { 'idempotency-key': key } }, body }));

// ---- 未诉先办 -----------------------------------------------------------------------------------

export type ProactiveSchedule = { everyDays: number } | { calendar: Array<{ month?: number; dayOfMonth: number; hour?: number }> };

export interface ProactiveBody {
  title: string; description: string; category: string; communityIds: string[];
  list: 'immediate' | 'phased' | 'understanding'; departmentIds: string[]; leadDepartmentId?: string;
  schedule: ProactiveSchedule; paused?: boolean;
}

/** A proactive round as GET /v1/proactive lists it (the fields beyond the body are read when present). */
export type ProactiveRound = ProactiveBody & {
  id: string; nextRunAt?: string | null; paused?: boolean; createdAt?: string; createdBy?: string; lastRunAt?: string | null;
};

export const proactiveRounds = (): Promise<{ items: ProactiveRound[] }> => answer(loose.GET('/v1/proactive'));
export const createProactive = (body: ProactiveBody): Promise<{ id: string; nextRunAt: string | null }> =>
  answer(loose.POST('/v1/proactive', { body }));
export const pauseProactive = (id: string, pause: boolean): Promise<ProactiveRound> =>
  answer(loose.POST(pause ? '/v1/proactive/{id}/pause' : '/v1/proactive/{id}/unpause', { params: { path: { id } } }));
export const deleteProactive = (id: string): Promise<unknown> => answer(loose.DELETE('/v1/proactive/{id}', { params: { path: { id } } }));
