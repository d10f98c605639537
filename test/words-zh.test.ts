/**
 * Everything people read is Chinese: schema refusals name the field by its Chinese name, every
 * notification a whistle or a help request causes is a Chinese sentence with Beijing times and
 * names, and the workflows' own timeline notes read in Chinese. Pure functions, no stack.
 */
import { ajvErrorZh, fieldLabel } from '../api/validation-zh';
import { notificationsFor } from '../lib/read-model/whistle-notifications';
import { helpNotificationsFor } from '../lib/read-model/help-notifications';
import { futureInstantProblem, helpBodyRefusal, helpRefusal, type HelpRuleState } from '../workflows/help-rules';
import {
  HELP_ACTIONS, HELP_TIMELINE_LABELS, noteForPeople, TIMELINE_LABELS,
  type HelpEvent, type HelpTimelineType, type HelpView, type WhistleEvent, type WhistleTimelineType,
} from '../domain';

/** Latin words (two letters or more) outside the 「title」 of the matter. */
const latinWords = (text: string) => text.replace(/「[^」]*」/g, '').match(/[A-Za-z]{2,}/g) ?? [];

describe('schema refusals in Chinese', () => {
  test('the fields by their Chinese names, nested and in lists', () => {
    expect(fieldLabel('/title', 'body')).toBe('标题');
    expect(fieldLabel('/location/lat', 'body')).toBe('位置的纬度');
    expect(fieldLabel('/departmentIds/1', 'body')).toBe('承办部门第 2 项');
    expect(fieldLabel('', 'querystring')).toBe('查询条件');
    expect(fieldLabel('/somethingNew', 'body')).toBe('“somethingNew”');
  });

  test('each kind of Ajv error as a sentence', () => {
    const zh = (keyword: string, instancePath: string, params: Record<string, unknown>) => ajvErrorZh({ keyword, instancePath, params, message: '' }, 'body');
    expect(zh('minLength', '/title', { limit: 1 })).toBe('请填写标题');
    expect(zh('maxLength', '/description', { limit: 5000 })).toBe('描述最多 5000 个字，请删减');
    expect(zh('required', '', { missingProperty: 'category' })).toBe('请填写类别');
    expect(zh('required', '/reporter', { missingProperty: 'phone' })).toBe('请填写反映人的电话');
    expect(zh('additionalProperties', '', { additionalProperty: 'colour' })).toBe('有不认识的字段“colour”');
    expect(zh('type', '/urgent', { type: 'boolean' })).toBe('紧急应为是或否');
    expect(zh('maximum', '/location/lat', { limit: 90 })).toBe('位置的纬度不能大于 90');
    expect(zh('format', '/appointmentAt', { format: 'date-time' })).toContain('约定时间应为带时区的日期时间');
    expect(zh('pattern', '/note', { pattern: '\\S' })).toBe('说明不能只有空白');
    expect(zh('enum', '/rating', { allowedValues: ['satisfied'] })).toBe('评价不是可选的值');
    expect(zh('minItems', '/departmentIds', { limit: 1 })).toBe('请至少选择一项承办部门');
  });
});

describe('help refusals in Chinese', () => {
  const request: HelpRuleState = { status: 'open', communityId: 'xiguan', streetId: 'wuhang', requesterId: 'xiguan-resident-1', claimer: null };
  const resident = { accountId: 'dongguan-resident-1', role: 'resident' as const, orgId: 'dongguan' };
  const member = { accountId: 'xiguan-member-1', role: 'member' as const, orgId: 'xiguan' };

  test('every refusal of every action carries a Chinese sentence', () => {
    for (const action of HELP_ACTIONS) {
      for (const actor of [resident, member]) {
        const refused = helpRefusal(request, actor, action);
        if (refused) expect(refused.messageZh).toMatch(/[\u4e00-\u9fff]/);
      }
    }
    expect(helpRefusal(request, resident, 'claim')?.messageZh).toBe('只有党员或所属街道可以接单');
    expect(helpRefusal({ ...request, status: 'closed' }, member, 'claim')?.messageZh).toBe('该点单已结束，不能接单');
  });

  test('an appointment in the past, or too far ahead, says so in Chinese', () => {
    const now = Date.parse('2026-12-07T05:00:00Z');
    expect(futureInstantProblem('appointmentAt', '2026-12-07T09:00:00+08:00', now)?.messageZh).toBe('约定时间必须晚于现在');
    expect(futureInstantProblem('neededBy', '2027-12-07T09:00:00+08:00', now)?.messageZh).toMatch(/^需要时间不能晚于 \d+ 天以后$/);
    expect(helpBodyRefusal('claim', { appointmentAt: '2026-12-08T09:00:00+08:00' }, now)?.messageZh).toBe('请填写约定地点');
    expect(helpBodyRefusal('confirm', { rating: 9 }, now)?.messageZh).toBe('请评 1 至 5 星');
  });
});

describe('notifications are wholly Chinese', () => {
  const view = { title: '吴航新村小区路灯损坏', streetId: 'wuhang', filerOrgId: 'xiguan', holder: 'urban' };
  const to = { supervisors: ['supervision'], centers: ['center'], names: new Map([['xiguan', '西关社区'], ['urban', '区城市管理局'], ['wuhang', '吴航街道']]) };
  const event = (type: WhistleTimelineType, extra: Partial<WhistleEvent> = {}): WhistleEvent => ({
    seq: 1, at: '2026-12-07T05:05:00.000Z', type, actor: 'system', unit: 'urban', note: null, data: {}, ...extra,
  });
  const data: Partial<Record<WhistleTimelineType, Record<string, unknown>>> = {
    triaged: { departmentIds: ['urban'] }, overdue: { deadline: 'department.accept' }, due_soon: { dueAt: '2026-12-07T13:05:00.000Z' },
    extension_requested: { until: '2026-12-09T10:00:00.000Z' }, extension_approved: { until: '2026-12-09T10:00:00.000Z' },
    evaluated: { rating: 'basically_satisfied' },
  };

  test('every whistle entry that tells someone tells them in Chinese, with Beijing times and units by name', () => {
    let told = 0;
    for (const type of Object.keys(TIMELINE_LABELS) as WhistleTimelineType[]) {
      for (const n of notificationsFor(event(type, { data: data[type] ?? {}, note: type === 'urged' ? '请今日内处理' : null }), view, to)) {
        told++;
        expect({ type, words: latinWords(n.message) }).toEqual({ type, words: [] });
        expect(n.message).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
      }
    }
    expect(told).toBeGreaterThan(15);
    const [due] = notificationsFor(event('due_soon', { data: data.due_soon! }), view, to);
    expect(due.message).toBe('临期预警：「吴航新村小区路灯损坏」将于 2026-12-07 21:05（北京时间） 到期');
    const [late] = notificationsFor(event('overdue', { data: data.overdue! }), view, to);
    expect(late.message).toBe('超期：「吴航新村小区路灯损坏」已过部门受理期限（区城市管理局）');
    const [filed] = notificationsFor(event('filed', { unit: null }), view, to);
    expect(filed.message).toBe('西关社区吹哨：「吴航新村小区路灯损坏」，请街道受理（报到）');
    const [rated] = notificationsFor(event('evaluated', { data: data.evaluated! }), view, to);
    expect(rated.message).toContain('基本满意');
  });

  test('every help entry that tells someone tells them in Chinese, the appointment in Beijing time and the claimer by name', () => {
    const help = {
      id: 'h1', title: '陪同老人复查', communityId: 'xiguan', streetId: 'wuhang', verifiedAt: '2026-12-07T01:00:00.000Z',
      appointmentAt: '2026-12-07T13:05:00.000Z', appointmentPlace: '区医院', requester: { accountId: 'xiguan-resident-1' },
    } as unknown as HelpView;
    const names = new Map([['xiguan-member-1', '王建国（党员）']]);
    let told = 0;
    for (const type of Object.keys(HELP_TIMELINE_LABELS) as HelpTimelineType[]) {
      const e: HelpEvent = {
        seq: 1, at: '2026-12-07T05:05:00.000Z', type, actor: type === 'claimed' ? 'xiguan-member-1' : 'system',
        note: type === 'claimed' ? '2026-12-07T13:05:00.000Z @ 区医院' : null, subject: 'xiguan-member-1', unit: 'xiguan', data: { rating: 5 },
      };
      for (const n of helpNotificationsFor(e, help, { requesterOrgId: 'xiguan', claimerOrgId: 'xiguan' }, new Set(), names)) {
        told++;
        expect({ type, words: latinWords(n.message) }).toEqual({ type, words: [] });
        expect(n.message).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
      }
    }
    expect(told).toBeGreaterThan(8);
    const claimed = helpNotificationsFor({
      seq: 3, at: '2026-12-07T05:05:00.000Z', type: 'claimed', actor: 'xiguan-member-1', note: '2026-12-07T13:05:00.000Z @ 区医院',
      subject: 'xiguan-member-1', unit: 'xiguan', data: {},
    }, help, { requesterOrgId: 'xiguan', claimerOrgId: 'xiguan' }, new Set(), names)[0];
    expect(claimed.message).toBe('王建国（党员）接单：「陪同老人复查」，约定 2026-12-07 21:05（北京时间）在区医院服务');
  });
});

describe('the workflows\' own timeline notes, as people read them', () => {
  test('timers, the calendar, an appointment and merges in Chinese with Beijing times; what a person wrote unchanged', () => {
    expect(noteForPeople('overdue', 'the department has not accepted in time')).toBe('部门未在期限内受理');
    expect(noteForPeople('overdue', 'the phased list deadline passed')).toBe('阶段性事项清单办理期限已过');
    expect(noteForPeople('due_soon', 'the early warning before the street handling deadline is near: 2026-12-07T13:05:00.000Z'))
      .toBe('街道办理期限将到：2026-12-07 21:05（北京时间）');
    expect(noteForPeople('due_soon', 'the immediate list deadline is near: 2026-12-07T13:05:00.000Z')).toBe('即办清单办理期限将到：2026-12-07 21:05（北京时间）');
    expect(noteForPeople('deadline_recomputed', 'street.accept: 2026-12-07T16:00:00.000Z → 2026-12-08T16:00:00.000Z (the holiday calendar changed)'))
      .toBe('节假日安排调整，街道受理期限由 2026-12-08 00:00 改为 2026-12-09 00:00（北京时间）');
    expect(noteForPeople('claimed', '2026-12-07T13:05:00.000Z @ 江景花园3号楼')).toBe('约定时间 2026-12-07 21:05（北京时间），地点：江景花园3号楼');
    expect(noteForPeople('no_show', 'xiguan-member-1 did not check in; back on the board')).toBe('接单人未按时报到，点单已重新上墙');
    expect(noteForPeople('merged_in', 'whistle abc123 merged in as a repeated report')).toBe('事项 abc123 作为重复件并入');
    expect(noteForPeople('progress', 'the pump arrives tomorrow')).toBe('the pump arrives tomorrow');
    expect(noteForPeople('resolved', null)).toBeNull();
  });
});
