/**
 * The C1 layout: 3 masters with contiguous slot ranges and one replica each, replica port =
 * master port + 3. Kept apart from the launcher so the arithmetic is tested on its own.
 */
import type { SlotRange } from '../../../shared/types';

export const SLOT_COUNT = 16384;
export const MASTER_COUNT = 3;
export const NODE_COUNT = MASTER_COUNT * 2;
/** Redis listens for the cluster bus on port + 10000. */
export const BUS_PORT_OFFSET = 10000;

export interface PlannedMaster {
  port: number;
  slots: SlotRange;
}

export interface PlannedReplica {
  port: number;
  masterPort: number;
}

export interface ClusterPlan {
  host: string;
  masters: PlannedMaster[];
  replicas: PlannedReplica[];
  ports: number[];
}

/** Splits 16384 slots the way `redis-cli --cluster create` does: 0-5460, 5461-10922, 10923-16383. */
export function slotRanges(masters = MASTER_COUNT): SlotRange[] {
  const starts = Array.from({ length: masters + 1 }, (_, i) => Math.round((i * SLOT_COUNT) / masters));
  return starts.slice(0, masters).map((start, i) => ({ start, end: (starts[i + 1] as number) - 1 }));
}

export function planCluster(portBase: number, host = '127.0.0.1'): ClusterPlan {
  const masters = slotRanges().map((slots, i) => ({ port: portBase + i, slots }));
  const replicas = masters.map((m) => ({ port: m.port + MASTER_COUNT, masterPort: m.port }));
  return { host, masters, replicas, ports: [...masters.map((m) => m.port), ...replicas.map((r) => r.port)] };
}

export function formatRanges(ranges: SlotRange[]): string {
  return ranges.map((r) => (r.start === r.end ? `${r.start}` : `${r.start}-${r.end}`)).join(',');
}
