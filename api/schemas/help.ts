/** Schemas of the neighbour-help routes (邻里搭把手) and of members' records. */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { HELP_ACTIONS, HELP_STATUSES, MAX_RATING, MIN_RATING } from '../../domain';
import { NoBody } from './common';
import { AttachmentIds, Attachments } from './attachments';

const OrgId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
const AccountId = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' });
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Instant = Type.String({ format: 'date-time' });
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max, pattern: '\\S' });
/** Checked for zone, future and horizon by the service (400 validation_failed). */
const ZonedTime = (description: string) => Type.String({ minLength: 1, maxLength: 40, description });

export const PostHelpBody = Type.Object({
  title: Text(200),
  description: Text(5000),
  communityId: OrgId,
  neededBy: Type.Optional(ZonedTime('ISO 8601 with zone, in the future, within 90 days')),
  place: Type.Optional(Text(500)),
  attachmentIds: AttachmentIds,
}, {
  additionalProperties: false,
  examples: [{
    title: '独居老人需要陪同就医',
    description: '西关社区江景花园3号楼王奶奶周五上午需要有人陪同去区医院复查。',
    communityId: 'xiguan',
    neededBy: '2026-05-08T12:00:00+08:00',
    place: '江景花园3号楼一单元',
  }],
});
export type PostHelpBody = Static<typeof PostHelpBody>;

const TimelineEntry = Type.Object({
  at: Instant,
  type: Type.String({
    description: 'posted, verification_reminder, verified, rejected, unclaimed_notice, claimed, no_show, checked_in, ' +
      'completed, confirmed, confirmation_expired, cancelled',
  }),
  actor: Type.String({ description: 'account id, or "system" for timers' }),
  actorName: Type.Optional(Nullable(Type.String({ description: 'the actor\'s name (a member\'s or resident\'s masked, 王*, for those who may not know it); null for the system' }))),
  note: Nullable(Type.String()),
  attachmentIds: Type.Optional(Type.Array(Type.String(), { description: 'The photos the call that made this entry attached' })),
});

const PersonName = Type.Optional(Nullable(Type.String({
  description: 'the account\'s name: whole for the requester, the claimer, the request\'s community, street and the center; a member\'s or resident\'s masked (王*) for anyone else',
})));

export const HelpView = Type.Object({
  id: Type.String(),
  title: Type.String(),
  description: Type.String(),
  communityId: Type.String(),
  streetId: Type.String(),
  status: Type.String({ enum: [...HELP_STATUSES] }),
  requester: Type.Object({ accountId: Type.String(), name: PersonName }),
  neededBy: Nullable(Instant),
  place: Nullable(Type.String({ description: 'the agreed place once claimed, else the place the requester gave' })),
  requestedPlace: Nullable(Type.String()),
  claimer: Nullable(Type.Object({ accountId: Type.String(), role: Type.String({ enum: ['member', 'street'] }), name: PersonName })),
  appointmentAt: Nullable(Instant),
  appointmentPlace: Nullable(Type.String()),
  postedAt: Instant,
  verifiedAt: Nullable(Instant),
  checkedInAt: Nullable(Instant),
  completedAt: Nullable(Instant),
  closedAt: Nullable(Instant),
  reason: Nullable(Type.String({ description: 'why it was rejected or cancelled' })),
  serviceNote: Nullable(Type.String({ description: "the claimer's note on completion" })),
  rating: Nullable(Type.Integer({ minimum: MIN_RATING, maximum: MAX_RATING, description: 'stars, 1 to 5' })),
  comment: Nullable(Type.String()),
  noShows: Type.Array(Type.String(), { description: 'accounts that claimed it and did not check in' }),
  timeline: Type.Array(TimelineEntry),
  attachments: Type.Optional({ ...Attachments, description: 'Photos (附件) attached to it, in the order they were attached (one request\'s view; lists leave them out)' }),
  allowedActions: Type.Array(Type.String({ enum: [...HELP_ACTIONS] }), {
    description: 'The actions the caller may perform now (the console\'s buttons)',
  }),
});

export const HelpPage = Type.Object({
  items: Type.Array(HelpView),
  nextCursor: Nullable(Type.String()),
});

export const HelpListQuery = Type.Object({
  status: Type.Optional(Type.String({ enum: [...HELP_STATUSES] })),
  communityId: Type.Optional(OrgId),
  streetId: Type.Optional(OrgId),
  claimerId: Type.Optional(AccountId),
  requesterId: Type.Optional(AccountId),
  waitingFor: Type.Optional(Type.String({
    enum: ['me'],
    description: '`me`: only the requests that wait for the caller\'s action now, by the help rules — its community\'s ' +
      'verifications (社区下单), open requests it may take (接单: a party member, or the street of the request\'s community), ' +
      'its own claims to check in or complete, its own completed requests to confirm. Cancelling is never waited for.',
  })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
}, { additionalProperties: false });
export type HelpListQuery = Static<typeof HelpListQuery>;


/** The body of each action, as the contract gives it. */
export const HELP_ACTION_BODIES = {
  verify: Type.Object({
    approve: Type.Boolean(),
    reason: Type.Optional(Text(2000)),
  }, { additionalProperties: false, examples: [{ approve: true }, { approve: false, reason: '需求不属实，已电话核实' }] }),
  claim: Type.Object({
    appointmentAt: ZonedTime('ISO 8601 with zone, in the future, within 90 days'),
    place: Text(500),
  }, { additionalProperties: false, examples: [{ appointmentAt: '2026-05-08T09:00:00+08:00', place: '江景花园3号楼一单元门口' }] }),
  'check-in': NoBody,
  complete: Type.Object({ note: Text(2000), attachmentIds: AttachmentIds }, { additionalProperties: false, examples: [{ note: '已陪同王奶奶复查并送回家' }] }),
  confirm: Type.Object({
    rating: Type.Integer({ minimum: MIN_RATING, maximum: MAX_RATING, description: 'stars, 1 to 5' }),
    comment: Type.Optional(Type.String({ maxLength: 2000 })),
  }, { additionalProperties: false, examples: [{ rating: 5, comment: '非常感谢党员同志' }] }),
  cancel: Type.Object({ reason: Text(2000) }, { additionalProperties: false, examples: [{ reason: '家人已回来照顾' }] }),
};

export const MemberRecord = Type.Object({
  memberId: Type.String(),
  name: Type.String(),
  communityId: Type.String(),
  claims: Type.Integer({ description: 'requests taken (接单)' }),
  servicesDone: Type.Integer({ description: 'requests completed (报到服务)' }),
  noShows: Type.Integer({ description: 'claims without a check-in in time (未报到)' }),
  active: Type.Integer({ description: 'requests taken and not yet completed' }),
  ratings: Type.Object({
    count: Type.Integer(),
    average: Nullable(Type.Number()),
    stars: Type.Object({
      1: Type.Integer(), 2: Type.Integer(), 3: Type.Integer(), 4: Type.Integer(), 5: Type.Integer(),
    }),
  }),
  recent: Type.Array(Type.Object({
    helpId: Type.String(),
    title: Type.String(),
    communityId: Type.String(),
    type: Type.String({ enum: ['claimed', 'completed', 'no_show', 'confirmed'] }),
    at: Instant,
    rating: Nullable(Type.Integer()),
  }), { description: 'the latest 20 entries, newest first' }),
});
export type MemberRecord = Static<typeof MemberRecord>;

export const MemberIdParam = Type.Object({ id: AccountId }, { additionalProperties: false });
