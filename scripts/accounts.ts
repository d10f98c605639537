/**
 * `npm run accounts -- <command>`: the account lifecycle for operators (lib/accounts.ts). Every
 * command but `list` writes its audit entry (actor `cli:<user>`) in the same transaction as the
 * change. Keys are printed once, on the last line; passwords are read from standard input.
 * Accounts of the three administrators (admin, security, auditor: 三员分立, on the center) are made
 * and changed here only, never through the API.
 */
import fs from 'node:fs';
import { withDatabase } from './database';
import { importAccounts } from '../lib/account-import';
import { ImportRefused, formatOf } from '../lib/org-import/records';
import { AccountError, ROLES, createAccount, disableAccount, enableAccount, resetPassword, rotateKey, setPassword } from '../lib/accounts';
import { cliActor } from '../lib/audit';
import { commandLine } from './command-line';
import { PASSWORD_MIN_LENGTH, passwordProblem } from '../lib/passwords';

const COMMANDS = ['create', 'import', 'list', 'rotate-key', 'disable', 'enable', 'set-password', 'reset-password'] as const;

const USAGE = `usage:
  npm run accounts -- create --org ORG_ID --role ROLE [--id ACCOUNT_ID] [--name NAME]
                                                      prints an initial password (changed at the first sign-in) and the key
  npm run accounts -- import FILE                      FILE: .csv (id,role,orgId,name), .json or .xlsx; all or nothing;
                                                      prints id,key,initialPassword of each (shown only now)
  npm run accounts -- list
  npm run accounts -- rotate-key --id ACCOUNT_ID      prints the new key; the old one stops working at once
  npm run accounts -- disable --id ACCOUNT_ID [--reason TEXT]   its key and every session stop working
  npm run accounts -- enable --id ACCOUNT_ID [--reason TEXT]    its key works again (old sessions do not)
  npm run accounts -- set-password --id ACCOUNT_ID    reads the password (at least ${PASSWORD_MIN_LENGTH} characters) from standard input
  npm run accounts -- reset-password --id ACCOUNT_ID  prints a new initial password, to be changed at the next sign-in
roles: ${ROLES.join(', ')} (admin, security and auditor belong to the center)`;

const cli = commandLine(USAGE, COMMANDS);
const fail: (message: string) => never = cli.fail;

/** The first line of standard input; on a terminal, typed without echo. */
async function readPassword(): Promise<string> {
  const stdin = process.stdin;
  if (stdin.isTTY) {
    process.stderr.write('new password (not shown): ');
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    return new Promise((resolve, reject) => {
      let typed = '';
      const onData = (chunk: string) => {
        for (const ch of chunk) {
          if (ch === '\r' || ch === '\n') { done(); resolve(typed); return; }
          if (ch === '\u0003') { done(); reject(new AccountError('cancelled')); return; }
          if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('');
          else typed += ch;
        }
      };
      const done = () => { stdin.setRawMode(false); stdin.pause(); stdin.off('data', onData); process.stderr.write('\n'); };
      stdin.on('data', onData);
      stdin.resume();
    });
  }
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
}

/**
 * A key made without API_KEY_PEPPER is stored under the development pepper: a production API
 * (which has one) refuses it, silently. Said whenever a key is printed, so an operator whose shell
 * lacks the service's environment finds out now rather than at the first request.
 */
function warnIfDevelopmentPepper(): void {
  if (process.env.API_KEY_PEPPER) return;
  console.error('note: API_KEY_PEPPER is not set, so the key below is stored under the development pepper and an API ' +
    'running with API_KEY_PEPPER (production) will refuse it; run this command with the service\'s environment ' +
    '(NODE_ENV, API_KEY_PEPPER, DATABASE_URL). Passwords are not affected.');
}

async function main() {
  const [command, rest] = cli.read();
  if (command === 'import') return importFile(rest);
  const options: Record<string, string | undefined> = cli.options(rest,
    { org: { type: 'string' }, role: { type: 'string' }, id: { type: 'string' }, name: { type: 'string' }, reason: { type: 'string' } }).values;
  if (command === 'create' && (!options.org || !options.role)) fail('--org and --role are required');
  if (command === 'create' && !ROLES.includes(options.role as never)) fail(`unknown role "${options.role}"`);
  if (command !== 'create' && command !== 'list' && !options.id) fail('--id is required');
  // Read the password before anything else, so a bad one changes nothing and opens no connection.
  const password = command === 'set-password' ? await readPassword() : undefined;
  const problem = password !== undefined ? passwordProblem(password) : null;
  if (problem) fail(problem);

  await withDatabase(async (pool, config) => {
    const actor = cliActor();
    const id = options.id!;
    try {
      switch (command) {
        case 'list': {
          const { rows } = await pool.query(
            `SELECT id, role, org_id, name, disabled_at IS NOT NULL AS disabled, password_hash IS NOT NULL AS has_password
               FROM accounts ORDER BY id`);
          for (const r of rows) console.log([r.id, r.role, r.org_id, r.name, r.disabled ? 'disabled' : 'active', r.has_password ? 'password' : '-'].join('\t'));
          break;
        }
        case 'create': {
          warnIfDevelopmentPepper();
          const created = await createAccount(pool, config.keyPepper, actor, { org: options.org!, role: options.role!, id: options.id, name: options.name });
          console.log(`account ${created.id} (${options.role} of ${options.org}) created; its initial password (to be changed at the first sign-in), shown only now:\n${created.initialPassword}`);
          console.log(`its key, shown only now:\n${created.key}`);
          break;
        }
        case 'rotate-key': {
          warnIfDevelopmentPepper();
          const key = await rotateKey(pool, config.keyPepper, actor, id);
          console.log(`account ${id}: new key issued, the previous key no longer works; the new key, shown only now:\n${key}`);
          break;
        }
        case 'disable': {
          const r = await disableAccount(pool, actor, id, options.reason);
          console.log(r.changed ? `account ${id} disabled: its key is refused and ${r.sessionsEnded} session(s) ended` : `account ${id} was already disabled; nothing changed`);
          break;
        }
        case 'enable': {
          const r = await enableAccount(pool, actor, id, options.reason);
          console.log(r.changed ? `account ${id} enabled: its key works again (earlier sessions stay ended)` : `account ${id} was not disabled; nothing changed`);
          break;
        }
        case 'reset-password': {
          const r = await resetPassword(pool, actor, id);
          console.log(`account ${id}: every session ended; its new initial password (to be changed at the next sign-in), shown only now:\n${r.initialPassword}`);
          break;
        }
        case 'set-password': {
          const r = await setPassword(pool, actor, id, password!);
          console.log(`account ${id}: password set${r.sessionsEnded ? `; ${r.sessionsEnded} earlier session(s) ended` : ''}`);
          break;
        }
      }
    } catch (err) {
      if (err instanceof AccountError) fail(err.message);
      throw err;
    }
  });
}

/** `import FILE`: every account of the file or none; each one's key and initial password printed once, as CSV. */
async function importFile(args: string[]) {
  const file = args.filter((a) => !a.startsWith('--'))[0];
  const format = file ? formatOf(file) : null;
  if (!file || !format) fail('import needs one FILE ending in .csv, .json or .xlsx');
  if (!fs.existsSync(file)) fail(`${file}: no such file`);
  await withDatabase(async (pool, config) => {
    try {
      warnIfDevelopmentPepper();
      const { created } = await importAccounts(pool, config.keyPepper, fs.readFileSync(file), format, { actor: cliActor() });
      console.error(`${created.length} account(s) created; their keys and initial passwords, shown only now:`);
      console.log('id,key,initialPassword');
      for (const c of created) console.log(`${c.id},${c.key},${c.initialPassword}`);
    } catch (err) {
      if (!(err instanceof ImportRefused)) throw err;
      console.error(`${file}: ${err.errors.length} error(s); nothing was created`);
      for (const e of err.errors) console.error(`  row ${e.row}${e.id ? ` (${e.id})` : ''} ${e.field}: ${e.messageZh} — ${e.message}`);
      process.exitCode = 2;
    }
  });
}

main().catch((err) => {
  if (err instanceof AccountError) fail(err.message);
  console.error(err.message ?? err);
  process.exit(1);
});
