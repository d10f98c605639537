/** Initial passwords: 16 characters that pass the password rule, never one starting with a symbol (a spreadsheet would read it as a formula). */
import { generateInitialPassword, passwordRuleRefusal } from '../lib/passwords';

test('initial passwords pass the rule, leave out the account id and never start with a symbol', () => {
  for (let i = 0; i < 2000; i++) {
    const password = generateInitialPassword('xiguan');
    expect(password).toHaveLength(16);
    expect(password).toMatch(/^[A-Za-z0-9]/);
    expect(passwordRuleRefusal(password, 'xiguan')).toBeFalsy();
  }
});
