/**
 * `npm run accounts -- create --org ID --role ROLE [--id ID] [--name NAME]`: creates an account
 * and prints its key once (only its hash is stored). `npm run accounts -- list` lists accounts.
 */
import { parseArgs } from 'node:util';
import { readConfig } from '../lib/config';
import { createPool, migrate } from '../lib/db';
import { generateKey, hashKey } from '../lib/keys';

const ROLES = ['community', 'street', 'center', 'department', 'supervisor', 'member', 'resident'];
const USAGE = `usage:
  npm run accounts -- create --org ORG_ID --role ROLE [--id ACCOUNT_ID] [--name NAME]
  npm run accounts -- list
roles: ${ROLES.join(', ')}`;

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  if (command !== 'create' && command !== 'list') fail(command ? `unknown command "${command}"` : 'no command given');
  let options: Record<string, string | undefined> = {};
  try {
    options = parseArgs({ args: rest, options: { org: { type: 'string' }, role: { type: 'string' }, id: { type: 'string' }, name: { type: 'string' } } }).values;
  } catch (err) {
    fail((err as Error).message);
  }
  const config = readConfig();
  await migrate(config.databaseUrl);
  const pool = createPool(config.databaseUrl, 2);
  try {
    if (command === 'list') {
      const { rows } = await pool.query('SELECT id, role, org_id, name FROM accounts ORDER BY id');
      for (const r of rows) console.log(`${r.id}\t${r.role}\t${r.org_id}\t${r.name}`);
      return;
    }
    const { org, role } = options;
    if (!org || !role) fail('--org and --role are required');
    if (!ROLES.includes(role)) fail(`unknown role "${role}"`);
    const found = await pool.query('SELECT name FROM orgs WHERE id = $1', [org]);
    if (found.rowCount === 0) fail(`unknown organisation "${org}"`);
    const id = options.id ?? `${org}-${role}-${Date.now().toString(36)}`;
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) fail('--id may use letters, digits, - and _ only');
    const key = generateKey();
    await pool.query('INSERT INTO accounts (id, role, org_id, name, key_hash) VALUES ($1, $2, $3, $4, $5)',
      [id, role, org, options.name ?? found.rows[0].name, hashKey(config.keyPepper, key)]);
    console.log(`account ${id} (${role} of ${org}) created; its key, shown only now:\n${key}`);
  } catch (err) {
    if ((err as { code?: string }).code === '23505') fail('an account with that id already exists');
    throw err;
  } finally {
    await pool.end();
  }
}

main().catch((err) => { console.error(err.message ?? err); process.exit(1); });
