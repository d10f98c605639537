/**
 * An account's latest passwords, as hashes (migration 020's `password_history`): a new password
 * may be none of the last 5 (the current one included). Only the newest 5 are kept.
 */
import type { Pool, PoolClient } from 'pg';
import { verifyPassword } from './passwords';

const PASSWORD_HISTORY = 5;

/** Whether `password` is one of the account's last 5 (checked one hash at a time: each check holds 32 MiB). */
export async function isRecentPassword(db: Pool | PoolClient, accountId: string, password: string): Promise<boolean> {
  const { rows } = await db.query<{ hash: string }>(
    `SELECT password_hash AS hash FROM (
       SELECT password_hash, id FROM password_history WHERE account_id = $1 ORDER BY id DESC LIMIT $2) recent
     UNION SELECT password_hash FROM accounts WHERE id = $1 AND password_hash IS NOT NULL`, [accountId, PASSWORD_HISTORY]);
  for (const { hash } of rows) if (await verifyPassword(password, hash)) return true;
  return false;
}

/** Sets the account's password hash (and whether it must be changed), keeping the last 5 in its history. */
export async function storePassword(client: PoolClient, accountId: string, hash: string, mustChange: boolean): Promise<void> {
  await client.query('UPDATE accounts SET password_hash = $2, password_set_at = now(), must_change_password = $3 WHERE id = $1',
    [accountId, hash, mustChange]);
  await client.query('INSERT INTO password_history (account_id, password_hash) VALUES ($1, $2)', [accountId, hash]);
  await client.query(
    `DELETE FROM password_history WHERE account_id = $1
        AND id NOT IN (SELECT id FROM password_history WHERE account_id = $1 ORDER BY id DESC LIMIT $2)`, [accountId, PASSWORD_HISTORY]);
}
