/**
 * Accounts (A1): sign-in with a password, sessions in Redis, and a limit on sign-in attempts.
 *
 * A session token is `<secret>.<username>`: 32 random bytes (base64url) and the name they belong
 * to, so the key can live on the user's slot. Redis keeps only SHA-256(secret), under
 * `{user:<name>}:session:<digest>` with a sliding TTL (renewed on every use with GETEX). A wiped
 * or failed-over cache can only lose sessions, which signs people out, never in.
 *
 * Sign-in attempts are counted per name (folded case) and per client address, each a Redis
 * counter that expires with its window. An attempt is counted before its password is checked,
 * so many sent at once cannot all pass the limit while their scrypt runs; a success clears the
 * name's count and takes itself off the client's. ioredis may resend an INCR whose reply was
 * lost: an attempt then counts twice, which errs toward refusing.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Cluster } from 'ioredis';
import { isValidUsername } from '../../../shared/names';
import type { User } from '../../../shared/types';
import { waitForReplica } from '../cluster/replica-ack';
import { AppError } from '../errors';
import { keys } from '../keys';
import type { DocumentStore } from '../stores/ports';
import { hashPassword, verifyPassword } from './passwords';

export interface AccountOptions {
  /** log2 of scrypt's N for new hashes (config accounts.scryptCost). */
  scryptCost: number;
  /** Sliding lifetime of a session (config accounts.sessionTtlSeconds). */
  sessionTtlSeconds: number;
  /** Sign-in attempts allowed per name in a window (a success starts the count again); the one that reaches it is refused with rate_limited. */
  nameLimit?: number;
  /** The same per client address (several names tried from one place). */
  clientLimit?: number;
  windowMs?: number;
}

export const SIGN_IN_WINDOW_MS = 60_000;
export const SIGN_IN_NAME_LIMIT = 20;
export const SIGN_IN_CLIENT_LIMIT = 100;
/** How long a sign-out waits for a replica to have the session's deletion. */
const SIGN_OUT_WAIT_MS = 500;

const TOKEN = /^([A-Za-z0-9_-]{43})\.([A-Za-z0-9_.-]{1,32})$/;
const digest = (text: string, hexChars = 64) => createHash('sha256').update(text).digest('hex').slice(0, hexChars);

/** A well-formed token's user and the key its session lives under; null for anything else. */
function parseToken(token: string): { name: string; key: string } | null {
  const m = TOKEN.exec(token);
  if (!m || !isValidUsername(m[2]!)) return null;
  return { name: m[2]!, key: keys.session(m[2]!, digest(m[1]!)) };
}

export class Accounts {
  private readonly nameLimit: number;
  private readonly clientLimit: number;
  private readonly windowMs: number;
  /** Verified against when the name has no account or no password, so both cost one scrypt like a real check. */
  private decoy: Promise<string> | null = null;

  constructor(
    private readonly redis: Cluster,
    private readonly documents: DocumentStore,
    private readonly profile: (username: string) => Promise<User>,
    private readonly opts: AccountOptions,
  ) {
    this.nameLimit = opts.nameLimit ?? SIGN_IN_NAME_LIMIT;
    this.clientLimit = opts.clientLimit ?? SIGN_IN_CLIENT_LIMIT;
    this.windowMs = opts.windowMs ?? SIGN_IN_WINDOW_MS;
  }

  hash(password: string): Promise<string> {
    return hashPassword(password, this.opts.scryptCost);
  }

  /**
   * `client` names where the attempt comes from ("web 127.0.0.1", "electron"). Wrong name and
   * wrong password are one answer, invalid_credentials; past a limit, rate_limited with a time.
   */
  async signIn(username: string, password: string, client: string): Promise<{ session: string; user: User }> {
    const counters = [
      { key: keys.signInAttempts(username), limit: this.nameLimit, what: `for "${username}"` },
      { key: keys.clientSignInAttempts(digest(client, 32)), limit: this.clientLimit, what: 'from this client' },
    ];
    const attempts = await Promise.all(counters.map((c) => this.countAttempt(c.key)));
    for (const [i, c] of counters.entries()) if (attempts[i]! >= c.limit) throw await this.limited(c.key, c.limit, c.what);

    const found = await this.documents.credentials(username);
    this.decoy ??= hashPassword(randomBytes(16).toString('hex'), this.opts.scryptCost);
    const ok = await verifyPassword(password, found?.passwordHash ?? (await this.decoy));
    if (!found || found.passwordHash === null || !ok) throw new AppError('invalid_credentials', 'That username and password do not match an account.');
    await Promise.all([this.redis.del(counters[0]!.key), this.redis.decr(counters[1]!.key)]);
    const secret = randomBytes(32).toString('base64url');
    await this.redis.set(keys.session(found.username, digest(secret)), found.username, 'PX', this.opts.sessionTtlSeconds * 1000);
    return { session: `${secret}.${found.username}`, user: await this.profile(found.username) };
  }

  /** The user a session token belongs to, renewing its lifetime; null for a malformed, unknown, expired or signed-out one. */
  async verify(token: string): Promise<string | null> {
    const parsed = parseToken(token);
    if (!parsed) return null;
    const holder = await this.redis.getex(parsed.key, 'PX', this.opts.sessionTtlSeconds * 1000);
    return holder === parsed.name ? parsed.name : null;
  }

  /**
   * Ends a session (idempotent: an unknown token is already signed out). The delete waits for a
   * replica (WAIT 1, as a like does), so a failover right after cannot bring the session back.
   */
  async signOut(token: string): Promise<void> {
    const parsed = parseToken(token);
    if (!parsed) return;
    await this.redis.del(parsed.key);
    await waitForReplica(this.redis, parsed.key, SIGN_OUT_WAIT_MS);
  }

  private async countAttempt(key: string): Promise<number> {
    const replies = await this.redis.multi().incr(key).pexpire(key, this.windowMs, 'NX').exec();
    const [err, count] = replies?.[0] ?? [new Error('the sign-in attempt count was not answered'), 0];
    if (err) throw err;
    return Number(count);
  }

  private async limited(key: string, limit: number, what: string): Promise<AppError> {
    const left = Math.max(1, await this.redis.pttl(key));
    return new AppError(
      'rate_limited',
      `Too many sign-in attempts ${what} (${limit} in ${Math.round(this.windowMs / 1000)} s). Try again in ${Math.ceil(left / 1000)} s.`,
    );
  }
}
