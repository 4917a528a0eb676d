/**
 * One contract for every adapter of the two ports (S1). Each adapter's test file supplies a
 * factory that returns a fresh, empty, initialised store and a cleanup; the behaviour asserted
 * here is what the cache layer and the sync engine rely on, whichever store is configured.
 */
export { describeDocumentStoreContract } from './document-store-contract';
export { describeGraphStoreContract } from './graph-store-contract';
export type { StoreFactory, StoreUnderTest } from './fixture';
