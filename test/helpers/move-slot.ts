/**
 * Moves the slot of a key from the master serving it to another one with raw SETSLOT + MIGRATE,
 * without telling the engine's cluster client: its slot table goes on naming the old owner until
 * a redirect corrects it. For tests of the scripts that read or write several posts of one
 * master (their fallback when a slot is no longer where the client thinks).
 */
import calculateSlot from 'cluster-key-slot';
import type { Cluster, Redis } from 'ioredis';
import type { Engine } from '../../src/main/core/engine';

export interface SlotMove {
  slot: number;
  /** The master that served the slot when the move was prepared, and the one it goes to. */
  owner: Redis;
  other: Redis;
  /** Moves the slot to `other` (or back to `owner` with back: true). */
  move(back?: boolean): Promise<void>;
}

/** `client`: the cluster client whose table and node connections the test looks at (the engine's first by default). */
export async function prepareSlotMove(engine: Engine, key: string, client: Cluster = engine.redis): Promise<SlotMove> {
  const slot = calculateSlot(key);
  const masters = client.nodes('master');
  const address = (m: Redis) => `${m.options.host}:${m.options.port}`;
  const owner = masters.find((m) => client.slots[slot]?.[0] === address(m));
  if (!owner) throw new Error(`no master of slot ${slot} in the client's table`);
  const other = masters.find((m) => m !== owner)!;
  const [ownerId, otherId] = await Promise.all([owner, other].map(async (m) => String(await m.call('CLUSTER', 'MYID'))));
  async function move(back = false) {
    const [from, fromId, to, toId] = back ? [other, otherId!, owner!, ownerId!] : [owner!, ownerId!, other, otherId!];
    await to.call('CLUSTER', 'SETSLOT', String(slot), 'IMPORTING', fromId);
    await from.call('CLUSTER', 'SETSLOT', String(slot), 'MIGRATING', toId);
    for (let n = 0; n < 100; n++) {
      const batch = (await from.call('CLUSTER', 'GETKEYSINSLOT', String(slot), '100')) as string[];
      if (batch.length === 0) break;
      await from.call('MIGRATE', String(to.options.host), String(to.options.port), '', '0', '5000', 'AUTH', engine.config.redis.password!, 'KEYS', ...batch);
    }
    for (const m of masters) await m.call('CLUSTER', 'SETSLOT', String(slot), 'NODE', toId);
  }
  return { slot, owner, other, move };
}
