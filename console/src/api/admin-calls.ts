/**
 * The calls of running the system (三员分立): organisations and accounts (admin), sign-in records,
 * unlocking and ending sessions (security), the audit log and its chain check (auditor), and
 * everyone's own password. Typed by the generated schema, like calls.ts.
 */
import { api, ok } from './client';
import type {
  AccountState, AuditCheck, AuditEntry, AuditQuery, CreatedAccount, ImportedAccounts, NewAccount, Org, OrgImportResult, SignInQuery, SignInRecord,
} from './types';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** How a chosen file is sent: its bytes with the type its name says (.csv, .xlsx, .json); null for any other file. */
export function uploadOf(file: File): { body: Blob; type: string } | null {
  const name = file.name.toLowerCase();
  if (name.endsWith('.csv')) return { body: file, type: 'text/csv' };
  if (name.endsWith('.xlsx')) return { body: file, type: XLSX };
  if (name.endsWith('.json')) return { body: file, type: 'application/json' };
  return null;
}

/** A file as the request's body, as it is (the API reads CSV, JSON and .xlsx itself). */
const asFile = (upload: { body: Blob; type: string }) => ({
  body: upload.body as never, bodySerializer: (b: unknown) => b as BodyInit, headers: { 'content-type': upload.type },
});

async function blobOf(answer: Promise<{ data?: unknown; error?: unknown; response: Response }>): Promise<Blob> {
  const settled = await answer;
  if (!settled.response.ok) return ok(Promise.resolve(settled)) as never;
  return settled.data as Blob;
}

// ---- organisations (admin) ------------------------------------------------------------------

/** Every unit, deactivated ones too (each with `active`). */
export const allOrgs = (): Promise<Org[]> => ok(api.GET('/v1/orgs', { params: { query: { all: 'true' } } }));

/** Checks (dryRun) or applies a file; a refused file throws an ApiRefusal whose detail carries `errors`. */
export const importOrgs = (upload: { body: Blob; type: string }, dryRun: boolean): Promise<OrgImportResult> =>
  ok(api.POST('/v1/orgs/import', { params: { query: { dryRun: dryRun ? 'true' : 'false' } }, ...asFile(upload) }));

export const exportOrgs = (format: 'csv' | 'json'): Promise<Blob> =>
  blobOf(api.GET('/v1/orgs/export', { params: { query: { format } }, parseAs: 'blob' }));

// ---- accounts (admin; security: unlock, end sessions) -----------------------------------------

export const accounts = (): Promise<AccountState[]> => ok(api.GET('/v1/accounts', {}));
export const createAccount = (body: NewAccount): Promise<CreatedAccount> => ok(api.POST('/v1/accounts', { body }));
export const importAccounts = (upload: { body: Blob; type: string }): Promise<ImportedAccounts> =>
  ok(api.POST('/v1/accounts/import', asFile(upload)));

const byId = (id: string) => ({ params: { path: { id } } });
export const disableAccount = (id: string, reason: string): Promise<AccountState> =>
  ok(api.POST('/v1/accounts/{id}/disable', { ...byId(id), body: { reason } }));
export const enableAccount = (id: string): Promise<AccountState> => ok(api.POST('/v1/accounts/{id}/enable', byId(id)));
export const rotateKey = (id: string): Promise<{ key: string }> => ok(api.POST('/v1/accounts/{id}/rotate-key', byId(id)));
export const resetPassword = (id: string): Promise<{ initialPassword: string }> => ok(api.POST('/v1/accounts/{id}/reset-password', byId(id)));
export const unlockAccount = (id: string): Promise<AccountState> => ok(api.POST('/v1/accounts/{id}/unlock', byId(id)));
export const endSessions = (id: string): Promise<void> => ok(api.DELETE('/v1/accounts/{id}/sessions', byId(id))) as Promise<void>;

// ---- sign-in records and the audit log (security, auditor) ----------------------------------

export const signIns = (query: SignInQuery): Promise<{ items: SignInRecord[]; nextCursor: string | null }> =>
  ok(api.GET('/v1/sign-ins', { params: { query } }));
export const auditLog = (query: AuditQuery): Promise<{ items: AuditEntry[]; nextCursor: string | null }> =>
  ok(api.GET('/v1/audit', { params: { query } }));
export const verifyAudit = (): Promise<AuditCheck> => ok(api.GET('/v1/audit/verify', {}));

// ---- one's own password -----------------------------------------------------------------------

export const changePassword = (currentPassword: string, newPassword: string): Promise<void> =>
  ok(api.POST('/v1/me/password', { body: { currentPassword, newPassword } })) as Promise<void>;
