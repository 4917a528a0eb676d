import { AppError } from '../errors';

/** Credentials never reach logs, descriptions or error messages. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1***@');
}

/** The error a person sees when a system of record cannot be reached (R5). */
export function storeUnavailable(store: string, url: string, err: unknown): AppError {
  const reason = err instanceof Error ? err.message : String(err);
  return new AppError('store_unavailable', `${store} at ${redactUrl(url)} is unavailable: ${reason}`, { cause: err });
}

/**
 * Wraps every method of an adapter so that a connection failure in the middle of a run comes out
 * as the same store_unavailable error the first connect gives, not as a driver-specific class.
 * Other errors (bugs, bad input) pass through unchanged.
 */
export function guardOutages<T extends object>(target: T, isOutage: (err: unknown) => boolean, store: string, url: string): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value: unknown = Reflect.get(obj, prop, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(obj, args);
        } catch (err) {
          throw isOutage(err) ? storeUnavailable(store, url, err) : err;
        }
      };
    },
  });
}
