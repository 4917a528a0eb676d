/** The one logger: plain lines on stderr, so stdout stays free for data (`--json`, the URL). */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  child(scope: string): Logger;
}

export function createLogger(scope = 'redk', level: LogLevel = envLevel()): Logger {
  const write = (at: LogLevel, message: string) => {
    if (order[at] < order[level]) return;
    const time = new Date().toISOString().slice(11, 23);
    process.stderr.write(`${time} ${at.padEnd(5)} [${scope}] ${message}\n`);
  };
  return {
    debug: (m) => write('debug', m),
    info: (m) => write('info', m),
    warn: (m) => write('warn', m),
    error: (m) => write('error', m),
    child: (sub) => createLogger(`${scope}:${sub}`, level),
  };
}

function envLevel(): LogLevel {
  const value = process.env.REDK_LOG_LEVEL;
  return value === 'debug' || value === 'info' || value === 'warn' || value === 'error' ? value : 'info';
}

/** A logger that drops everything; for tests that assert on return values, not on logs. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};
