import calculateSlot from 'cluster-key-slot';
import type { Cluster, Redis } from 'ioredis';
import { TickBatch } from '../tick-batch';

/** The next WAIT per connection, shared by every caller that joins before it is sent. */
const waits = new WeakMap<Redis, TickBatch<number, number>>();

/**
 * R3: how many replicas have the writes made so far for `key`. WAIT blocks until the replicas
 * have every write sent earlier *on this connection*, so it must go to the connection the
 * cluster client used for the write: its pool entry for the owner of the key's slot.
 *
 * Group commit: a caller's write has completed before it asks, so one WAIT sent after it covers
 * it, and every other write completed on that connection by then. Callers that arrive in the same
 * turn of the event loop share one WAIT instead of queueing one each behind the other (a WAIT
 * blocks its connection until the replica answers).
 *
 * Answers 0 when the client knows no owner (the slot is moving or unserved).
 */
export function waitForReplica(redis: Cluster, key: string, timeoutMs: number): Promise<number> {
  const owner = redis.slots[calculateSlot(key)]?.[0];
  const node = redis.nodes('master').find((n) => `${n.options.host}:${n.options.port}` === owner);
  if (!node) return Promise.resolve(0);
  let batch = waits.get(node);
  if (!batch) {
    // The longest timeout asked for in the batch: nobody gets less patience than they wanted.
    batch = new TickBatch(async (timeouts) => Number(await node.call('WAIT', '1', String(Math.max(...timeouts)))));
    waits.set(node, batch);
  }
  return batch.add(timeoutMs);
}
