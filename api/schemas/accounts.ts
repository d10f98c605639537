/** Schemas of signing in (登录), the caller's own account, and the audit log (审计日志). */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { AUDIT_TYPES } from '../../lib/audit';
import { CONSOLE_RIGHTS } from '../services/menus';
import { ORG_KINDS, ROLES as ALL_ROLES } from '../../domain';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const ROLES = [...ALL_ROLES];
const KINDS = [...ORG_KINDS];

const AccountSummary = Type.Object({
  id: Type.String(), role: Type.String({ enum: ROLES }), orgId: Type.String(), name: Type.String(),
});

export const SignInBody = Type.Object({
  accountId: Type.String({ minLength: 1, maxLength: 200, description: 'the account id (for the seeded tree: the unit\'s id, e.g. `xiguan`)' }),
  password: Type.String({ minLength: 1, maxLength: 1024, description: 'outside production a seeded account\'s password is `dev-<accountId>`' }),
}, { additionalProperties: false, examples: [{ accountId: 'xiguan', password: 'dev-xiguan' }] });
export type SignInBody = Static<typeof SignInBody>;

const MustChange = Type.Boolean({ description: 'true: the password (initial, or older than PASSWORD_MAX_AGE_DAYS) must be changed with POST /v1/me/password before anything else' });

export const SignedIn = Type.Object({
  token: Type.String({ description: 'send it as `Authorization: Bearer <token>`; shown only now, stored hashed' }),
  expiresAt: Type.String({ format: 'date-time', description: '`SESSION_TTL_HOURS` after signing in (it ends sooner when unused for SESSION_IDLE_MINUTES)' }),
  mustChangePassword: MustChange,
  account: AccountSummary,
}, {
  description: 'Signed in: a bearer token for this account',
  examples: [{ token: 'ws_1N0rTq…', expiresAt: '2026-11-02T12:00:00.000Z', mustChangePassword: false, account: { id: 'xiguan', role: 'community', orgId: 'xiguan', name: '西关社区' } }],
});

const ConsoleRight = Type.String({ enum: [...CONSOLE_RIGHTS] });

export const Me = Type.Object({
  mustChangePassword: MustChange,
  account: AccountSummary,
  org: Type.Object({ id: Type.String(), kind: Type.String({ enum: KINDS }), name: Type.String(), parentId: Nullable(Type.String()) }),
  menus: Type.Array(Type.Object({
    key: ConsoleRight,
    title: Type.String({ description: 'the menu entry\'s Chinese title' }),
    path: Type.String({ description: 'the page under /console/, e.g. `/queue`' }),
  }), { description: 'The console\'s side menu for this account, in order (工作台菜单), decided by the server from the role' }),
  rights: Type.Array(ConsoleRight, {
    description: 'Every page and part of a page of the console this account may open: the menu\'s pages, the pages reached from ' +
      'them (`whistle`, `help-request`, `help-new`, `record`) and parts of pages (`catalogue-edit`, `help-claimed`, `temporal-ui`). ' +
      'What it may do on them is each resource\'s `allowedActions`.',
  }),
  home: Type.String({ description: 'the console page this account starts at (the first menu entry\'s path)' }),
}, {
  description: 'The caller\'s account and its organisation unit, whether its password must be changed first, and what it opens in the console',
  examples: [{
    mustChangePassword: false,
    account: { id: 'xiguan', role: 'community', orgId: 'xiguan', name: '西关社区' },
    org: { id: 'xiguan', kind: 'community', name: '西关社区', parentId: 'wuhang' },
    menus: [
      { key: 'queue', title: '待办', path: '/queue' }, { key: 'file', title: '吹哨', path: '/whistles/new' },
      { key: 'whistles', title: '本社区事项', path: '/whistles' }, { key: 'help', title: '邻里搭把手', path: '/help' },
      { key: 'notifications', title: '通知', path: '/notifications' },
    ],
    rights: ['queue', 'file', 'whistles', 'whistle', 'notifications', 'help', 'help-new', 'help-request', 'record', 'password'],
    home: '/queue',
  }],
});

const DayOrInstant = (what: string) => Type.String({
  maxLength: 40, pattern: '^\\d{4}-\\d{2}-\\d{2}([Tt ].+)?$',
  description: `${what}: an ISO date (YYYY-MM-DD, a day in Asia/Shanghai, inclusive) or an ISO 8601 instant`,
});

export const AuditQuery = Type.Object({
  from: Type.Optional(DayOrInstant('earliest entry')),
  to: Type.Optional(DayOrInstant('latest entry')),
  actor: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'only entries of this actor (an account id, `cli:<user>`, `system`)' })),
  type: Type.Optional(Type.String({ enum: [...AUDIT_TYPES], description: 'only entries of this type' })),
  subject: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'only entries about this subject (an account id …)' })),
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
  seq: Type.Integer({ description: 'the entry\'s place in the chain' }),
  hash: Type.String({ description: 'SHA-256 (hex) over the previous entry\'s hash and this entry\'s canonical JSON' }),
  address: Nullable(Type.String({ description: 'the client\'s address, for API calls' })),
});
export type AuditItem = Static<typeof AuditItem>;

export const AuditPage = Type.Object({
  items: Type.Array(AuditItem),
  nextCursor: Nullable(Type.String()),
}, {
  description: 'Administrative events, newest first; pages of `limit` (1..100, default 20) through `cursor`',
  examples: [{ items: [{
    at: '2026-11-02T01:20:00.000Z', type: 'account_disabled', actor: 'cli:ops', subject: 'xiguan-member-1', note: '党员离开社区，账号停用',
    seq: 1520, hash: '3f0a9c1e5b7d2a4c6e8f0a1b3c5d7e9f1a3b5c7d9e1f3a5b7c9d1e3f5a7b9c1d', address: null,
  }], nextCursor: null }],
});
