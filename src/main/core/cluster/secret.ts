/**
 * The embedded cluster's secret: without it the local Redis nodes would take any process on the
 * machine (LRANGE a DM conversation, FLUSHALL). Created once per data folder, 256 random bits,
 * kept in `<data folder>/redis-secret` (mode 0600, one line), and given to every node as
 * `requirepass` and `masterauth`; the engine, the supervisor, the CLI and the drill read it from
 * the config, and `redis-cli` users from that file (`REDISCLI_AUTH=$(cat …/redis-secret)`).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../errors';

export const SECRET_FILE = 'redis-secret';

export function redisSecretPath(dataDir: string): string {
  return join(dataDir, SECRET_FILE);
}

/** The data folder's secret, created (atomically, 0600) the first time it is asked for. */
export function embeddedSecret(dataDir: string): string {
  const path = redisSecretPath(dataDir);
  const read = () => readFileSync(path, 'utf8').trim();
  try {
    const existing = read();
    if (existing.length >= 16) return existing;
    throw new AppError('invalid_input', `${path} holds no usable secret (at least 16 characters on one line); delete it to have a new one made (then restart the cluster).`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    // 'wx': two processes starting at once on a new folder agree on the first one's secret.
    writeFileSync(path, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return read();
}
