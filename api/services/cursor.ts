/**
 * The keyset cursor of every list that is ordered newest first by (instant, id): opaque to
 * clients (base64url of `[instant, id]`), and checked strictly on the way back in so nothing but
 * what encodeCursor wrote ever reaches SQL.
 */
import { invalid } from '../errors';

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const ID = /^[A-Za-z0-9_-]{1,100}$/;

export function encodeCursor(at: Date | string, id: string): string {
  const instant = typeof at === 'string' ? new Date(at).toISOString() : at.toISOString();
  return Buffer.from(JSON.stringify([instant, id])).toString('base64url');
}

/** `[instant, id]` of a cursor this API gave out; 400 validation_failed for anything else. */
export function decodeCursor(cursor: string): [string, string] {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof at !== 'string' || typeof id !== 'string' || !INSTANT.test(at) || Number.isNaN(Date.parse(at)) || !ID.test(id)) {
      throw new Error('bad cursor');
    }
    return [at, id];
  } catch {
    throw invalid('cursor is not one this API gave out', '翻页位置无效，请从第一页重新查看');
  }
}
