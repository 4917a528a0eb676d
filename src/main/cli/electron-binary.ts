/**
 * Finds the Electron binary by its files (node_modules/electron/path.txt and the file it names),
 * never by require('electron'), which in plain Node tries a download and fails slowly.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type ElectronAvailability = { ok: true; binary: string } | { ok: false; reason: string };

export function findElectron(root: string, env: NodeJS.ProcessEnv = process.env, platform = process.platform): ElectronAvailability {
  if (env.REDK_NO_ELECTRON === '1') return { ok: false, reason: 'REDK_NO_ELECTRON=1 is set' };
  const pkg = join(root, 'node_modules', 'electron');
  const pathTxt = join(pkg, 'path.txt');
  if (!existsSync(pathTxt)) {
    return { ok: false, reason: existsSync(pkg) ? 'the Electron binary was not downloaded (node_modules/electron/path.txt is missing)' : 'the electron package is not installed' };
  }
  const binary = join(pkg, 'dist', readFileSync(pathTxt, 'utf8').trim());
  if (!existsSync(binary)) return { ok: false, reason: `the Electron binary ${binary} is missing` };
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    return { ok: false, reason: 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset)' };
  }
  return { ok: true, binary };
}
