/**
 * API keys: random, shown once, stored only as HMAC-SHA256(pepper, key). Lookup by hash
 * means no key is ever compared character by character in application code.
 */
import { createHmac, randomBytes } from 'node:crypto';

export function generateKey(): string {
  return `wk_${randomBytes(24).toString('base64url')}`;
}

export function hashKey(pepper: string, key: string): string {
  return createHmac('sha256', pepper).update(key, 'utf8').digest('hex');
}

/** The key of a development account (never in production). */
export function devKey(accountId: string): string {
  return `dev-${accountId}`;
}

/** Prefix of console session tokens; every other bearer value is an API key. */
export const SESSION_TOKEN_PREFIX = 'ws_';

/** A new console session token (stored, like a key, only as `hashKey(pepper, token)`). */
export function generateSessionToken(): string {
  return `${SESSION_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}
