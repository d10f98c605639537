/** Schemas of 未诉先办 (proactive rounds): the center's recurring inspections, one whistle per community each time. */
import { Type, type Static } from '@sinclair/typebox';

const OrgId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max, pattern: '\\S' });

const CalendarTime = Type.Object({
  month: Type.Optional(Type.Integer({ minimum: 1, maximum: 12, description: '1..12; every month when left out' })),
  dayOfMonth: Type.Integer({ minimum: 1, maximum: 31 }),
  hour: Type.Optional(Type.Integer({ minimum: 0, maximum: 23, description: 'o\'clock, Asia/Shanghai; 0 when left out' })),
}, { additionalProperties: false });

const Schedule = Type.Union([
  Type.Object({
    everyDays: Type.Integer({ minimum: 1, maximum: 366, description: 'every n days at 00:00 Asia/Shanghai, from the first midnight after creation' }),
  }, { additionalProperties: false }),
  Type.Object({
    calendar: Type.Array(CalendarTime, { minItems: 1, maxItems: 31, description: 'the times of the year or month, Asia/Shanghai' }),
  }, { additionalProperties: false }),
]);

export const RoundBody = Type.Object({
  title: Text(200),
  description: Text(5000),
  category: Type.String({ minLength: 1, maxLength: 64, description: 'A category id of GET /v1/categories' }),
  communityIds: Type.Array(OrgId, { minItems: 1, maxItems: 500, uniqueItems: true, description: 'One whistle per community each time' }),
  list: Type.String({ enum: ['immediate', 'phased', 'understanding'] }),
  departmentIds: Type.Array(OrgId, { minItems: 1, maxItems: 20, uniqueItems: true }),
  leadDepartmentId: Type.Optional(OrgId),
  schedule: Schedule,
  paused: Type.Optional(Type.Boolean({ default: false, description: 'Created paused: no whistle is filed until unpaused' })),
}, {
  additionalProperties: false,
  examples: [{
    title: '汛前排水设施巡查', description: '汛期前检查小区雨水井、排水沟是否堵塞，发现问题即时处置。', category: 'utilities',
    communityIds: ['xiguan', 'dongjiang'], list: 'immediate', departmentIds: ['water', 'urban'], leadDepartmentId: 'water',
    schedule: { calendar: [{ month: 4, dayOfMonth: 1, hour: 9 }] },
  }],
});
export type RoundBody = Static<typeof RoundBody>;

export const Round = Type.Object({
  id: Type.String(),
  title: Type.String(),
  description: Type.String(),
  category: Type.String(),
  communityIds: Type.Array(Type.String()),
  list: Type.String({ enum: ['immediate', 'phased', 'understanding'] }),
  departmentIds: Type.Array(Type.String()),
  leadDepartmentId: Type.String({ description: 'The lead: the one given, or the only department' }),
  schedule: Type.Union([
    Type.Object({ everyDays: Type.Integer(), anchor: Type.String({ format: 'date-time', description: 'the first run; every everyDays days after it' }) }),
    Type.Object({ calendar: Type.Array(CalendarTime) }),
  ]),
  paused: Type.Boolean(),
  nextRunAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'The next time it files; null when paused' }),
  createdAt: Type.String({ format: 'date-time' }),
  createdBy: Type.String({ description: 'account id' }),
  updatedAt: Type.String({ format: 'date-time' }),
  updatedBy: Type.String({ description: 'account id' }),
});

export const RoundList = Type.Object({ items: Type.Array(Round, { description: 'newest first' }) });

export const RoundParam = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
}, { additionalProperties: false });
