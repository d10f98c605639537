/**
 * Idempotency fingerprints (security review): keyed with the server's secret (HMAC-SHA256), so a
 * filing's fingerprint cannot be matched against guessed bodies (a phone number tried one by one),
 * and expired: after a day the fingerprint is erased and the key, reused, is 422 rather than a retry.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { IdempotencyKeys, fingerprintOf } from '../api/services/idempotency';
import { TEST_PEPPER } from './support/constants';
import { startStack, type Stack } from './support/stack';

let stack: Stack;
beforeAll(async () => { stack = await startStack({ noWorker: true }); });
afterAll(async () => { await stack?.stop(); });

const body = { title: '下水道堵塞', description: '污水外溢', category: 'utilities', reporter: { name: '李大爷', phone: '13800000000' } };
const stored = async (key: string) => (await stack.pool.query('SELECT fingerprint, keyed FROM idempotency_keys WHERE key = $1', [key])).rows[0];

test('the stored fingerprint is HMAC-SHA256 with the server\'s secret, never a plain hash of the request', async () => {
  const keys = new IdempotencyKeys(stack.pool, TEST_PEPPER);
  const key = `fp-${randomBytes(6).toString('hex')}`;
  expect(await keys.claim('xiguan', key, 'POST', '/v1/whistles', body)).toBe('first');
  const row = await stored(key);
  const text = `POST /v1/whistles\n{"category":"utilities","description":"污水外溢","reporter":{"name":"李大爷","phone":"13800000000"},"title":"下水道堵塞"}`;
  expect(row).toEqual({ fingerprint: createHmac('sha256', TEST_PEPPER).update(text).digest('hex'), keyed: true });
  expect(row.fingerprint).not.toBe(createHash('sha256').update(text).digest('hex'));
  expect(fingerprintOf('another secret', 'POST', '/v1/whistles', body)).not.toBe(row.fingerprint);
  expect(await keys.claim('xiguan', key, 'POST', '/v1/whistles', { ...body })).toBe('repeat');
  await expect(keys.claim('xiguan', key, 'POST', '/v1/whistles', { ...body, title: '另一件事' })).rejects.toMatchObject({ code: 'idempotency_conflict' });
});

test('a fingerprint expires: the sweep erases it, and the key reused is 422, never a retry nor a new case', async () => {
  const keys = new IdempotencyKeys(stack.pool, TEST_PEPPER, 1000);
  const key = `exp-${randomBytes(6).toString('hex')}`;
  expect(await keys.claim('dongguan', key, 'POST', '/v1/whistles', body)).toBe('first');
  expect(await keys.claim('dongguan', key, 'POST', '/v1/whistles', body)).toBe('repeat');
  await new Promise((r) => setTimeout(r, 1200));
  // Older than its time to live, it is refused even before a sweep reaches it …
  await expect(keys.claim('dongguan', key, 'POST', '/v1/whistles', body)).rejects.toMatchObject({ code: 'idempotency_conflict' });
  // … and the sweep erases the fingerprint for good.
  expect(await keys.sweep(true)).toBeGreaterThanOrEqual(1);
  expect(await stored(key)).toEqual({ fingerprint: null, keyed: true });
  await expect(keys.claim('dongguan', key, 'POST', '/v1/whistles', body)).rejects.toMatchObject({ code: 'idempotency_conflict' });
});

test('a fingerprint written before keyed ones (a plain hash) still recognises its retry until it expires', async () => {
  const keys = new IdempotencyKeys(stack.pool, TEST_PEPPER);
  const key = `old-${randomBytes(6).toString('hex')}`;
  const text = `POST /v1/whistles\n{"category":"utilities","description":"污水外溢","reporter":{"name":"李大爷","phone":"13800000000"},"title":"下水道堵塞"}`;
  await stack.pool.query('INSERT INTO idempotency_keys (account_id, key, fingerprint, keyed) VALUES ($1, $2, $3, false)',
    ['zhenghe', key, createHash('sha256').update(text).digest('hex')]);
  expect(await keys.claim('zhenghe', key, 'POST', '/v1/whistles', body)).toBe('repeat');
  await expect(keys.claim('zhenghe', key, 'POST', '/v1/whistles', { ...body, urgent: true })).rejects.toMatchObject({ code: 'idempotency_conflict' });
});
