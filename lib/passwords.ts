/**
 * Passwords of people (console sign-in): Node's own `crypto.scrypt`, salted, with its cost
 * parameters stored beside the hash in PHC string form — `$scrypt$ln=15,r=8,p=3$<salt>$<hash>`
 * (base64 without padding) — so they can be raised later without invalidating stored hashes.
 * Comparison is constant-time (`timingSafeEqual`).
 *
 * Cost: N = 2^15, r = 8, p = 3 is one of OWASP's equivalent scrypt settings (Password Storage
 * Cheat Sheet: 2^17/8/1, 2^16/8/2, 2^15/8/3, …): 32 MiB of memory per hash.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export const PASSWORD_MIN_LENGTH = 10;
const DEFAULT = { ln: 15, r: 8, p: 3 };
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

function derive(password: string, salt: Buffer, keyLength: number, { ln, r, p }: { ln: number; r: number; p: number }): Promise<Buffer> {
  const N = 2 ** ln;
  // scrypt needs 128·N·r bytes; Node refuses above `maxmem` (32 MiB by default), so allow twice that.
  const options: ScryptOptions = { N, r, p, maxmem: 2 * 128 * N * r + 1024 * 1024 };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, keyLength, options, (err, key) => (err ? reject(err) : resolve(key))));
}

const b64 = (buf: Buffer) => buf.toString('base64').replace(/=+$/, '');

/** A new PHC string for `password`, with a fresh random salt. */
export async function hashPassword(password: string, cost = DEFAULT): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, KEY_LENGTH, cost);
  return `$scrypt$ln=${cost.ln},r=${cost.r},p=${cost.p}$${b64(salt)}$${b64(key)}`;
}

/** Whether `password` is the one `stored` was made from; false for anything that is not such a hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = PHC.exec(stored);
  if (!m) return false;
  const [ln, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (ln < 10 || ln > 20 || r < 1 || p < 1) return false;
  const salt = Buffer.from(m[4], 'base64');
  const expected = Buffer.from(m[5], 'base64');
  const key = await derive(password, salt, expected.length, { ln, r, p });
  return timingSafeEqual(key, expected);
}

let dummy: Promise<string> | undefined;

/**
 * The same work as checking a real password, for a sign-in that will fail anyway (unknown
 * account, disabled, no password): the time of the answer does not tell which ids exist.
 */
export async function verifyNothing(password: string): Promise<false> {
  dummy ??= hashPassword(randomBytes(12).toString('base64'));
  await verifyPassword(password, await dummy);
  return false;
}

/** Why a new password is refused, or null when it is acceptable. */
export function passwordProblem(password: string): string | null {
  if ([...password].length < PASSWORD_MIN_LENGTH) return `a password needs at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > 1024) return 'a password may have at most 1024 characters';
  return null;
}
