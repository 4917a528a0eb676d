/**
 * Error codes every layer agrees on. The renderer shows `message`; it may branch on `code`.
 * The HTTP status is what the web shell answers with (IPC carries the same code and message).
 */
export const errorStatus = {
  bad_request: 400,
  invalid_input: 400,
  invalid_username: 400,
  unauthorized: 401,
  /** A sign-in with a name or a password that is wrong: one answer for both, so names cannot be probed. */
  invalid_credentials: 401,
  forbidden: 403,
  not_found: 404,
  unknown_method: 404,
  method_not_allowed: 405,
  conflict: 409,
  /** A console command that writes (or is marked dangerous) was sent without confirm: true. */
  confirmation_required: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  /** Too soon after the last one (a failover cooldown, too many sign-in attempts); the message says when to try again. */
  rate_limited: 429,
  internal: 500,
  not_implemented: 501,
  cluster_unavailable: 503,
  store_unavailable: 503,
  timeout: 504,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export interface RpcErrorBody {
  code: ErrorCode;
  message: string;
  /** Field-level problems for invalid input: path and what is wrong. */
  issues?: { path: string; message: string }[];
}

/** One Redis command an RPC call caused, for the "what happened in Redis" drawer. */
export interface RedisTraceEntry {
  command: string;
  /** First key argument, or null for keyless commands (WAIT, CLUSTER ...). */
  key: string | null;
  slot: number | null;
  /** host:port of the node that answered. */
  node: string;
  ms: number;
  error?: string;
}

export interface CallTrace {
  method: string;
  ms: number;
  redis: RedisTraceEntry[];
  /** More commands ran than are listed. */
  truncated: number;
}

export type RpcResponse<T> = { ok: true; data: T; trace?: CallTrace } | { ok: false; error: RpcErrorBody; trace?: CallTrace };

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(errorStatus, value);
}
