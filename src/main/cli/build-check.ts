/** Builds the app with electron-vite when out/ is missing or older than the sources. */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../core/errors';
import type { Logger } from '../core/log';
import { projectRoot } from './paths';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export function buildIsStale(root = projectRoot()): boolean {
  const marker = join(root, 'out', 'renderer', 'index.html');
  if (!existsSync(marker)) return true;
  const src = join(root, 'src');
  return existsSync(src) && newestMtime(src) > statSync(marker).mtimeMs;
}

export async function ensureBuilt(log: Logger, root = projectRoot()): Promise<void> {
  if (!buildIsStale(root)) return;
  log.info('building the app (electron-vite build) ...');
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('exit', (c) => resolve(c ?? 1));
    child.on('error', () => resolve(1));
  });
  if (code !== 0) throw new AppError('internal', 'electron-vite build failed (see the output above).');
}
