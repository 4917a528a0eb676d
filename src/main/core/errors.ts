import { errorStatus, type ErrorCode, type RpcErrorBody } from '../../shared/errors';

/**
 * The one error type the engine throws on purpose. Its message is written for the person using
 * the app ("Redis node 127.0.0.1:7002 is down"), its code is stable for the renderer to branch on.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly issues?: RpcErrorBody['issues'];

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; issues?: RpcErrorBody['issues'] }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.issues = options?.issues;
  }

  get status(): number {
    return errorStatus[this.code];
  }

  toBody(): RpcErrorBody {
    return this.issues ? { code: this.code, message: this.message, issues: this.issues } : { code: this.code, message: this.message };
  }
}

export function notImplemented(method: string, feature: string): AppError {
  return new AppError('not_implemented', `${method} is not available yet: ${feature} is not built in this version.`);
}

/**
 * What ioredis and Redis say while a node is down, a failover is running or slots are moving.
 * "Too many Cluster redirections" is ioredis giving up after bouncing between MOVED answers of
 * nodes that disagree about the new owner, which is what a failover looks like from outside.
 */
const CLUSTER_UNAVAILABLE =
  /CLUSTERDOWN|TRYAGAIN|MASTERDOWN|LOADING|READONLY|NOREPLICAS|ECONNREFUSED|ECONNRESET|EPIPE|EHOSTUNREACH|Connection is closed|Stream isn't writeable|Cluster isn't ready|Too many Cluster redirections|None of startup nodes is available|Failed to refresh slots cache|MaxRetriesPerRequest/i;

/** Turns anything thrown into an AppError without losing a readable message. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (/^(MOVED|ASK|TRYAGAIN) /.test(message)) {
    return new AppError('cluster_unavailable', `The cluster is moving this key's slot (${message}); try again in a moment.`, { cause: err });
  }
  if (/^Command timed out/.test(message)) {
    // ioredis's commandTimeout: the node holding the key did not answer in time (frozen, or cut
    // off); the command may still run there, which the operation ids make harmless.
    return new AppError('cluster_unavailable', 'A Redis node did not answer in time (it may be frozen or cut off; the cluster fails it over after its node timeout); try again in a moment.', { cause: err });
  }
  if (CLUSTER_UNAVAILABLE.test(message)) {
    // A redirection loop names the slot the nodes disagree about; say which one.
    const slot = /\b(?:MOVED|ASK) (\d+) /.exec(message)?.[1];
    const what = slot === undefined ? 'this request' : `slot ${slot} (its nodes disagree about who owns it)`;
    return new AppError('cluster_unavailable', `The Redis Cluster cannot serve ${what} right now: ${message}`, { cause: err });
  }
  if (/timed? ?out/i.test(message)) {
    return new AppError('timeout', message, { cause: err });
  }
  return new AppError('internal', `Unexpected engine error: ${message}`, { cause: err });
}
