/**
 * `npm run audit -- <command>`: the audit log's hash chain for operators and auditors.
 *
 *   npm run audit -- verify   checks every kept entry's hash; exit 0 when the chain holds, 1 when broken
 *   npm run audit -- purge    removes entries older than AUDIT_RETENTION_DAYS (audited); run it from cron
 */
import { withDatabase } from './database';
import { cliActor } from '../lib/audit';
import { purgeAudit, verifyAudit } from '../lib/audit-chain';

const USAGE = `usage:
  npm run audit -- verify   check the audit log's hash chain (exit 1 when it is broken)
  npm run audit -- purge    remove entries older than AUDIT_RETENTION_DAYS (default 180), oldest first`;

async function main(): Promise<number> {
  const command = process.argv[2];
  if (command !== 'verify' && command !== 'purge') {
    console.error(`${command ? `unknown command "${command}"` : 'no command given'}\n${USAGE}`);
    return 2;
  }
  return withDatabase(async (pool, config) => {
    if (command === 'verify') {
      const started = Date.now();
      const check = await verifyAudit(pool);
      const ms = Date.now() - started;
      if (check.ok) {
        console.log(`audit chain holds: ${check.entries} entries checked in ${ms} ms`);
        return 0;
      }
      console.error(`audit chain BROKEN at seq ${check.firstBadSeq} (${check.entries} entries kept): an entry was changed, removed or inserted`);
      return 1;
    }
    const purged = await purgeAudit(pool, config.auditRetentionDays, cliActor());
    console.log(purged.removed
      ? `removed ${purged.removed} entries older than ${config.auditRetentionDays} days (through seq ${purged.throughSeq})`
      : `nothing older than ${config.auditRetentionDays} days; nothing removed`);
    return 0;
  });
}

main().then((code) => process.exit(code), (err) => {
  console.error(err?.message ?? err);
  process.exit(1);
});
