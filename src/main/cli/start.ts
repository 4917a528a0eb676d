/**
 * `npm start`: the Electron window when the binary and a display are there; otherwise one line
 * saying why, then the same renderer in the browser against the same engine (E3).
 */
import { spawn } from 'node:child_process';
import { createLogger } from '../core/log';
import { ensureBuilt } from './build-check';
import { findElectron } from './electron-binary';
import { projectRoot } from './paths';
import { onStopSignals, runCli } from './run-cli';
import { serve } from './serve';

runCli(async () => {
  const log = createLogger('start');
  const root = projectRoot();
  const electron = findElectron(root);
  if (!electron.ok) {
    process.stdout.write(
      `Electron cannot start here (${electron.reason}); serving the same app in your browser instead. ` +
        `With internet access, "node node_modules/electron/install.js" fetches the binary for the desktop window.\n`,
    );
    return serve(log);
  }
  await ensureBuilt(log, root);
  return new Promise<number>((resolve) => {
    const child = spawn(electron.binary, [root], { stdio: 'inherit', cwd: root });
    // A signal to this process alone (a service manager) reaches the window too, which then
    // stops its engine and cluster before quitting; this process waits for it.
    onStopSignals((signal) => {
      if (child.exitCode === null) child.kill(signal);
    }, log);
    child.on('exit', (code) => resolve(code ?? 0));
    child.on('error', (err) => {
      log.error(`Electron failed to start: ${err.message}`);
      resolve(1);
    });
  });
});
