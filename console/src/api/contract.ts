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
type NoParams = { query?: never; header?: never; path?: never; cookie?: never };
type Route<M extends object> = M & { parameters: NoParams };

export type Role = 'community' | 'street' | 'center' | 'department' | 'supervisor' | 'member' | 'resident';
export interface AccountRef { id: string; role: Role; orgId: string; name: string }
export interface OrgRef { id: string; kind: string; name: string; parentId: string | null }

export interface Session { token: string; expiresAt: string; account: AccountRef }
export interface Me { account: AccountRef; org: OrgRef }

export interface Delivery { status: 'pending' | 'delivered' | 'failed' | 'inbox'; attempts: number; lastError: string | null }
export interface AssessmentExtras { publishedAt: string | null }

/** Routes of the contract that the served document does not list yet. */
export interface PendingPaths {
  '/v1/sessions': Route<{
    post: { parameters: NoParams; requestBody: Json<{ accountId: string; password: string }>; responses: { 201: Json<Session> } & Failures };
  }>;
  '/v1/sessions/current': Route<{ delete: { parameters: NoParams; requestBody?: never; responses: { 204: { content?: never } } & Failures } }>;
  '/v1/me': Route<{ get: { parameters: NoParams; requestBody?: never; responses: { 200: Json<Me> } & Failures } }>;
}
