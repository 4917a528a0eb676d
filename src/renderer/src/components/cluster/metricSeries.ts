/** What the Metrics panel charts (O1), and how each value reads. */
import type { ClusterMetrics, NodeMetrics } from '../../../../shared/types';
import { bytes, count } from '../../lib/format';

export interface MetricDef {
  id: string;
  title: string;
  pick(n: NodeMetrics): number | null;
  format(v: number): string;
  domain?: [number, number];
  /** Said over the chart while no node has a value yet. */
  empty?: string;
  /** An O2 threshold worth drawing, when it applies to every node alike. */
  threshold?(latest: ClusterMetrics): { y: number; label: string } | null;
}

/** maxmemory is one setting for the whole cluster here; with differing values no single line is drawn. */
function sharedMaxmemory(latest: ClusterMetrics): number {
  const values = new Set(latest.nodes.filter((n) => n.reachable).map((n) => n.maxmemory));
  return values.size === 1 ? ([...values][0] ?? 0) : 0;
}

export const METRICS: MetricDef[] = [
  { id: 'ops', title: 'Operations per second', pick: (n) => n.opsPerSec, format: count },
  {
    id: 'memory',
    title: 'Memory used',
    pick: (n) => n.usedMemory,
    format: bytes,
    threshold: (latest) => {
      const max = sharedMaxmemory(latest);
      return max > 0 ? { y: max * 0.8, label: `80% of maxmemory ${bytes(max)}` } : null;
    },
  },
  { id: 'fragmentation', title: 'Fragmentation ratio', pick: (n) => n.memFragmentationRatio, format: (v) => v.toFixed(2), threshold: () => ({ y: 1.5, label: 'alert above 1.5' }) },
  { id: 'hit-rate', title: 'Hit rate', pick: (n) => (n.hitRate === null ? null : n.hitRate * 100), format: (v) => `${v.toFixed(0)}%`, domain: [0, 100], empty: 'No lookups yet: a hit rate needs keyspace hits or misses.', threshold: () => ({ y: 50, label: 'alert below 50%' }) },
  { id: 'clients', title: 'Connected clients', pick: (n) => n.connectedClients, format: count },
];

export type MetricRow = { at: number } & Record<string, number | null>;

/** One row per sample, one column per node id (ids, not addresses: a dot in a dataKey is a path). */
export function rowsFor(samples: ClusterMetrics[], metric: MetricDef): MetricRow[] {
  return samples.map((s) => {
    const row: MetricRow = { at: s.at };
    for (const n of s.nodes) row[n.id] = n.reachable ? metric.pick(n) : null;
    return row;
  });
}

export function maxmemoryText(latest: ClusterMetrics): string {
  const max = sharedMaxmemory(latest);
  return max > 0 ? `maxmemory ${bytes(max)} per node` : 'no maxmemory limit';
}
