/**
 * `npm run notifications -- retry [--id ID]`: failed notifications (refused WEBHOOK_MAX_ATTEMPTS
 * times) are queued again, attempts from zero; each is written to the audit log
 * (`notification_retried`, actor `cli:<user>`). `npm run notifications -- failed` lists them.
 *
 * Exit code: 0 done (also when nothing was failed), 2 bad usage, 1 the database refused.
 */
import { parseArgs } from 'node:util';
import { cliActor } from '../lib/audit';
import { readConfig } from '../lib/config';
import { createPool, migrate } from '../lib/db';
import { retryFailed } from '../api/services/notifications';

const USAGE = `usage:
  npm run notifications -- retry [--id NOTIFICATION_ID]   queue failed notifications again (all, or one)
  npm run notifications -- failed                         list failed notifications with their last error`;

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  if (command !== 'retry' && command !== 'failed') fail(command ? `unknown command "${command}"` : 'no command given');
  let id: string | undefined;
  try {
    id = parseArgs({ args: rest, options: { id: { type: 'string' } }, strict: true }).values.id;
  } catch (err) {
    fail((err as Error).message);
  }
  if (id !== undefined && !/^[1-9][0-9]{0,17}$/.test(id)) fail(`--id must be a notification id (a number), got "${id}"`);
  if (command === 'failed' && id !== undefined) fail('failed takes no --id');
  const config = readConfig();
  await migrate(config.databaseUrl);
  const pool = createPool(config.databaseUrl, 2);
  try {
    if (command === 'failed') {
      const { rows } = await pool.query(
        `SELECT id::text, kind, subject_type, subject_id, recipient_org_id, attempts, failed_at, last_error
           FROM notifications WHERE failed_at IS NOT NULL ORDER BY id`);
      for (const r of rows) {
        console.log([r.id, r.kind, `${r.subject_type}:${r.subject_id}`, r.recipient_org_id, `${r.attempts} attempts`,
          r.failed_at.toISOString(), r.last_error ?? ''].join('\t'));
      }
      console.log(`${rows.length} failed notification(s)`);
      return;
    }
    const { queued } = await retryFailed(pool, { id, actor: cliActor() });
    if (id !== undefined && queued.length === 0) {
      console.log(`notification ${id} is not failed (unknown, pending or delivered): nothing queued`);
    } else {
      console.log(`${queued.length} failed notification(s) queued again${queued.length ? `: ${queued.join(', ')}` : ''}`);
    }
  } finally {
    await pool.end();
  }
}

main().catch((err) => { console.error(err.message ?? err); process.exit(1); });
