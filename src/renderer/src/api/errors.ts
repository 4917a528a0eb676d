/** Turns whatever a call threw into something a person can read: a short title and the engine's own words. */
import type { ErrorCode } from '../../../shared/errors';
import { RpcError } from './client';

export interface ReadableError {
  code: ErrorCode | null;
  title: string;
  detail: string;
}

const TITLES: Partial<Record<ErrorCode, string>> = {
  cluster_unavailable: 'The Redis cluster is not answering',
  store_unavailable: 'The database behind Red K is not reachable',
  timeout: 'The engine took too long to answer',
  invalid_username: 'That username cannot be used',
  invalid_input: 'Please check what you typed',
  bad_request: 'The engine could not read that request',
  not_found: 'Not found',
  conflict: 'Already taken',
  unauthorized: 'Please sign in',
  invalid_credentials: 'Wrong username or password',
  rate_limited: 'Too many tries: wait a moment',
  forbidden: 'This window is not allowed to do that',
  payload_too_large: 'That is too long to send',
  internal: 'Something went wrong inside the engine',
  not_implemented: 'The engine cannot do that yet',
  confirmation_required: 'This needs your confirmation',
};

export function readable(err: unknown): ReadableError {
  if (err instanceof RpcError) return { code: err.code, title: TITLES[err.code] ?? 'The engine refused', detail: err.message };
  const detail = err instanceof Error ? err.message : String(err);
  return { code: null, title: 'Something went wrong', detail };
}
