/**
 * `npm run accounts -- <command>`: the account lifecycle for operators (lib/accounts.ts). Every
 * command but `list` writes its audit entry (actor `cli:<user>`) in the same transaction as the
 * change. Keys are printed once, on the last line; passwords are read from standard input.
 */
import { parseArgs } from 'node:util';
import { AccountError, ROLES, createAccount, disableAccount, enableAccount, rotateKey, setPassword } from '../lib/accounts';
import { cliActor } from '../lib/audit';
import { readConfig } from '../lib/config';
import { createPool, migrate } from '../lib/db';
import { PASSWORD_MIN_LENGTH, passwordProblem } from '../lib/passwords';

const COMMANDS = ['create', 'list', 'rotate-key', 'disable', 'enable', 'set-password'] as const;
type Command = (typeof COMMANDS)[number];

const USAGE = `usage:
  npm run accounts -- create --org ORG_ID --role ROLE [--id ACCOUNT_ID] [--name NAME]
  npm run accounts -- list
  npm run accounts -- rotate-key --id ACCOUNT_ID      prints the new key; the old one stops working at once
  npm run accounts -- disable --id ACCOUNT_ID [--reason TEXT]   its key and every session stop working
  npm run accounts -- enable --id ACCOUNT_ID [--reason TEXT]    its key works again (old sessions do not)
  npm run accounts -- set-password --id ACCOUNT_ID    reads the password (at least ${PASSWORD_MIN_LENGTH} characters) from standard input
roles: ${ROLES.join(', ')}`;

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

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

async function main() {
  const [given, ...rest] = process.argv.slice(2);
  if (!COMMANDS.includes(given as Command)) fail(given ? `unknown command "${given}"` : 'no command given');
  const command = given as Command;
  let options: Record<string, string | undefined> = {};
  try {
    options = parseArgs({
      args: rest,
      options: { org: { type: 'string' }, role: { type: 'string' }, id: { type: 'string' }, name: { type: 'string' }, reason: { type: 'string' } },
    }).values;
  } catch (err) {
    fail((err as Error).message);
  }
  if (command === 'create' && (!options.org || !options.role)) fail('--org and --role are required');
  if (command === 'create' && !ROLES.includes(options.role as never)) fail(`unknown role "${options.role}"`);
  if (command !== 'create' && command !== 'list' && !options.id) fail('--id is required');
  // Read the password before anything else, so a bad one changes nothing and opens no connection.
  const password = command === 'set-password' ? await readPassword() : undefined;
  const problem = password !== undefined ? passwordProblem(password) : null;
  if (problem) fail(problem);

  const config = readConfig();
  await migrate(config.databaseUrl);
  const pool = createPool(config.databaseUrl, 2);
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
        const created = await createAccount(pool, config.keyPepper, actor, { org: options.org!, role: options.role!, id: options.id, name: options.name });
        console.log(`account ${created.id} (${options.role} of ${options.org}) created; its key, shown only now:\n${created.key}`);
        break;
      }
      case 'rotate-key': {
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
      case 'set-password': {
        const r = await setPassword(pool, actor, id, password!);
        console.log(`account ${id}: password set${r.sessionsEnded ? `; ${r.sessionsEnded} earlier session(s) ended` : ''}`);
        break;
      }
    }
  } catch (err) {
    if (err instanceof AccountError) fail(err.message);
    throw err;
  } finally {
    await pool.end();
  }
}

main().catch((err) => {
  if (err instanceof AccountError) fail(err.message);
  console.error(err.message ?? err);
  process.exit(1);
});
