import calculateSlot from 'cluster-key-slot';
import type { Cluster, Redis } from 'ioredis';
import { TickBatch } from '../tick-batch';

/**
 * Slots being resharded, per cluster client: slot -> the two ends (host:port). A write to an open
 * slot runs on the source, or on the target after an ASK, which the client does not remember for
 * the next command; its WAIT must reach the node that took it (a WAIT on the source alone would
 * count the source's replicas for a write they never saw).
 */
const openSlots = new WeakMap<Cluster, Map<number, string[]>>();

export function markSlotOpen(redis: Cluster, slot: number, ends: string[]): void {
  let open = openSlots.get(redis);
  if (!open) openSlots.set(redis, (open = new Map()));
  open.set(slot, ends);
}

export function markSlotClosed(redis: Cluster, slot: number): void {
  openSlots.get(redis)?.delete(slot);
}

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
 * Answers 0 when the client knows no owner (unserved). For a slot marked open (markSlotOpen),
 * the WAIT goes to both ends.
 */
export function waitForReplica(redis: Cluster, key: string, timeoutMs: number): Promise<number> {
  const slot = calculateSlot(key);
  const ends = openSlots.get(redis)?.get(slot);
  if (ends) {
    // The slot is moving: the write may have gone to either end (ASK). WAIT on both; the least
    // of the two is what is known to be on a replica.
    return Promise.all(ends.map((address) => waitOn(redis, address, timeoutMs))).then((counts) => Math.min(...counts));
  }
  return waitOn(redis, redis.slots[slot]?.[0], timeoutMs);
}

function waitOn(redis: Cluster, address: string | undefined, timeoutMs: number): Promise<number> {
  const node = address === undefined ? undefined : redis.nodes('master').find((n) => `${n.options.host}:${n.options.port}` === address);
  if (!node) return Promise.resolve(0);
  let batch = waits.get(node);
  if (!batch) {
    // The longest timeout asked for in the batch: nobody gets less patience than they wanted.
    batch = new TickBatch(async (timeouts) => Number(await node.call('WAIT', '1', String(Math.max(...timeouts)))));
    waits.set(node, batch);
  }
  return batch.add(timeoutMs);
}
