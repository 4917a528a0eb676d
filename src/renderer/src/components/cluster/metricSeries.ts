/** What the Metrics panel charts (O1), and how each value reads. */
import { ALERT_THRESHOLDS, ruleText } from '../../../../shared/alert-rules';
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
  /** The O2 rule this figure feeds, in words (shown under the title). */
  rule?: string;
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
      return max > 0 ? { y: max * ALERT_THRESHOLDS.memoryRatio, label: `${ALERT_THRESHOLDS.memoryRatio * 100}% of maxmemory ${bytes(max)}` } : null;
    },
    rule: ruleText('memory_high'),
  },
  {
    id: 'fragmentation',
    title: 'Fragmentation ratio',
    pick: (n) => n.memFragmentationRatio,
    format: (v) => v.toFixed(2),
    rule: ruleText('fragmentation_high'),
    threshold: () => ({ y: ALERT_THRESHOLDS.fragmentation, label: `alert above ${ALERT_THRESHOLDS.fragmentation} (with ≥ ${bytes(ALERT_THRESHOLDS.fragmentationMinUsedBytes)} used)` }),
  },
  {
    id: 'hit-rate',
    title: `Hit rate (last ${ALERT_THRESHOLDS.hitRateWindowMs / 1000} s)`,
    pick: (n) => (n.recentHitRate === null ? null : n.recentHitRate * 100),
    format: (v) => `${v.toFixed(0)}%`,
    domain: [0, 100],
    empty: 'No lookups in the window yet: a hit rate needs keyspace hits or misses.',
    rule: ruleText('hit_rate_low'),
    threshold: () => ({ y: ALERT_THRESHOLDS.hitRate * 100, label: `alert below ${ALERT_THRESHOLDS.hitRate * 100}% (with ≥ ${ALERT_THRESHOLDS.hitRateMinLookups} lookups)` }),
  },
  {
    id: 'repl-lag',
    title: 'Replication lag (replicas)',
    pick: (n) => (n.role === 'replica' ? n.replicationLagBytes : null),
    format: bytes,
    empty: 'No replica reports its offset yet.',
    rule: ruleText('replication_lag_high'),
    threshold: () => ({ y: ALERT_THRESHOLDS.replicationLagBytes, label: `alert above ${bytes(ALERT_THRESHOLDS.replicationLagBytes)}` }),
  },
  {
    id: 'repl-link',
    title: 'Replica link (1 up, 0 down)',
    pick: (n) => (n.role === 'replica' && n.masterLinkStatus !== null ? (n.masterLinkStatus === 'up' ? 1 : 0) : null),
    format: (v) => (v >= 0.5 ? 'up' : 'down'),
    domain: [0, 1],
    empty: 'No replica reports its link yet.',
    rule: ruleText('replica_link_down'),
  },
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
