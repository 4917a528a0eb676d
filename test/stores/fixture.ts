import { afterEach, beforeEach } from 'vitest';

export interface StoreUnderTest<S> {
  store: S;
  cleanup(): Promise<void>;
}

/** Returns a fresh, empty store on which init() has already run. */
export type StoreFactory<S> = () => Promise<StoreUnderTest<S>>;

/** A fresh store per test, cleaned up after it even when the test fails. */
export function useFreshStore<S>(factory: StoreFactory<S>): () => S {
  let current: StoreUnderTest<S> | undefined;
  beforeEach(async () => {
    current = await factory();
  });
  afterEach(async () => {
    await current?.cleanup();
    current = undefined;
  });
  return () => {
    if (!current) throw new Error('the store factory has not run for this test');
    return current.store;
  };
}

/** Usernames the app accepts (USERNAME_PATTERN) that a naive store might mangle or mis-order. */
export const unusualUsernames = ['a.b-c_d', 'A-1', 'a_b', 'a.b', 'a-b', 'Z.z', '0_0'];

/** Code-point order, the order every adapter promises for usernames. */
export function codePointSorted(values: string[]): string[] {
  return [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
