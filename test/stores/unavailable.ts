import { expect } from 'vitest';
import { AppError } from '../../src/main/core/errors';

/** Asserts the error a person would see when a store is down: the code, the store and where. */
export async function expectStoreUnavailable(pending: Promise<unknown>, store: string, shownUrl: string): Promise<void> {
  const failure = await pending.then(
    () => new Error('expected the store to be unavailable, but the call succeeded'),
    (err: unknown) => err,
  );
  expect(failure).toBeInstanceOf(AppError);
  expect((failure as AppError).code).toBe('store_unavailable');
  expect((failure as AppError).message).toContain(`${store} at ${shownUrl}`);
  expect((failure as AppError).message).not.toContain('secret');
}
