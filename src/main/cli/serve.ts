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
import { runCli } from './run-cli';

export async function serve(log: Logger = createLogger('serve')): Promise<number> {
  const config = loadConfig();
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
  process.stdout.write(`Red K web shell: ${shell.url}\n`);
  log.info('open the URL above in a browser; Ctrl+C stops the engine');
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info(`${signal}: stopping`);
      void shell
        .close()
        .then(() => engine.stop())
        .finally(resolve);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  return 0;
}

if (process.argv[1] && /serve\.(ts|js)$/.test(process.argv[1])) runCli(() => serve());
