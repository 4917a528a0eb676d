/**
 * The Electron security rules (R4) as plain functions, so they are tested without Electron:
 * which IPC senders are answered, where a window may navigate, and the window's web preferences.
 */
export const SECURE_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  spellcheck: false,
} as const;

const withoutHash = (url: string) => url.split('#')[0] ?? '';

/** IPC is answered only for our own window showing our own page (not an iframe, not another page). */
export function isTrustedSender(sender: { webContentsId: number; frameUrl: string | undefined; isMainFrame: boolean }, windowWebContentsId: number | null, rendererUrl: string): boolean {
  return windowWebContentsId !== null && sender.webContentsId === windowWebContentsId && sender.isMainFrame && withoutHash(sender.frameUrl ?? '') === withoutHash(rendererUrl);
}

/** The app is one page: any navigation away from it is refused (links open nowhere). */
export function mayNavigate(url: string, rendererUrl: string): boolean {
  return withoutHash(url) === withoutHash(rendererUrl);
}
