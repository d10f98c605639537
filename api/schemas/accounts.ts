/** Schemas of signing in (登录), the caller's own account, and the audit log (审计日志). */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { AUDIT_TYPES } from '../../lib/audit';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const ROLES = ['community', 'street', 'center', 'department', 'supervisor', 'member', 'resident'];
const KINDS = ['center', 'supervision', 'street', 'community', 'compound', 'department'];

export const AccountSummary = Type.Object({
  id: Type.String(), role: Type.String({ enum: ROLES }), orgId: Type.String(), name: Type.String(),
});

export const SignInBody = Type.Object({
  accountId: Type.String({ minLength: 1, maxLength: 200, description: 'the account id (for the seeded tree: the unit\'s id, e.g. `xiguan`)' }),
  password: Type.String({ minLength: 1, maxLength: 1024, description: 'outside production a seeded account\'s password is `dev-<accountId>`' }),
}, { additionalProperties: false, examples: [{ accountId: 'xiguan', password: 'dev-xiguan' }] });
export type SignInBody = Static<typeof SignInBody>;

export const SignedIn = Type.Object({
  token: Type.String({ description: 'send it as `Authorization: Bearer <token>`; shown only now, stored hashed' }),
  expiresAt: Type.String({ format: 'date-time', description: '`SESSION_TTL_HOURS` after signing in' }),
  account: AccountSummary,
}, {
  description: 'Signed in: a bearer token for this account',
  examples: [{ token: 'ws_1N0rTq…', expiresAt: '2026-11-02T12:00:00.000Z', account: { id: 'xiguan', role: 'community', orgId: 'xiguan', name: '西关社区' } }],
});

export const Me = Type.Object({
  account: AccountSummary,
  org: Type.Object({ id: Type.String(), kind: Type.String({ enum: KINDS }), name: Type.String(), parentId: Nullable(Type.String()) }),
}, {
  description: 'The caller\'s account and its organisation unit',
  examples: [{ account: { id: 'xiguan', role: 'community', orgId: 'xiguan', name: '西关社区' }, org: { id: 'xiguan', kind: 'community', name: '西关社区', parentId: 'wuhang' } }],
});

const DayOrInstant = (what: string) => Type.String({
  maxLength: 40, pattern: '^\\d{4}-\\d{2}-\\d{2}([Tt ].+)?$',
  description: `${what}: an ISO date (YYYY-MM-DD, a day in Asia/Shanghai, inclusive) or an ISO 8601 instant`,
});

export const AuditQuery = Type.Object({
  from: Type.Optional(DayOrInstant('earliest entry')),
  to: Type.Optional(DayOrInstant('latest entry')),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'nextCursor of the previous page' })),
}, { additionalProperties: false });
export type AuditQuery = Static<typeof AuditQuery>;

export const AuditItem = Type.Object({
  at: Type.String({ format: 'date-time' }),
  type: Type.String({ enum: [...AUDIT_TYPES] }),
  actor: Type.String({ description: 'an account id, `cli:<user>` for an operator\'s command, `system` for a Schedule' }),
  subject: Nullable(Type.String({ description: 'what it is about: an account id, a category, a quarter, a notification id …' })),
  note: Nullable(Type.String()),
});
export type AuditItem = Static<typeof AuditItem>;

export const AuditPage = Type.Object({
  items: Type.Array(AuditItem),
  nextCursor: Nullable(Type.String()),
}, {
  description: 'Administrative events, newest first; pages of `limit` (1..100, default 20) through `cursor`',
  examples: [{ items: [{ at: '2026-11-02T01:20:00.000Z', type: 'account_disabled', actor: 'cli:ops', subject: 'xiguan-member-1', note: '党员离开社区，账号停用' }], nextCursor: null }],
});
