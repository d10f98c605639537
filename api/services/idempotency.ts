/**
 * Idempotency keys that never hide a case: the first request under an account's key leaves its
 * fingerprint (method, path, parsed body); a later request under the same key is a retry when
 * its fingerprint is the same, and 422 idempotency_conflict otherwise — before anything is
 * filed or changed. Concurrent requests meet at the key's primary key.
 */
import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { HttpError } from '../errors';

/** JSON with object keys sorted, so that two equal parsed bodies have one text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function fingerprintOf(method: string, path: string, body: unknown): string {
  return createHash('sha256').update(`${method.toUpperCase()} ${path}\n${canonical(body)}`).digest('hex');
}

export class IdempotencyKeys {
  constructor(private readonly pool: Pool) {}

  /** Records the key's first request, or checks a repeat against it: 'first', 'repeat', or 422. */
  async claim(accountId: string, key: string, method: string, path: string, body: unknown): Promise<'first' | 'repeat'> {
    const fingerprint = fingerprintOf(method, path, body);
    const inserted = await this.pool.query(
      `INSERT INTO idempotency_keys (account_id, key, fingerprint) VALUES ($1, $2, $3)
       ON CONFLICT (account_id, key) DO NOTHING RETURNING 1`, [accountId, key, fingerprint]);
    if ((inserted.rowCount ?? 0) > 0) return 'first';
    const { rows } = await this.pool.query<{ fingerprint: string }>(
      'SELECT fingerprint FROM idempotency_keys WHERE account_id = $1 AND key = $2', [accountId, key]);
    if (rows[0]?.fingerprint === fingerprint) return 'repeat';
    throw new HttpError('idempotency_conflict',
      'this Idempotency-Key was used before with another request (another body, action or whistle); use a new key for a new request',
      '该幂等键已用于另一个请求，新的请求请使用新的幂等键');
  }
}
