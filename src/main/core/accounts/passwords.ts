/**
 * Password hashes: node:crypto's scrypt (RFC 7914) with a random 16-byte salt per user, chosen
 * over an argon2 package because it ships with Node (no native build for Electron to carry) and
 * is what OWASP lists next to argon2id. A hash carries its own parameters,
 * `scrypt$<log2 N>$<r>$<p>$<salt>$<key>` (base64url), so raising the cost later leaves every
 * stored hash verifiable.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** log2 of scrypt's N by default: 2^16 with r = 8 costs 64 MiB and ~250 ms on the reference machine. */
export const DEFAULT_SCRYPT_COST = 16;
const R = 8;
const P = 1;
const KEY_BYTES = 32;
const SALT_BYTES = 16;

function derive(password: string, salt: Buffer, cost: number, r: number, p: number): Promise<Buffer> {
  const N = 2 ** cost;
  // scrypt needs 128 * N * r bytes; Node refuses past maxmem (32 MiB by default).
  const options: ScryptOptions = { N, r, p, maxmem: 128 * N * r + 1024 * 1024 };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key))));
}

export async function hashPassword(password: string, cost = DEFAULT_SCRYPT_COST): Promise<string> {
  if (!Number.isInteger(cost) || cost < 10 || cost > 20) throw new RangeError(`scrypt cost ${cost} is not in 10..20`);
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, cost, R, P);
  return ['scrypt', cost, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

const HASH = /^scrypt\$(\d{1,2})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9_-]{16,64})\$([A-Za-z0-9_-]{16,128})$/;

/** True when `password` is the one `stored` was made from; false for any other, or for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = HASH.exec(stored);
  if (!m) return false;
  const [cost, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (cost < 10 || cost > 20 || r < 1 || r > 32 || p < 1 || p > 16) return false;
  const expected = Buffer.from(m[5]!, 'base64url');
  const key = await derive(password, Buffer.from(m[4]!, 'base64url'), cost, r, p);
  return key.length === expected.length && timingSafeEqual(key, expected);
}
