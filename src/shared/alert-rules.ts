/**
 * The O2 alert rules as numbers and as the sentence an operator reads next to the figure (the
 * Alerts table, the chart threshold lines), so the two can never say different things.
 */
export const ALERT_THRESHOLDS = {
  memoryRatio: 0.8,
  fragmentation: 1.5,
  hitRate: 0.5,
  /**
   * Below these, the ratio rules measure noise: an idle node's fragmentation ratio is huge
   * because the allocator's baseline dwarfs a few KB of data (Redis's own MEMORY DOCTOR skips
   * fragmentation under 5 MB for the same reason), and a hit rate over a handful of lookups
   * says nothing.
   */
  fragmentationMinUsedBytes: 5 * 1024 * 1024,
  hitRateMinLookups: 100,
  /** The hit rate is taken over the lookups of this window, not since the node started. */
  hitRateWindowMs: 60_000,
  /** A replica this many bytes behind its master, with its link up, is lagging. */
  replicationLagBytes: 1024 * 1024,
} as const;

export type AlertThresholds = typeof ALERT_THRESHOLDS;

const mb = (bytes: number) => `${Math.round(bytes / (1024 * 1024))} MB`;

/** What each rule fires on, in words. */
export function ruleText(rule: string, t: AlertThresholds = ALERT_THRESHOLDS): string {
  switch (rule) {
    case 'memory_high':
      return `used_memory above ${t.memoryRatio * 100}% of maxmemory (critical above 95%)`;
    case 'fragmentation_high':
      return `mem_fragmentation_ratio above ${t.fragmentation}, once used_memory is at least ${mb(t.fragmentationMinUsedBytes)}`;
    case 'hit_rate_low':
      return `hit rate below ${t.hitRate * 100}% over the last ${t.hitRateWindowMs / 1000} s, once it saw at least ${t.hitRateMinLookups} lookups`;
    case 'replication_lag_high':
      return `a replica more than ${mb(t.replicationLagBytes)} behind its master's replication offset`;
    case 'replica_link_down':
      return 'a replica whose master_link_status is down';
    case 'cluster_state':
      return 'cluster_state other than ok';
    case 'node_unreachable':
      return 'a node that does not answer INFO';
    case 'shard_without_replica':
      return 'a master with slots and no healthy replica';
    default:
      return rule;
  }
}
