/**
 * The data folder is private to its user: the store's files, the Redis nodes' AOF and nodes.conf,
 * the lock. Folders 0700, files 0600, and the engine's umask 077 so whatever it (or a Redis node
 * it starts) creates later is private too. A folder made by an older version, or copied in with
 * open modes, is fixed at start.
 */
import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const PRIVATE_DIR = 0o700;

/** umask 077 for this process (files it creates are its user's only); not possible in a worker thread, where it is left. */
export function privateUmask(): void {
  try {
    process.umask(0o077);
  } catch {
    /* a worker thread: the main thread's umask applies */
  }
}

/**
 * Creates `root` (0700) if missing and takes group and other access off everything under it
 * (symlinks are left alone, never followed). Returns the paths whose mode was changed.
 */
export function securePrivateTree(root: string): string[] {
  mkdirSync(root, { recursive: true, mode: PRIVATE_DIR });
  const fixed: string[] = [];
  const walk = (path: string) => {
    let st;
    try {
      st = lstatSync(path);
    } catch {
      return; // gone meanwhile
    }
    if (st.isSymbolicLink()) return;
    // Only group and other bits are taken off: a folder keeps rwx for its owner, a file keeps
    // its owner's own bits (one made read-only stays so).
    if ((st.mode & 0o077) !== 0) {
      chmodSync(path, st.isDirectory() ? PRIVATE_DIR : st.mode & 0o700);
      fixed.push(path);
    }
    if (st.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
  };
  walk(root);
  return fixed;
}
