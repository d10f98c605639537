/**
 * Idempotency keys that never hide a case: the first request under an account's key leaves its
 * fingerprint (method, path, parsed body); a later request under the same key is a retry when
 * its fingerprint is the same, and 422 idempotency_conflict otherwise — before anything is
 * filed or changed. Concurrent requests meet at the key's primary key.
 *
 * The fingerprint is HMAC-SHA256 keyed with the server's secret (API_KEY_PEPPER): a plain hash of
 * a filing, whose body carries a reporter's phone, could be found again by trying every phone
 * number. And it expires: after `IDEMPOTENCY_TTL_MS` (a day: retries come within minutes) it is
 * erased (a sweep at most every few minutes per process, and a check of the key's age on every
 * claim). The key itself stays: reused after that it is 422, never a retry of something it can no
 * longer be compared with, nor a new case under an old whistle id.
 */
import { createHash, createHmac } from 'node:crypto';
import type { Pool } from 'pg';
import { HttpError } from '../errors';
import { eraseExpiredFingerprints, keyRecord, recordKey } from '../../lib/stores/idempotency';

const IDEMPOTENCY_TTL_MS = 24 * 3600_000;
const SWEEP_EVERY_MS = 5 * 60_000;

/** JSON with object keys sorted, so that two equal parsed bodies have one text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

const requestText = (method: string, path: string, body: unknown) => `${method.toUpperCase()} ${path}\n${canonical(body)}`;

/** The keyed fingerprint of a request. */
export function fingerprintOf(secret: string, method: string, path: string, body: unknown): string {
  return createHmac('sha256', secret).update(requestText(method, path, body)).digest('hex');
}

/** The plain SHA-256 fingerprint that rows written before migration 020 hold (`keyed` false) until they expire. */
function unkeyedFingerprintOf(method: string, path: string, body: unknown): string {
  return createHash('sha256').update(requestText(method, path, body)).digest('hex');
}

const conflict = () => new HttpError('idempotency_conflict',
  'this Idempotency-Key was used before with another request (another body, action or whistle); use a new key for a new request',
  '该幂等键已用于另一个请求，新的请求请使用新的幂等键');

export class IdempotencyKeys {
  private lastSweep = 0;

  constructor(private readonly pool: Pool, private readonly secret: string, private readonly ttlMs = IDEMPOTENCY_TTL_MS) {}

  /** Records the key's first request, or checks a repeat against it: 'first', 'repeat', or 422. */
  async claim(accountId: string, key: string, method: string, path: string, body: unknown): Promise<'first' | 'repeat'> {
    await this.sweep();
    const fingerprint = fingerprintOf(this.secret, method, path, body);
    if (await recordKey(this.pool, accountId, key, fingerprint)) return 'first';
    const row = await keyRecord(this.pool, accountId, key, this.ttlMs / 1000);
    if (!row || row.expired || row.fingerprint === null) throw conflict();
    const same = row.keyed ? row.fingerprint === fingerprint : row.fingerprint === unkeyedFingerprintOf(method, path, body);
    if (same) return 'repeat';
    throw conflict();
  }

  /** Erases the fingerprints older than the time to live (at most every few minutes per process). */
  async sweep(force = false): Promise<number> {
    const now = Date.now();
    if (!force && now - this.lastSweep < SWEEP_EVERY_MS) return 0;
    this.lastSweep = now;
    return eraseExpiredFingerprints(this.pool, this.ttlMs / 1000);
  }
}
