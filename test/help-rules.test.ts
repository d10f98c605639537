/** The pure rules of the neighbour-help board: zoned instants, appointment windows, who acts when. */
import fc from 'fast-check';
import { futureInstantProblem, helpBodyRefusal, helpRefusal, parseZonedInstant, type HelpRuleState } from '../workflows/help-rules';
import type { Actor } from '../domain';

const NOW = Date.parse('2026-03-02T02:00:00Z');
const DAY = 86_400_000;

describe('zoned instants (ISO 8601 with a zone)', () => {
  test('any instant written with any whole-quarter offset reads back to the same instant', () => {
    fc.assert(fc.property(
      fc.integer({ min: Date.parse('2000-01-01T00:00:00Z'), max: Date.parse('2099-12-31T00:00:00Z') }),
      fc.integer({ min: -48, max: 56 }),
      (ms, quarters) => {
        const offset = quarters * 15;
        const local = new Date(ms + offset * 60_000).toISOString().slice(0, 23);
        const sign = offset < 0 ? '-' : '+';
        const abs = Math.abs(offset);
        const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
        expect(parseZonedInstant(`${local}${zone}`)).toBe(ms);
      },
    ));
  });

  test.each([
    '2026-03-02T10:00:00', '2026-03-02', '2026-03-02 10:00:00+08:00', '2026-02-29T10:00:00+08:00', '2026-13-01T10:00:00Z',
    '2026-03-02T24:00:00Z', '2026-03-02T10:00:00+0800', 'tomorrow', '',
  ])('%j is not one', (text) => {
    expect(parseZonedInstant(text)).toBeNull();
  });

  test('seconds and fractions are optional; Z is UTC', () => {
    expect(parseZonedInstant('2026-03-02T10:00+08:00')).toBe(NOW);
    expect(parseZonedInstant('2026-03-02T02:00:00.000Z')).toBe(NOW);
    expect(parseZonedInstant('2028-02-29T00:00:00Z')).toBe(Date.parse('2028-02-29T00:00:00Z'));
  });

  test('an appointment must lie in the future and within 90 days', () => {
    expect(futureInstantProblem('appointmentAt', '2026-03-02T10:00:00+08:00', NOW))
      .toEqual({ message: 'appointmentAt must be in the future', messageZh: '约定时间必须晚于现在' });
    expect(futureInstantProblem('appointmentAt', new Date(NOW + 1000).toISOString(), NOW)).toBeNull();
    expect(futureInstantProblem('appointmentAt', new Date(NOW + 90 * DAY).toISOString(), NOW)).toBeNull();
    expect(futureInstantProblem('appointmentAt', new Date(NOW + 90 * DAY + 1).toISOString(), NOW))
      .toEqual({ message: expect.stringMatching(/90 days/), messageZh: '约定时间不能晚于 90 天以后' });
    expect(futureInstantProblem('appointmentAt', 42, NOW)?.message).toMatch(/ISO 8601/);
  });
});

describe('who acts when', () => {
  const state = (over: Partial<HelpRuleState> = {}): HelpRuleState => ({
    status: 'open', communityId: 'xiguan', streetId: 'wuhang', requesterId: 'xiguan-resident-1', claimer: null, ...over,
  });
  const actor = (accountId: string, role: Actor['role'], orgId: string): Actor => ({ accountId, role, orgId });
  const member = actor('dongguan-member-1', 'member', 'dongguan');

  test('the checks go role first, then status: a resident claiming a claimed request is forbidden, a member is invalid_state', () => {
    const claimed = state({ status: 'claimed', claimer: { accountId: 'xiguan-member-1' } });
    expect(helpRefusal(claimed, actor('xiguan-resident-2', 'resident', 'xiguan'), 'claim')?.type).toBe('forbidden');
    expect(helpRefusal(claimed, member, 'claim')?.type).toBe('invalid_state');
  });

  test('a street claims only for its own communities', () => {
    expect(helpRefusal(state(), actor('wuhang', 'street', 'wuhang'), 'claim')).toBeNull();
    expect(helpRefusal(state(), actor('hangcheng', 'street', 'hangcheng'), 'claim')?.type).toBe('forbidden');
  });

  test('the requester cancels only before a claim', () => {
    const requester = actor('xiguan-resident-1', 'resident', 'xiguan');
    for (const status of ['pending_verification', 'open'] as const) expect(helpRefusal(state({ status }), requester, 'cancel')).toBeNull();
    for (const status of ['claimed', 'in_service', 'completed', 'closed', 'rejected', 'cancelled'] as const) {
      expect(helpRefusal(state({ status }), requester, 'cancel')?.type).toBe('invalid_state');
    }
  });

  test('bodies: a rejection needs a reason, ratings are 1..5 whole stars', () => {
    expect(helpBodyRefusal('verify', { approve: false }, NOW)?.type).toBe('validation_failed');
    expect(helpBodyRefusal('verify', { approve: false, reason: '不属实' }, NOW)).toBeNull();
    expect(helpBodyRefusal('verify', { approve: true }, NOW)).toBeNull();
    for (const rating of [1, 2, 3, 4, 5]) expect(helpBodyRefusal('confirm', { rating }, NOW)).toBeNull();
    for (const rating of [0, 6, 4.5, '4', null]) expect(helpBodyRefusal('confirm', { rating }, NOW)?.type).toBe('validation_failed');
  });
});
