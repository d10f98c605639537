/** Schemas of the holiday calendar (节假日): the days of a range and the calendar's coverage. */
import { Type, type Static } from '@sinclair/typebox';

const Day = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'YYYY-MM-DD, a day in Asia/Shanghai (inclusive)' });

/** At most this many days in one answer. */
export const MAX_CALENDAR_DAYS = 400;

export const CalendarQuery = Type.Object({
  from: Day,
  to: Day,
}, { additionalProperties: false });
export type CalendarQuery = Static<typeof CalendarQuery>;

const CalendarDay = Type.Object({
  day: Type.String({ description: 'YYYY-MM-DD' }),
  working: Type.Boolean({ description: 'a working day (工作日) in the district' }),
  source: Type.String({
    enum: ['override', 'package', 'weekday'],
    description: '`override`: an operator\'s import (`calendar_days`); `package`: a holiday or 调休 make-up working day ' +
      'of the chinese-days schedule; `weekday`: the Monday-to-Friday rule (an ordinary day, or a year without official data)',
  }),
  reason: Type.String({ description: 'Why, for operators' }),
  reasonZh: Type.String({ description: 'Why, in Chinese for everyone: 国庆节放假, 国庆节调休上班（星期六）, 星期三，工作日' }),
});

export const CalendarDays = Type.Array(CalendarDay, {
  description: 'Every day from `from` to `to`, in order',
  examples: [[
    { day: '2026-10-01', working: false, source: 'package', reason: '国庆节 (National Day) holiday in the chinese-days schedule', reasonZh: '国庆节放假' },
    { day: '2026-10-10', working: true, source: 'package', reason: '国庆节 (National Day) 调休 make-up working day (Saturday) in the chinese-days schedule', reasonZh: '国庆节调休上班（星期六）' },
    { day: '2026-10-12', working: true, source: 'weekday', reason: 'Monday (no holiday or 调休 on this day in the chinese-days 2026 schedule; Mon–Fri rule)', reasonZh: '星期一，工作日' },
  ]],
});

export const CalendarCoverage = Type.Object({
  coveredThrough: Type.String({
    description: 'The last day of the last year, counting on from this year without a gap, whose official schedule the package or an import gives',
  }),
  warning: Type.Union([Type.String(), Type.Null()], {
    description: 'A sentence for operators while fewer than 60 days ahead are covered by official data; null otherwise',
  }),
}, { description: 'How far ahead the official holiday schedule is known (readiness does not depend on it)' });
