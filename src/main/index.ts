/**
 * Electron glue only: the window, its security settings and the IPC wiring. Everything else is
 * the engine in ./core, which runs the same way in plain Node for the web shell and the tests.
 */
import { app, BrowserWindow, dialog, ipcMain, session, type IpcMainInvokeEvent } from 'electron';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { IPC_CHANNELS } from '../shared/ipc';
import { loadConfig } from './core/config';
import { Engine } from './core/engine';
import { createLogger } from './core/log';
import { isTrustedSender, mayNavigate, SECURE_WEB_PREFERENCES } from './electron-policy';
import { CONTENT_SECURITY_POLICY } from './web/static-files';

const log = createLogger('electron');
const here = dirname(fileURLToPath(import.meta.url));
let engine: Engine | null = null;
let window: BrowserWindow | null = null;

const rendererUrl = process.env.ELECTRON_RENDERER_URL
  ? new URL(process.env.ELECTRON_RENDERER_URL).href
  : pathToFileURL(join(here, '../renderer/index.html')).href;

function trustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return isTrustedSender(
    { webContentsId: event.sender.id, frameUrl: frame?.url, isMainFrame: frame !== null && frame === event.sender.mainFrame },
    window?.webContents.id ?? null,
    rendererUrl,
  );
}

function createWindow(): void {
  window = new BrowserWindow({
    width: 1280,
    height: 820,
    title: 'Red K',
    show: false,
    webPreferences: { preload: join(here, '../preload/index.cjs'), ...SECURE_WEB_PREFERENCES },
  });
  window.once('ready-to-show', () => window?.show());
  window.on('closed', () => {
    window = null;
  });
  void window.loadURL(rendererUrl);
}

// One window per data folder: a second launch focuses the first instead of opening the same
// store twice (the engine's store lock would refuse it anyway, with a dialog).
const primary = app.requestSingleInstanceLock();
if (!primary) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
}

// SIGINT/SIGTERM (Ctrl+C, a service manager) quit like the window's close, so the engine stops
// the cluster it started; Node's default for these signals would end the process at once.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event, url) => {
    if (!mayNavigate(url, rendererUrl)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!mayNavigate(url, rendererUrl)) event.preventDefault();
  });
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-attach-webview', (event) => event.preventDefault());
});

app.whenReady().then(async () => {
  if (!primary) return;
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  // A packaged build may carry its own redis-server (extraResources); an explicit setting wins.
  const bundledRedis = join(process.resourcesPath, 'redis', process.platform === 'win32' ? 'redis-server.exe' : 'redis-server');
  if (app.isPackaged && !process.env.REDK_REDIS_SERVER && existsSync(bundledRedis)) process.env.REDK_REDIS_SERVER = bundledRedis;
  try {
    engine = await Engine.start(loadConfig(), { log, shell: 'electron' });
  } catch (err) {
    dialog.showErrorBox('Red K could not start its data layer', (err as Error).message);
    app.exit(1);
    return;
  }
  const running = engine;
  // The user of the session the window's latest call was sent with (A1): direct messages go to
  // the window only when they are that user's. Resolved when the session changes, in the order
  // the calls were sent (a later session wins over a slower check of an earlier one).
  let windowSession: string | null = null;
  let windowUser: string | null = null;
  let checks = 0;
  const bindWindow = (session: string | null) => {
    if (session === windowSession) return;
    windowSession = session;
    windowUser = null;
    const asked = ++checks;
    if (session) void running.router.sessionUser(session).then((user) => asked === checks && (windowUser = user), () => undefined);
  };
  ipcMain.handle(IPC_CHANNELS.rpc, async (event, method: unknown, input: unknown, session: unknown) => {
    if (!trustedSender(event)) {
      return { ok: false, error: { code: 'forbidden', message: 'This page may not call the engine.' } };
    }
    const name = typeof method === 'string' ? method : '';
    const carried = typeof session === 'string' ? session : null;
    bindWindow(name === 'session.signOut' ? null : carried);
    // The renderer's drawer shows every call's Redis trace.
    const result = await running.router.dispatch(name, input, { trace: true, caller: { kind: 'client', session: carried, client: 'electron' } });
    // A session refused meanwhile (expired, wiped) stops the window's DMs until it signs in again.
    if (!result.body.ok && result.body.error.code === 'unauthorized' && windowSession === carried) windowUser = null;
    return result.body;
  });
  running.events.on((payload) => {
    if (!window || window.isDestroyed()) return;
    if (payload.event === 'messages.new') {
      const { from, to } = payload.data as { from: string; to: string };
      if (windowUser === null || (from !== windowUser && to !== windowUser)) return;
    }
    window.webContents.send(IPC_CHANNELS.event, payload);
  });
  createWindow();
});

app.on('window-all-closed', () => app.quit());

let quitting = false;
app.on('before-quit', (event) => {
  if (quitting || !engine) return;
  quitting = true;
  event.preventDefault();
  const stopping = engine;
  engine = null;
  stopping
    .stop()
    .catch((err: unknown) => log.error(`stopping the engine: ${(err as Error).message}`))
    .finally(() => app.quit());
});
