/**
 * One owner per embedded store. PGlite is one process's database: a second process on the same
 * files (a second `npm run serve`, or `npm run seed` while the app runs) corrupts it. Whoever
 * opens the store first holds a lock next to it for as long as it runs; everyone else is refused
 * in one line that names the owner's pid and, for a web shell, its URL.
 *
 * The lock is proper-lockfile's: an atomic mkdir whose mtime the owner refreshes, so a lock left
 * by a crashed owner goes stale and is taken over. A lock whose recorded owner pid is gone is
 * taken over at once rather than after the stale period (a restart right after a crash).
 */
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import lockfile from 'proper-lockfile';
import { processAlive } from './cluster/process-alive';
import { AppError } from './errors';
import type { Logger } from './log';

export interface LockOwner {
  pid: number;
  /** What holds it: 'web' (npm run serve / start), 'electron', 'seed', ... */
  what: string;
  startedAt: number;
  /** The web shell's URL, once it serves. */
  url?: string;
}

export interface DataLock {
  readonly path: string;
  /** Records the URL the owner serves, for the refusal line of the next one. */
  setUrl(url: string): void;
  release(): Promise<void>;
}

const STALE_MS = 15_000;

function paths(target: string) {
  const name = basename(target);
  return { lock: join(dirname(target), `${name}.lock`), owner: join(dirname(target), `${name}.owner.json`) };
}

export function readLockOwner(target: string): LockOwner | null {
  try {
    const owner = JSON.parse(readFileSync(paths(target).owner, 'utf8')) as Partial<LockOwner>;
    return typeof owner.pid === 'number' && typeof owner.what === 'string' ? (owner as LockOwner) : null;
  } catch {
    return null;
  }
}

/** The one line a refused second owner prints. */
export function describeOwner(target: string, owner: LockOwner | null): string {
  if (!owner) return `Another Red K process holds ${target} (its owner file is missing or being written); try again in a few seconds.`;
  const where = owner.url ? ` at ${owner.url}` : '';
  return `Red K is already running on ${target} (pid ${owner.pid}, ${owner.what}${where}); stop it first, or use another data folder (--data-dir / REDK_DATA_DIR).`;
}

/**
 * Takes the lock on `target` (a folder, created if missing) or throws AppError('conflict') naming
 * the current owner.
 */
export async function acquireDataLock(target: string, what: string, log: Logger): Promise<DataLock> {
  mkdirSync(dirname(target), { recursive: true });
  mkdirSync(target, { recursive: true });
  const { lock: lockPath, owner: ownerPath } = paths(target);
  const options = { lockfilePath: lockPath, stale: STALE_MS, realpath: false, retries: 0 };
  let release: () => Promise<void>;
  let compromised = false;
  const take = () =>
    lockfile.lock(target, {
      ...options,
      // The refresh failed (the folder vanished, or this process was suspended past the stale
      // period and someone took over). Say so loudly instead of crashing the engine.
      onCompromised: (err: Error) => {
        compromised = true;
        log.error(`the lock on ${target} was lost (${err.message}); another Red K may now open the same store`);
      },
    });
  try {
    release = await take();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
    const owner = readLockOwner(target);
    if (owner && owner.pid !== process.pid && !processAlive(owner.pid)) {
      log.warn(`taking over the lock on ${target}: its owner (pid ${owner.pid}) is gone`);
      rmSync(lockPath, { recursive: true, force: true });
      try {
        release = await take();
      } catch (again) {
        if ((again as NodeJS.ErrnoException).code !== 'ELOCKED') throw again;
        throw new AppError('conflict', describeOwner(target, readLockOwner(target)));
      }
    } else {
      throw new AppError('conflict', describeOwner(target, owner));
    }
  }
  const owner: LockOwner = { pid: process.pid, what, startedAt: Date.now() };
  const write = () => {
    writeFileSync(ownerPath, JSON.stringify(owner) + '\n', { mode: 0o600 });
    chmodSync(ownerPath, 0o600);
  };
  write();
  let released = false;
  return {
    path: lockPath,
    setUrl(url: string) {
      owner.url = url;
      if (!released) write();
    },
    async release() {
      if (released) return;
      released = true;
      if (readLockOwner(target)?.pid === process.pid) rmSync(ownerPath, { force: true });
      if (!compromised) await release().catch((err: unknown) => log.warn(`releasing the lock on ${target}: ${(err as Error).message}`));
    },
  };
}
