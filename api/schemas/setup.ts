/** Schemas of setting up a district (上线): organisations, accounts and their import, sign-in records. */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { ORG_KINDS, ROLES } from '../../lib/units';
import { MAX_RECORDS } from '../../lib/org-import/records';
import { SIGN_IN_OUTCOMES } from '../../lib/stores/sign-ins';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Largest organisation or account file accepted (413 above). */
export const IMPORT_MAX_BYTES = 10 * 1024 * 1024;

const orgFields = {
  id: Type.String(), kind: Type.String({ enum: [...ORG_KINDS] }), name: Type.String(), parentId: Nullable(Type.String()),
};

export const Org = Type.Object({
  ...orgFields,
  active: Type.Optional(Type.Boolean({ description: 'only with `?all=true` (admin)' })),
}, { examples: [{ id: 'xiguan', kind: 'community', name: '西关社区', parentId: 'wuhang' }] });

/** A unit as exported: the import's own record. */
export const ExportedOrg = Type.Object({ ...orgFields, active: Type.Boolean() });

export const OrgsQuery = Type.Object({
  all: Type.Optional(Type.String({ enum: ['true', 'false'], description: '`true` (admin): deactivated units too, each with `active`' })),
}, { additionalProperties: false });
export type OrgsQuery = Static<typeof OrgsQuery>;

export const DryRunQuery = Type.Object({
  dryRun: Type.Optional(Type.String({ enum: ['true', 'false'], description: '`true`: check and count, write nothing' })),
}, { additionalProperties: false });
export type DryRunQuery = Static<typeof DryRunQuery>;

export const ExportQuery = Type.Object({
  format: Type.Optional(Type.String({ enum: ['csv', 'json'], default: 'csv' })),
}, { additionalProperties: false });
export type ExportQuery = Static<typeof ExportQuery>;

const OrgRecord = Type.Object({
  id: Type.String(), kind: Type.String({ enum: [...ORG_KINDS] }), name: Type.String(), parentId: Nullable(Type.String()),
  active: Type.Optional(Type.Boolean()),
}, { description: 'One unit (checked with the rest of the file: every error is reported, not only the first)' });

/** The body of an import: a file as it is (CSV, .xlsx) or the same records as JSON; the records are checked by the import, all at once. */
function importBody(listName: string, record: TSchema, csvHeader: string) {
  return {
    description: `CSV (UTF-8, with or without a byte-order mark; header \`${csvHeader}\`), the same records as JSON \`{ "${listName}": [...] }\`, or an .xlsx workbook (its first sheet); at most 10 MB`,
    content: {
      'application/json': { schema: Type.Object({ [listName]: Type.Array(Type.Unknown({ description: record.description }), { maxItems: MAX_RECORDS }) }, { additionalProperties: false }) },
      'text/csv': { schema: Type.Unknown({ description: `header ${csvHeader}` }) },
      [XLSX_TYPE]: { schema: Type.Unknown({ description: 'an Excel workbook; its first sheet has the columns of the CSV' }) },
    },
  };
}

export const OrgImportBody = importBody('orgs', OrgRecord, 'id,kind,name,parentId[,active]');

export const OrgImportResult = Type.Object({
  dryRun: Type.Boolean(),
  created: Type.Array(Type.String()), updated: Type.Array(Type.String()), deactivated: Type.Array(Type.String()),
  unchanged: Type.Integer(), errors: Type.Array(Type.Unknown(), { maxItems: 0 }),
}, {
  description: 'What the file changed (or, with dryRun, would change)',
  examples: [{ dryRun: false, created: ['xiguan-g1'], updated: ['xiguan'], deactivated: [], unchanged: 41, errors: [] }],
});

export const AccountState = Type.Object({
  id: Type.String(), role: Type.String({ enum: [...ROLES] }), orgId: Type.String(), name: Type.String(),
  disabled: Type.Boolean(), locked: Type.Boolean({ description: 'sign-ins for it are throttled now, from some address' }),
  hasPassword: Type.Boolean(), mustChangePassword: Type.Boolean(), lastSignInAt: Nullable(Type.String({ format: 'date-time' })),
}, { examples: [{ id: 'xiguan', role: 'community', orgId: 'xiguan', name: '西关社区', disabled: false, locked: false, hasPassword: true, mustChangePassword: false, lastSignInAt: '2026-11-02T01:20:00.000Z' }] });

export const NewAccountBody = Type.Object({
  id: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', description: 'made up from the unit and role when left out' })),
  role: Type.String({ enum: [...ROLES] }),
  orgId: Type.String({ minLength: 1, maxLength: 100 }),
  name: Type.String({ minLength: 1, maxLength: 100 }),
}, { additionalProperties: false, examples: [{ id: 'xiguan-g1', role: 'community', orgId: 'xiguan-g1', name: '西关一网格' }] });
export type NewAccountBody = Static<typeof NewAccountBody>;

const Secret = (what: string) => Type.String({ description: `${what}, shown in this answer only (stored hashed)` });

export const CreatedAccount = Type.Object({
  account: Type.Object({ id: Type.String(), role: Type.String({ enum: [...ROLES] }), orgId: Type.String(), name: Type.String() }),
  key: Secret('the API key'),
  initialPassword: Secret('the initial password (at least 12 characters), to be changed at the first sign-in'),
}, { description: 'The account with its key and initial password' });

export const AccountImportBody = importBody('accounts', Type.Object({
  id: Type.String(), role: Type.String(), orgId: Type.String(), name: Type.String(),
}, { description: 'One account' }), 'id,role,orgId,name');

export const ImportedAccounts = Type.Object({
  created: Type.Array(Type.Object({ id: Type.String(), key: Secret('the API key'), initialPassword: Secret('the initial password') })),
}, { description: 'Every account of the file, created' });

export const AccountIdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }) }, { additionalProperties: false });
export type AccountIdParam = Static<typeof AccountIdParam>;

export const DisableBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false, examples: [{ reason: '调离岗位' }] });
export type DisableBody = Static<typeof DisableBody>;

export const SignInsQuery = Type.Object({
  accountId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  from: Type.Optional(Type.String({ maxLength: 40, pattern: '^\\d{4}-\\d{2}-\\d{2}([Tt ].+)?$', description: 'an ISO date (a day in Asia/Shanghai) or instant' })),
  to: Type.Optional(Type.String({ maxLength: 40, pattern: '^\\d{4}-\\d{2}-\\d{2}([Tt ].+)?$' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
}, { additionalProperties: false });
export type SignInsQuery = Static<typeof SignInsQuery>;

export const SignInsPage = Type.Object({
  items: Type.Array(Type.Object({
    at: Type.String({ format: 'date-time' }), accountId: Type.String(), address: Type.String(),
    outcome: Type.String({ enum: [...SIGN_IN_OUTCOMES] }),
  })),
  nextCursor: Nullable(Type.String()),
}, { description: 'Sign-in attempts, newest first', examples: [{ items: [{ at: '2026-11-02T01:20:00.000Z', accountId: 'xiguan', address: '10.1.2.3', outcome: 'wrong' }], nextCursor: null }] });

export const PasswordChangeBody = Type.Object({
  currentPassword: Type.String({ minLength: 1, maxLength: 1024 }),
  newPassword: Type.String({ minLength: 1, maxLength: 1024, description: 'at least 10 characters with three of: lower case, upper case, digits, other; not containing the account id; none of the last 5' }),
}, { additionalProperties: false });
export type PasswordChangeBody = Static<typeof PasswordChangeBody>;

export const AuditCheck = Type.Object({
  ok: Type.Boolean(), entries: Type.Integer(), firstBadSeq: Nullable(Type.Integer()),
}, { description: 'The audit log\'s hash chain checked entry by entry', examples: [{ ok: true, entries: 1520, firstBadSeq: null }] });
