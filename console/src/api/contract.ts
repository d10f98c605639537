/**
 * What CONTRACT.md promises and the served OpenAPI document (schema.d.ts) does not hold yet,
 * because the routes are being built in parallel. Each type here is used only where the
 * generated one is missing (`Merge` lets the generated type win), and each goes once
 * `npm run console:types` brings the real one. The console never invents an answer: a route
 * that is not served yet answers 404 and the console shows that error.
 */
import type { components } from './schema';

type Schemas = components['schemas'];
/** The generated type, completed by the contract's fields it does not have yet. */
export type Merge<Generated, Contract> = Generated & Omit<Contract, keyof Generated>;

type Json<T> = { content: { 'application/json': T } };
type Failure = Json<Schemas['Error']>;
type Failures = { 400: Failure; 401: Failure; 403: Failure; 404: Failure; 409: Failure; 422: Failure; 429: Failure; 503: Failure };
type Params<Path = never, Query = never> = {
  query?: Query; header?: { 'idempotency-key'?: string }; path: Path; cookie?: never;
};
type NoParams = { query?: never; header?: never; path?: never; cookie?: never };
type Op<P, Body, Status extends number, Res> = {
  parameters: P;
  requestBody: Body extends never ? never : Json<Body>;
  responses: { [S in Status]: Json<Res> } & Failures;
};
type Get<P, Res> = { parameters: P; requestBody?: never; responses: { 200: Json<Res> } & Failures };
type Route<M extends object> = M & { parameters: NoParams };

export interface AccountRef { id: string; role: Role; orgId: string; name: string }
export type Role = 'community' | 'street' | 'center' | 'department' | 'supervisor' | 'member' | 'resident';
export interface OrgRef { id: string; kind: string; name: string; parentId: string | null }

export interface Session { token: string; expiresAt: string; account: AccountRef }
export interface Me { account: AccountRef; org: OrgRef }

export type WhistleAction =
  | 'accept' | 'progress' | 'resolve' | 'escalate' | 'triage' | 'return' | 'urge' | 'evaluate' | 'withdraw'
  | 'request-extension' | 'decide-extension' | 'merge';

export interface Extension {
  status: 'requested' | 'approved' | 'rejected' | 'lapsed';
  until: string; reason: string; requestedBy: string; decidedBy: string | null; note: string | null;
}
export interface Suggestion { list: 'immediate' | 'phased' | 'understanding' | null; departmentIds: string[]; leadDepartmentId: string | null }

/** The view's second-round fields (contract, "Whistles" (new)). */
export interface WhistleExtras {
  allowedActions: WhistleAction[];
  dueSoon: boolean;
  extension: Extension | null;
  duplicateOf: string | null;
  duplicates: string[];
  reports: number;
  possibleDuplicates: string[];
  suggestion: Suggestion | null;
  returns: number;
  finalDispatch: boolean;
}

export interface WhistleListExtras {
  holder?: 'me' | string;
  dueSoon?: 'true' | 'false';
  category?: string;
  sort?: 'due';
}

export interface CatalogueEntry {
  category: string; list: 'immediate' | 'phased' | 'understanding' | null; departmentIds: string[]; leadDepartmentId: string | null;
}
export interface CatalogueBody { list: 'immediate' | 'phased' | 'understanding'; departmentIds: string[]; leadDepartmentId?: string }

export interface Delivery { status: 'pending' | 'delivered' | 'failed' | 'inbox'; attempts: number; lastError: string | null }
export interface AssessmentExtras { publishedAt: string | null }
export interface AssessmentRowExtras { extended: number; dueSoonWarned: number }
export interface HelpExtras { allowedActions: Array<'verify' | 'claim' | 'check-in' | 'complete' | 'confirm' | 'cancel'> }

type ContractWhistle = Merge<Schemas['Whistle'], WhistleExtras>;
type IdPath = { id: string };

/** Routes of the contract that the served document does not list yet. */
export interface PendingPaths {
  '/v1/sessions': Route<{ post: Op<NoParams, { accountId: string; password: string }, 201, Session> }>;
  '/v1/sessions/current': Route<{ delete: { parameters: NoParams; requestBody?: never; responses: { 204: { content?: never } } & Failures } }>;
  '/v1/me': Route<{ get: Get<NoParams, Me> }>;
  '/v1/dispatch-catalogue': Route<{ get: Get<NoParams, CatalogueEntry[]> }>;
  '/v1/dispatch-catalogue/{category}': Route<{ put: Op<Params<{ category: string }>, CatalogueBody, 200, CatalogueEntry> }>;
  '/v1/whistles/{id}/request-extension': Route<{ post: Op<Params<IdPath>, { until: string; reason: string }, 200, ContractWhistle> }>;
  '/v1/whistles/{id}/decide-extension': Route<{ post: Op<Params<IdPath>, { approve: boolean; note?: string }, 200, ContractWhistle> }>;
  '/v1/whistles/{id}/merge': Route<{ post: Op<Params<IdPath>, { into: string; note?: string }, 200, ContractWhistle> }>;
}
