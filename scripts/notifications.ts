/**
 * `npm run notifications -- retry [--id ID]`: failed notifications (refused WEBHOOK_MAX_ATTEMPTS
 * times) are queued again, attempts from zero; each is written to the audit log
 * (`notification_retried`, actor `cli:<user>`). `npm run notifications -- failed` lists them.
 *
 * Exit code: 0 done (also when nothing was failed), 2 bad usage, 1 the database refused.
 */
import { withDatabase } from './database';
import { cliActor } from '../lib/audit';
import { commandLine } from './command-line';
import { retryFailed } from '../lib/notification-retry';
import { failedNotifications } from '../lib/stores/notifications';

const USAGE = `usage:
  npm run notifications -- retry [--id NOTIFICATION_ID]   queue failed notifications again (all, or one)
  npm run notifications -- failed                         list failed notifications with their last error`;

const cli = commandLine(USAGE, ['retry', 'failed'] as const);
const fail: (message: string) => never = cli.fail;

async function main() {
  const [command, rest] = cli.read();
  const { id } = cli.options(rest, { id: { type: 'string' } }).values;
  if (id !== undefined && !/^[1-9][0-9]{0,17}$/.test(id)) fail(`--id must be a notification id (a number), got "${id}"`);
  if (command === 'failed' && id !== undefined) fail('failed takes no --id');
  await withDatabase(async (pool) => {
    if (command === 'failed') {
      const rows = await failedNotifications(pool);
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
  });
}

main().catch((err) => { console.error(err.message ?? err); process.exit(1); });
