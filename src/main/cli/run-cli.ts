import { AppError } from '../core/errors';

/** Runs a CLI body: readable one-line errors instead of stack traces, exit code from the body. */
export function runCli(body: () => Promise<number | void>): void {
  body().then(
    (code) => {
      process.exitCode = code ?? 0;
    },
    (err: unknown) => {
      if (err instanceof AppError) {
        process.stderr.write(`error (${err.code}): ${err.message}\n`);
      } else {
        process.stderr.write(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      }
      process.exitCode = 1;
    },
  );
}

/**
 * Calls `stop` on the first SIGINT, SIGTERM or SIGHUP and keeps listening until the process
 * exits. A signal sent to a whole process group (a service manager, an IDE, Ctrl+C under
 * `setsid`) reaches this process more than once: directly, then relayed by npm and tsx. With
 * a one-shot listener the second delivery found none, and tsx (or the default action) ended the
 * process half-way through stopping, leaving the cluster's nodes running.
 */
export function onStopSignals(stop: (signal: NodeJS.Signals) => void, log: { info(line: string): void }): void {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (stopping) {
        log.info(`${signal}: already stopping; the cluster's nodes are being stopped`);
        return;
      }
      stopping = true;
      stop(signal);
    });
  }
}
