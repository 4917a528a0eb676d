import type { ReadableError } from '../api/errors';

/** The life of anything loaded from the engine; `error` is set only in the 'error' state. */
export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface Loadable<T> {
  data: T;
  status: LoadStatus;
  error: ReadableError | null;
}

export function idle<T>(data: T): Loadable<T> {
  return { data, status: 'idle', error: null };
}
