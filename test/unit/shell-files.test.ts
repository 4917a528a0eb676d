import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findElectron } from '../../src/main/cli/electron-binary';
import { resolveStaticFile } from '../../src/main/web/static-files';
import { tempDir } from '../helpers/temp-dirs';

describe('static files of the web shell', () => {
  const root = tempDir('redk-static');
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html>');
  writeFileSync(join(root, 'assets', 'app.js'), '');

  it('serves files inside the folder and the app for client routes', () => {
    expect(resolveStaticFile(root, '/assets/app.js')).toBe(join(root, 'assets', 'app.js'));
    expect(resolveStaticFile(root, '/')).toBe(join(root, 'index.html'));
    expect(resolveStaticFile(root, '/inspector?x=1')).toBe(join(root, 'index.html'));
  });

  it('never leaves the folder and 404s missing assets', () => {
    for (const path of ['/../package.json', '/..%2f..%2fetc%2fpasswd', '/assets/../../secret.js', '/%00.js', '/%E0%A4%A']) {
      const file = resolveStaticFile(root, path);
      expect(file === null || file === join(root, 'index.html'), path).toBe(true);
    }
    expect(resolveStaticFile(root, '/assets/missing.js')).toBeNull();
  });
});

describe('Electron binary detection by its files', () => {
  const make = (files: Record<string, string>) => {
    const root = tempDir('redk-electron');
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return root;
  };

  it('reports a missing package, a missing binary and a missing display, each with its reason', () => {
    expect(findElectron(make({}), {}, 'linux')).toEqual({ ok: false, reason: 'the electron package is not installed' });
    const noBinary = make({ 'node_modules/electron/package.json': '{}' });
    expect(findElectron(noBinary, {}, 'linux')).toMatchObject({ ok: false, reason: expect.stringContaining('path.txt is missing') });
    const named = make({ 'node_modules/electron/path.txt': 'electron' });
    expect(findElectron(named, { DISPLAY: ':0' }, 'linux')).toMatchObject({ ok: false, reason: expect.stringContaining('is missing') });
    const full = make({ 'node_modules/electron/path.txt': 'electron', 'node_modules/electron/dist/electron': '' });
    expect(findElectron(full, {}, 'linux')).toMatchObject({ ok: false, reason: expect.stringContaining('no display') });
    expect(findElectron(full, { DISPLAY: ':0' }, 'linux')).toEqual({ ok: true, binary: join(full, 'node_modules/electron/dist/electron') });
    expect(findElectron(full, {}, 'darwin')).toMatchObject({ ok: true });
  });
});
