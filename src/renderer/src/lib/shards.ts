/** How the cluster splits into shards (a master with its replicas), and replication lag between them. */
import type { ClusterNodeInfo, NodeMetrics, SlotRange, Topology } from '../../../shared/types';

export const SLOTS = 16384;
const SHARD_COLORS = ['#e4572e', '#17bebb', '#e0a800', '#76b041', '#7e52a0', '#2e86ab'];
export const UNOWNED_COLOR = '#98a2b3';

export const rangeText = (r: SlotRange) => (r.start === r.end ? `${r.start}` : `${r.start}-${r.end}`);
export const slotTotal = (ranges: SlotRange[]) => ranges.reduce((n, r) => n + r.end - r.start + 1, 0);

export interface Shard {
  master: ClusterNodeInfo;
  replicas: ClusterNodeInfo[];
  color: string;
}

/**
 * Masters ordered by their first slot, each with its replicas. The colour follows the slot
 * range, not the node: after a failover the promoted replica keeps its shard's colour.
 */
export function shardsOf(topology: Topology): Shard[] {
  const masters = topology.nodes
    .filter((n) => n.role === 'master')
    .sort((a, b) => (a.slots[0]?.start ?? SLOTS) - (b.slots[0]?.start ?? SLOTS) || a.port - b.port);
  return masters.map((master, i) => ({
    master,
    replicas: topology.nodes.filter((n) => n.role === 'replica' && n.masterId === master.id),
    color: SHARD_COLORS[i % SHARD_COLORS.length] as string,
  }));
}

/** Replicas whose master is not in the topology (yet): shown apart so no node is hidden. */
export function orphansOf(topology: Topology): ClusterNodeInfo[] {
  const masters = new Set(topology.nodes.filter((n) => n.role === 'master').map((n) => n.id));
  return topology.nodes.filter((n) => n.role === 'replica' && (!n.masterId || !masters.has(n.masterId)));
}

/** node id -> shard colour, for charts that draw one line per node. */
export function colorByNode(topology: Topology | null): Record<string, string> {
  const colors: Record<string, string> = {};
  if (!topology) return colors;
  for (const s of shardsOf(topology)) {
    colors[s.master.id] = s.color;
    for (const r of s.replicas) colors[r.id] = s.color;
  }
  return colors;
}

/** The master that serves a slot, as the topology says. */
export function ownerOf(topology: Topology, slot: number): ClusterNodeInfo | null {
  return topology.nodes.find((n) => n.role === 'master' && n.slots.some((r) => r.start <= slot && slot <= r.end)) ?? null;
}

export interface Replication {
  offset: number | null;
  /** Bytes the replica is behind its master (master offset - replica offset); null when unknown. */
  lag: number | null;
  link: 'up' | 'down' | null;
}

/** Offsets come from INFO (cluster.metrics); the pairing of replica and master from the topology. */
export function replicationOf(node: ClusterNodeInfo, metrics: Record<string, NodeMetrics>): Replication {
  const mine = metrics[node.id];
  const offset = mine?.reachable ? mine.replicationOffset : null;
  if (node.role !== 'replica' || !node.masterId) return { offset, lag: null, link: null };
  const master = metrics[node.masterId];
  const lag = offset !== null && master?.reachable ? Math.max(0, master.replicationOffset - offset) : null;
  return { offset, lag, link: mine?.masterLinkStatus ?? null };
}
