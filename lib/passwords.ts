/**
 * Passwords of people (console sign-in): Node's own `crypto.scrypt`, salted, with its cost
 * parameters stored beside the hash in PHC string form — `$scrypt$ln=15,r=8,p=3$<salt>$<hash>`
 * (base64 without padding) — so they can be raised later without invalidating stored hashes.
 * Comparison is constant-time (`timingSafeEqual`).
 *
 * Cost: N = 2^15, r = 8, p = 3 is one of OWASP's equivalent scrypt settings (Password Storage
 * Cheat Sheet: 2^17/8/1, 2^16/8/2, 2^15/8/3, …): 32 MiB of memory per hash.
 */
import { randomBytes, randomInt, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

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

/** Why a new password is refused, or null when it is acceptable: its length only (`set-password` at the command line). */
export function passwordProblem(password: string): string | null {
  if ([...password].length < PASSWORD_MIN_LENGTH) return `a password needs at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > 1024) return 'a password may have at most 1024 characters';
  return null;
}

/** A refusal of a new password, in English and in Chinese (naming the rule). */
export interface PasswordRefusal { message: string; messageZh: string }

/** Lower case, upper case, digits, and everything else. */
export function characterClasses(password: string): number {
  return [/\p{Ll}/u, /\p{Lu}/u, /\p{Nd}/u, /[^\p{Ll}\p{Lu}\p{Nd}]/u].filter((re) => re.test(password)).length;
}

/**
 * The rules of a password a person chooses (等保 2.0): at least 10 characters with at least three
 * of lower case, upper case, digits and other characters, not containing the account id. That it
 * is none of the last 5 is checked against the stored hashes (lib/password-history.ts).
 */
export function passwordRuleRefusal(password: string, accountId: string): PasswordRefusal | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) {
    return { message: `a password needs at least ${PASSWORD_MIN_LENGTH} characters`, messageZh: `密码至少需要 ${PASSWORD_MIN_LENGTH} 个字符` };
  }
  if (password.length > 1024) return { message: 'a password may have at most 1024 characters', messageZh: '密码最多 1024 个字符' };
  if (characterClasses(password) < 3) {
    return {
      message: 'a password needs at least three of: lower case letters, upper case letters, digits, other characters',
      messageZh: '密码须至少包含小写字母、大写字母、数字、其他字符中的三类',
    };
  }
  if (accountId && password.toLowerCase().includes(accountId.toLowerCase())) {
    return { message: 'a password must not contain the account id', messageZh: '密码不能包含账号' };
  }
  return null;
}

// No look-alikes (0/O, 1/l/I): an initial password is read off a screen and typed.
const LOWER = 'abcdefghijkmnpqrstuvwxyz';
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGITS = '23456789';
const OTHER = '#%+=@!?';

function pick(alphabet: string): string {
  return alphabet[randomInt(alphabet.length)];
}

/**
 * A random initial password (16 characters, all four classes, about 90 bits), which the account
 * must change at its first sign-in. Never one that contains `accountId`, never one that starts
 * with a symbol (a spreadsheet opening the console's CSV of initial passwords would take `=…`,
 * `+…` or `@…` for a formula).
 */
export function generateInitialPassword(accountId = ''): string {
  for (;;) {
    const all = LOWER + UPPER + DIGITS + OTHER;
    const chars = [pick(LOWER), pick(UPPER), pick(DIGITS), pick(OTHER), ...Array.from({ length: 12 }, () => pick(all))];
    for (let i = chars.length - 1; i > 0; i--) {
      const j = randomInt(i + 1);
      [chars[i], chars[j]] = [chars[j], chars[i]];
    }
    const password = chars.join('');
    if (OTHER.includes(password[0])) continue;
    if (!passwordRuleRefusal(password, accountId)) return password;
  }
}
