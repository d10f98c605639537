/**
 * Every call the console makes, typed by the generated schema: the views use these and never
 * build a request themselves.
 */
import { api, ok, ApiRefusal, photoRefusal } from './client';
import { session } from './session';
import type { operations } from './schema';
import type {
  Assessment, BodyOf, CalendarDay, CatalogueBody, CatalogueEntry, Category, ConsoleConfig, FileWhistleBody, HelpAction, HelpListQuery, HelpRequest, Me,
  MemberRecord, Notification, Org, PostHelpBody, Session, Stats, StoredPhoto, Whistle, WhistleAction, WhistleListQuery, WhistlePage,
} from './types';

/** A GET that may answer 304: `changed: false` keeps what the caller already holds. */
export type Conditional<T> = { changed: true; data: T; etag: string | null } | { changed: false; etag: string | null };

async function conditional<T>(request: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<Conditional<T>> {
  let answer: { data?: T; error?: unknown; response: Response };
  try {
    answer = await request;
  } catch {
    throw new ApiRefusal(0, 'network', '无法连接服务器，请检查网络后重试', null);
  }
  const etag = answer.response.headers.get('etag');
  if (answer.response.status === 304) return { changed: false, etag };
  const data = await ok(Promise.resolve(answer));
  return { changed: true, data, etag };
}

/** Poll requests revalidate themselves (If-None-Match) and never enter the browser's cache. */
const revalidate = (etag: string | null | undefined) => ({
  headers: etag ? { 'if-none-match': etag } : {},
  cache: 'no-store' as RequestCache,
});

// ---- sessions -------------------------------------------------------------------------------

export const signIn = (accountId: string, password: string): Promise<Session> =>
  ok(api.POST('/v1/sessions', { body: { accountId, password } }));
export const signOut = () => ok(api.DELETE('/v1/sessions/current', {}));
export const me = (token?: string): Promise<Me> =>
  ok(api.GET('/v1/me', token ? { headers: { authorization: `Bearer ${token}` } } : {}));
export const consoleConfig = (): Promise<ConsoleConfig> => ok(api.GET('/console/config.json', {}));

// ---- directory ------------------------------------------------------------------------------

export const orgs = (): Promise<Org[]> => ok(api.GET('/v1/orgs', {}));
export const categories = (): Promise<Category[]> => ok(api.GET('/v1/categories', {}));

// ---- whistles -------------------------------------------------------------------------------

export const listWhistles = (query: WhistleListQuery, etag?: string | null): Promise<Conditional<WhistlePage>> =>
  conditional(api.GET('/v1/whistles', { params: { query }, ...revalidate(etag) }));

export const whistle = (id: string, etag?: string | null): Promise<Conditional<Whistle>> =>
  conditional(api.GET('/v1/whistles/{id}', { params: { path: { id } }, ...revalidate(etag) }));

export const fileWhistle = (body: FileWhistleBody, key: string): Promise<Whistle> =>
  ok(api.POST('/v1/whistles', { body, params: { header: { 'idempotency-key': key } } }));

/** The body each action takes, as the API's document gives it. */
export interface ActionBodies {
  accept: Record<string, never>;
  progress: BodyOf<operations['progressWhistle']>;
  resolve: BodyOf<operations['resolveWhistle']>;
  escalate: BodyOf<operations['escalateWhistle']>;
  triage: BodyOf<operations['triageWhistle']>;
  return: BodyOf<operations['returnWhistle']>;
  urge: BodyOf<operations['urgeWhistle']>;
  evaluate: BodyOf<operations['evaluateWhistle']>;
  withdraw: BodyOf<operations['withdrawWhistle']>;
  'request-extension': BodyOf<operations['requestExtensionWhistle']>;
  'decide-extension': BodyOf<operations['decideExtensionWhistle']>;
  merge: BodyOf<operations['mergeWhistle']>;
  callback: BodyOf<operations['callbackWhistle']>;
}

export function act<A extends WhistleAction>(id: string, action: A, body: ActionBodies[A], key: string): Promise<Whistle> {
  const init = { params: { path: { id }, header: { 'idempotency-key': key } } };
  const b = body as never;
  // One typed call per action: each path is the API's own.
  const calls: { [K in WhistleAction]: () => Promise<{ data?: Whistle; error?: unknown; response: Response }> } = {
    accept: () => api.POST('/v1/whistles/{id}/accept', init),
    progress: () => api.POST('/v1/whistles/{id}/progress', { ...init, body: b }),
    resolve: () => api.POST('/v1/whistles/{id}/resolve', { ...init, body: b }),
    escalate: () => api.POST('/v1/whistles/{id}/escalate', { ...init, body: b }),
    triage: () => api.POST('/v1/whistles/{id}/triage', { ...init, body: b }),
    return: () => api.POST('/v1/whistles/{id}/return', { ...init, body: b }),
    urge: () => api.POST('/v1/whistles/{id}/urge', { ...init, body: b }),
    evaluate: () => api.POST('/v1/whistles/{id}/evaluate', { ...init, body: b }),
    withdraw: () => api.POST('/v1/whistles/{id}/withdraw', { ...init, body: b }),
    'request-extension': () => api.POST('/v1/whistles/{id}/request-extension', { ...init, body: b }),
    'decide-extension': () => api.POST('/v1/whistles/{id}/decide-extension', { ...init, body: b }),
    merge: () => api.POST('/v1/whistles/{id}/merge', { ...init, body: b }),
    callback: () => api.POST('/v1/whistles/{id}/callback', { ...init, body: b }),
  };
  return ok(calls[action]());
}

// ---- dispatch catalogue (派单目录) ------------------------------------------------------------

export const catalogue = (): Promise<CatalogueEntry[]> => ok(api.GET('/v1/dispatch-catalogue', {}));
export const putCatalogue = (category: CatalogueEntry['category'], body: CatalogueBody): Promise<CatalogueEntry> =>
  ok(api.PUT('/v1/dispatch-catalogue/{category}', { params: { path: { category } }, body }));

// ---- notifications --------------------------------------------------------------------------

export const notifications = (cursor?: string, etag?: string | null): Promise<Conditional<{ items: Notification[]; nextCursor: string | null }>> =>
  conditional(api.GET('/v1/notifications', { params: { query: { limit: 20, ...(cursor ? { cursor } : {}) } }, ...revalidate(etag) }) as
    Promise<{ data?: { items: Notification[]; nextCursor: string | null }; response: Response }>);

// ---- neighbour help (邻里搭把手) ---------------------------------------------------------------

export const helpRequests = (query: HelpListQuery, etag?: string | null): Promise<Conditional<{ items: HelpRequest[]; nextCursor: string | null }>> =>
  conditional(api.GET('/v1/help-requests', { params: { query }, ...revalidate(etag) }));
export const helpRequest = (id: string, etag?: string | null): Promise<Conditional<HelpRequest>> =>
  conditional(api.GET('/v1/help-requests/{id}', { params: { path: { id } }, ...revalidate(etag) }));
export const postHelp = (body: PostHelpBody, key: string): Promise<HelpRequest> =>
  ok(api.POST('/v1/help-requests', { body, params: { header: { 'idempotency-key': key } } }));

export interface HelpBodies {
  verify: { approve: boolean; reason?: string };
  claim: { appointmentAt: string; place: string };
  'check-in': Record<string, never>;
  complete: { note: string };
  confirm: { rating: number; comment?: string };
  cancel: { reason: string };
}

/** Help actions take no Idempotency-Key (the routes do not read one); a repeated action is refused as invalid_state. */
export function helpAct<A extends HelpAction>(id: string, action: A, body: HelpBodies[A]): Promise<HelpRequest> {
  const init = { params: { path: { id } } };
  const calls: { [K in HelpAction]: () => Promise<{ data?: unknown; error?: unknown; response: Response }> } = {
    verify: () => api.POST('/v1/help-requests/{id}/verify', { ...init, body: body as HelpBodies['verify'] }),
    claim: () => api.POST('/v1/help-requests/{id}/claim', { ...init, body: body as HelpBodies['claim'] }),
    'check-in': () => api.POST('/v1/help-requests/{id}/check-in', init),
    complete: () => api.POST('/v1/help-requests/{id}/complete', { ...init, body: body as HelpBodies['complete'] }),
    confirm: () => api.POST('/v1/help-requests/{id}/confirm', { ...init, body: body as HelpBodies['confirm'] }),
    cancel: () => api.POST('/v1/help-requests/{id}/cancel', { ...init, body: body as HelpBodies['cancel'] }),
  };
  return ok(calls[action]()) as Promise<HelpRequest>;
}

export const memberRecord = (id: string): Promise<MemberRecord> => ok(api.GET('/v1/members/{id}/record', { params: { path: { id } } }));

// ---- supervision ----------------------------------------------------------------------------

export const assessment = (quarter: string, live: boolean): Promise<Assessment> =>
  ok(api.GET('/v1/assessments', { params: { query: { quarter, ...(live ? { live: true } : {}) } } })) as Promise<Assessment>;

/** The same assessment as the API's CSV file (UTF-8 with BOM), to download. */
export async function assessmentCsv(quarter: string, live: boolean): Promise<Blob> {
  const answer = await api.GET('/v1/assessments', { params: { query: { quarter, format: 'csv', ...(live ? { live: true } : {}) } }, parseAs: 'blob' });
  if (!answer.response.ok) return ok(Promise.resolve(answer)) as never;
  return answer.data as unknown as Blob;
}

// ---- holiday calendar (节假日) ------------------------------------------------------------------

export const calendarDays = (from: string, to: string): Promise<CalendarDay[]> =>
  ok(api.GET('/v1/calendar', { params: { query: { from, to } } }));

export const stats = (from?: string, to?: string): Promise<Stats> =>
  ok(api.GET('/v1/stats', { params: { query: { ...(from ? { from } : {}), ...(to ? { to } : {}) } } }));

// ---- photos (附件) ---------------------------------------------------------------------------

/** Uploads one photo (multipart, part `file`); its id goes into `attachmentIds` of the call that attaches it. */
export async function uploadPhoto(file: File): Promise<StoredPhoto> {
  const form = new FormData();
  form.append('file', file, file.name);
  let response: Response;
  try {
    response = await fetch('/v1/attachments', { method: 'POST', body: form, headers: session.token ? { authorization: `Bearer ${session.token}` } : {} });
  } catch {
    throw new ApiRefusal(0, 'network', '无法连接服务器，请检查网络后重试', null);
  }
  const body = await response.json().catch(() => undefined);
  if (!response.ok) throw photoRefusal(response.status, body);
  return body as StoredPhoto;
}

/**
 * A photo (or its thumbnail) as an object URL: the image is fetched with the session's bearer
 * token (an <img src> could not send it); the caller revokes the URL when it is done with it.
 */
export async function photoUrl(id: string, thumbnail: boolean): Promise<string> {
  const response = await fetch(`/v1/attachments/${encodeURIComponent(id)}${thumbnail ? '/thumbnail' : ''}`, {
    headers: session.token ? { authorization: `Bearer ${session.token}` } : {},
  });
  if (!response.ok) throw photoRefusal(response.status, await response.json().catch(() => undefined));
  return URL.createObjectURL(await response.blob());
}
