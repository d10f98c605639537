/**
 * The rule extras kept beside a whistle's view in the read model (`whistles.rules`) say whether its
 * workflow has the center's tools (extension requests, merging). They are written as
 * `centerTools: true`; rows written before the field had that name say `secondRound: true`, and
 * mean the same. Pure: the rules over a state built from a row, as the API reads it.
 */
import type { Actor, Filing, StoredRuleExtras } from '../domain';
import { allowedActions, refusal } from '../workflows/rules';
import { newWhistle, ruleExtrasOf, ruleStateFrom, viewOf } from '../workflows/whistle/state';

const filing: Filing = {
  id: 'w-extras', title: '路灯不亮', description: '小区门口路灯坏了', category: 'streetlight', urgent: false,
  location: { communityId: 'xiguan' }, filerOrgId: 'xiguan', filedBy: 'xiguan', communityId: 'xiguan', streetId: 'wuhang',
};
const street: Actor = { accountId: 'wuhang', role: 'street', orgId: 'wuhang' };
const whistle = newWhistle(filing, Date.parse('2026-12-07T02:00:00Z'));
const view = viewOf(whistle, filing);
const extras = ruleExtrasOf(whistle);
/** The rules' state of the row, with the rule extras `rules` as stored. */
const fromRow = (rules: StoredRuleExtras | null) => ruleStateFrom(view, [], rules);

test('the workflow writes the rule extras as centerTools', () => {
  expect(extras).toEqual({ centerTools: true, extensionsLeft: 1, merged: [] });
  expect(extras).not.toHaveProperty('secondRound');
});

test('a row written with centerTools, and one written before with secondRound, both offer the center\'s tools', () => {
  const { centerTools: _, ...rest } = extras;
  for (const rules of [extras, { ...rest, secondRound: true as const }]) {
    expect(fromRow(rules)).toMatchObject({ centerTools: true, extensionsLeft: 1 });
    expect(allowedActions(fromRow(rules), street)).toContain('merge');
    expect(refusal(fromRow(rules), street, 'merge')).toBeNull();
  }
});

test('a row without rule extras (a whistle whose workflow has no such handlers) refuses them', () => {
  expect(fromRow(null).centerTools).toBeUndefined();
  expect(allowedActions(fromRow(null), street)).not.toContain('merge');
  expect(refusal(fromRow(null), street, 'merge')).toMatchObject({ type: 'invalid_state', messageZh: expect.stringContaining('上线前') });
});
