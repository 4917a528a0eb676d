import { describe, expect, it } from 'vitest';
import { isTrustedSender, mayNavigate, SECURE_WEB_PREFERENCES } from '../../src/main/electron-policy';

const page = 'file:///app/out/renderer/index.html';

describe('Electron security rules (R4)', () => {
  it('keeps the renderer isolated, sandboxed and without Node', () => {
    expect(SECURE_WEB_PREFERENCES).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
  });

  it('answers IPC only from the main frame of our window on our page', () => {
    const ok = { webContentsId: 7, frameUrl: `${page}#/social`, isMainFrame: true };
    expect(isTrustedSender(ok, 7, page)).toBe(true);
    expect(isTrustedSender({ ...ok, webContentsId: 8 }, 7, page)).toBe(false);
    expect(isTrustedSender({ ...ok, isMainFrame: false }, 7, page)).toBe(false);
    expect(isTrustedSender({ ...ok, frameUrl: 'https://evil.example/' }, 7, page)).toBe(false);
    expect(isTrustedSender({ ...ok, frameUrl: undefined }, 7, page)).toBe(false);
    expect(isTrustedSender(ok, null, page)).toBe(false);
  });

  it('refuses navigation anywhere but the app page', () => {
    expect(mayNavigate(`${page}#x`, page)).toBe(true);
    expect(mayNavigate('https://example.com/', page)).toBe(false);
    expect(mayNavigate('file:///etc/passwd', page)).toBe(false);
  });
});
