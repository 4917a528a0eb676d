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
