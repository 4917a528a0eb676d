/**
 * `npm run serve`: the engine and the web shell, no window (E2, E3). Prints the URL to stdout.
 * REDK_HTTP_PORT, REDK_TOKEN, REDK_DATA_DIR, REDK_REDIS_PORT_BASE override the defaults.
 */
import { loadConfig } from '../core/config';
import { Engine } from '../core/engine';
import { createLogger, type Logger } from '../core/log';
import { startWebShell } from '../web/server';
import { ensureBuilt } from './build-check';
import { rendererDir } from './paths';
import { onStopSignals, runCli } from './run-cli';

export async function serve(log: Logger = createLogger('serve')): Promise<number> {
  const config = loadConfig();
  // Listening from the start: a signal while the cluster comes up stops it once it is up,
  // instead of killing this process between starting the nodes and being able to stop them.
  let requested: NodeJS.Signals | null = null;
  let wake = () => {};
  onStopSignals((signal) => {
    requested = signal;
    log.info(`${signal}: stopping`);
    wake();
  }, log);
  await ensureBuilt(log);
  const engine = await Engine.start(config, { log, shell: 'web' });
  let shell;
  try {
    shell = await startWebShell({
      router: engine.router,
      events: engine.events,
      log: log.child('web'),
      staticDir: rendererDir(),
      port: config.http.port,
      token: config.http.token,
    });
  } catch (err) {
    await engine.stop();
    throw err;
  }
  engine.announceUrl(shell.url);
  process.stdout.write(`Red K web shell: ${shell.url}\n`);
  log.info('open the URL above in a browser; Ctrl+C stops the engine');
  if (requested === null) await new Promise<void>((resolve) => (wake = resolve));
  await shell.close().catch((err: unknown) => log.warn(`closing the web shell: ${(err as Error).message}`));
  log.info('stopping: web shell closed');
  await engine.stop().catch((err: unknown) => log.error(`stopping the engine: ${(err as Error).message}`));
  return 0;
}

if (process.argv[1] && /serve\.(ts|js)$/.test(process.argv[1])) runCli(() => serve());
