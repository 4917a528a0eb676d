import type { Cluster } from 'ioredis';

/** Empties every master of the shared test cluster (replicas follow), so a test starts from nothing. */
export async function flushCluster(redis: Cluster): Promise<void> {
  await Promise.all(redis.nodes('master').map((node) => node.flushall()));
}
