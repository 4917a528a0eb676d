import calculateSlot from 'cluster-key-slot';
import type { KeySlotInfo, Topology } from '../../../shared/types';

/**
 * The hash tag Redis uses for a key: the text between the first `{` and the first `}` after it,
 * when that text is not empty. Otherwise the whole key is hashed.
 */
export function hashTagOf(key: string): string | null {
  const open = key.indexOf('{');
  if (open < 0) return null;
  const close = key.indexOf('}', open + 1);
  if (close < 0 || close === open + 1) return null;
  return key.slice(open + 1, close);
}

/** Slot (CRC16 via cluster-key-slot, the library ioredis itself uses) and who serves it. */
export function keySlotInfo(key: string, topology: Topology): KeySlotInfo {
  const slot = calculateSlot(key);
  const master = topology.nodes.find(
    (n) => n.role === 'master' && n.health !== 'fail' && n.slots.some((r) => r.start <= slot && slot <= r.end),
  );
  const replicas = master ? topology.nodes.filter((n) => n.role === 'replica' && n.masterId === master.id) : [];
  return {
    key,
    hashTag: hashTagOf(key),
    slot,
    master: master ? { id: master.id, address: master.address } : null,
    replicas: replicas.map((r) => ({ id: r.id, address: r.address })),
  };
}
