import calculateSlot from 'cluster-key-slot';
import type { Cluster } from 'ioredis';

/**
 * R3: how many replicas have the writes made so far for `key`. WAIT blocks until the replicas
 * have every write sent earlier *on this connection*, so it must go to the connection the
 * cluster client used for the write: its pool entry for the owner of the key's slot.
 * Answers 0 when the client knows no owner (the slot is moving or unserved).
 */
export async function waitForReplica(redis: Cluster, key: string, timeoutMs: number): Promise<number> {
  const owner = redis.slots[calculateSlot(key)]?.[0];
  const node = redis.nodes('master').find((n) => `${n.options.host}:${n.options.port}` === owner);
  if (!node) return 0;
  return Number(await node.call('WAIT', '1', String(timeoutMs)));
}
