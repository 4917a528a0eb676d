/** O1 metrics per node from INFO, and the O2 alert rules over them (pure, tested alone). */
import type { Alert, ClusterMetrics, ClusterNodeInfo, NodeMetrics, Topology } from '../../../shared/types';
import { ALERT_THRESHOLDS, ruleText, type AlertThresholds } from '../../../shared/alert-rules';
import { parseInfo } from './nodes-parser';

/** hits / (hits + misses); null before any lookup. */
const rateOf = (hits: number, misses: number): number | null => (hits + misses > 0 ? hits / (hits + misses) : null);

const num = (value: string | undefined): number => {
  const n = Number(value);
  return Number.isFinite(n) ? n : 0;
};

/** Builds one node's metrics from the text of a plain `INFO` (memory, stats, clients, replication, keyspace). */
export function nodeMetricsFromInfo(node: Pick<ClusterNodeInfo, 'id' | 'address' | 'role'>, infoText: string): NodeMetrics {
  const info = parseInfo(infoText);
  const hits = num(info.keyspace_hits);
  const misses = num(info.keyspace_misses);
  const keys = /keys=(\d+)/.exec(info.db0 ?? '');
  const link = info.master_link_status;
  return {
    id: node.id,
    address: node.address,
    role: node.role,
    reachable: true,
    usedMemory: num(info.used_memory),
    usedMemoryHuman: info.used_memory_human ?? '',
    maxmemory: num(info.maxmemory),
    maxmemoryHuman: info.maxmemory_human ?? '',
    maxmemoryPolicy: info.maxmemory_policy ?? '',
    memFragmentationRatio: num(info.mem_fragmentation_ratio),
    totalCommandsProcessed: num(info.total_commands_processed),
    opsPerSec: num(info.instantaneous_ops_per_sec),
    keyspaceHits: hits,
    keyspaceMisses: misses,
    hitRate: rateOf(hits, misses),
    connectedClients: num(info.connected_clients),
    keys: keys ? Number(keys[1]) : 0,
    masterLinkStatus: link === 'up' || link === 'down' ? link : null,
    replicationOffset: num(node.role === 'replica' ? (info.slave_repl_offset ?? info.master_repl_offset) : info.master_repl_offset),
    replicationLagBytes: null,
    recentLookups: hits + misses,
    recentHitRate: rateOf(hits, misses),
  };
}

/** Each replica's lag: its master's replication offset less its own (masters and orphans: null). */
export function withReplicationLag(nodes: NodeMetrics[], topology: Pick<Topology, 'nodes'>): NodeMetrics[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  return nodes.map((n) => {
    if (n.role !== 'replica' || !n.reachable) return n;
    const masterId = topology.nodes.find((t) => t.id === n.id)?.masterId;
    const master = masterId ? byId.get(masterId) : undefined;
    if (!master?.reachable) return n;
    return { ...n, replicationLagBytes: Math.max(0, master.replicationOffset - n.replicationOffset) };
  });
}

/** One node's lookup counters at one time, for the windowed hit rate. */
export interface LookupSample {
  at: number;
  hits: number;
  misses: number;
}

/**
 * The hit rate over the window: the counters now less the oldest sample still inside it. A node
 * whose counters went down (restarted, CONFIG RESETSTAT) counts from zero.
 */
export function windowedHitRate(now: LookupSample, history: LookupSample[], windowMs: number): { lookups: number; hitRate: number | null } {
  const base = history.find((s) => now.at - s.at <= windowMs && s.at < now.at);
  const reset = !base || now.hits < base.hits || now.misses < base.misses;
  const hits = reset ? now.hits : now.hits - base.hits;
  const misses = reset ? now.misses : now.misses - base.misses;
  return { lookups: hits + misses, hitRate: rateOf(hits, misses) };
}

export function unreachableNode(node: Pick<ClusterNodeInfo, 'id' | 'address' | 'role'>, error: string): NodeMetrics {
  return {
    ...nodeMetricsFromInfo(node, ''),
    reachable: false,
    error,
  };
}

export { ALERT_THRESHOLDS };

const pct = (x: number) => `${(x * 100).toFixed(0)}%`;

/**
 * O2: used_memory > 80% of maxmemory; fragmentation > 1.5 past a floor of used memory; hit rate
 * < 50% over the window's lookups, past a floor of them; cluster_state != ok; a replica link down
 * or a replica lagging. Each alert carries its rule in words (ruleText).
 */
export function evaluateAlerts(metrics: ClusterMetrics, t: AlertThresholds = ALERT_THRESHOLDS): Alert[] {
  const at = metrics.at;
  const alerts: Omit<Alert, 'ruleText'>[] = [];
  if (metrics.clusterState !== 'ok') {
    alerts.push({
      rule: 'cluster_state', severity: 'critical', node: null, at,
      message: `cluster_state is ${metrics.clusterState}: some slots have no reachable master`,
      value: metrics.clusterState, threshold: 'ok',
    });
  }
  for (const n of metrics.nodes) {
    if (!n.reachable) {
      alerts.push({
        rule: 'node_unreachable', severity: 'critical', node: n.address, at,
        message: `Redis node ${n.address} (${n.role}) does not answer: ${n.error ?? 'unreachable'}`,
        value: 'down', threshold: 'up',
      });
      continue;
    }
    if (n.maxmemory > 0 && n.usedMemory / n.maxmemory > t.memoryRatio) {
      const ratio = n.usedMemory / n.maxmemory;
      alerts.push({
        rule: 'memory_high', severity: ratio > 0.95 ? 'critical' : 'warning', node: n.address, at,
        message: `${n.address} uses ${n.usedMemoryHuman} of ${n.maxmemoryHuman} (${pct(ratio)}); ${n.maxmemoryPolicy} eviction is near`,
        value: Number(ratio.toFixed(3)), threshold: t.memoryRatio,
      });
    }
    if (n.usedMemory >= t.fragmentationMinUsedBytes && n.memFragmentationRatio > t.fragmentation) {
      alerts.push({
        rule: 'fragmentation_high', severity: 'warning', node: n.address, at,
        message: `${n.address} memory fragmentation ratio is ${n.memFragmentationRatio.toFixed(2)}`,
        value: n.memFragmentationRatio, threshold: t.fragmentation,
      });
    }
    if (n.recentHitRate !== null && n.recentLookups >= t.hitRateMinLookups && n.recentHitRate < t.hitRate) {
      alerts.push({
        rule: 'hit_rate_low', severity: 'warning', node: n.address, at,
        message: `${n.address} cache hit rate is ${pct(n.recentHitRate)} over its last ${n.recentLookups} lookups`,
        value: Number(n.recentHitRate.toFixed(3)), threshold: t.hitRate,
      });
    }
    if (n.role === 'replica' && n.masterLinkStatus === 'up' && n.replicationLagBytes !== null && n.replicationLagBytes > t.replicationLagBytes) {
      alerts.push({
        rule: 'replication_lag_high', severity: 'warning', node: n.address, at,
        message: `replica ${n.address} is ${(n.replicationLagBytes / 1024).toFixed(0)} KB behind its master`,
        value: n.replicationLagBytes, threshold: t.replicationLagBytes,
      });
    }
    if (n.role === 'replica' && n.masterLinkStatus === 'down') {
      alerts.push({
        rule: 'replica_link_down', severity: 'critical', node: n.address, at,
        message: `replica ${n.address} has lost its link to its master (master_link_status:down)`,
        value: 'down', threshold: 'up',
      });
    }
  }
  return alerts.map((a) => ({ ...a, ruleText: ruleText(a.rule, t) }));
}

const rangesText = (slots: { start: number; end: number }[]) => slots.map((r) => (r.start === r.end ? `${r.start}` : `${r.start}-${r.end}`)).join(',');

/**
 * A shard (a master with slots) with no replica able to take over: its next crash loses its
 * slots until the node is back, and its writes cannot be acknowledged by a replica (R3). The
 * reason names what the supervisor knows (a restart that failed, a node that does not answer).
 */
export function shardAlerts(topology: Topology, at: number): Alert[] {
  const alerts: Omit<Alert, 'ruleText'>[] = [];
  const healthy = (n: ClusterNodeInfo) => n.health === 'ok' && n.linkState === 'connected' && n.process === undefined;
  for (const master of topology.nodes) {
    if (master.role !== 'master' || master.slots.length === 0) continue;
    const replicas = topology.nodes.filter((n) => n.role === 'replica' && n.masterId === master.id);
    if (replicas.some(healthy)) continue;
    // A dead master that the supervisor restarts comes back as this shard's replica: it is not
    // listed as one yet, so the notes of nodes without slots tell what is under way.
    const troubled = replicas.length > 0 ? replicas : topology.nodes.filter((n) => n.id !== master.id && n.slots.length === 0 && !healthy(n));
    const reason = troubled.length > 0
      ? troubled.map((n) => (n.process ? `${n.address} ${n.process.state}: ${n.process.detail}` : `${n.address} is ${n.health === 'ok' ? `link ${n.linkState}` : n.health}`)).join('; ')
      : 'no replica is configured';
    alerts.push({
      rule: 'shard_without_replica', severity: 'critical', node: master.address, at,
      message: `shard ${rangesText(master.slots)} has no replica: ${reason}`,
      value: 0, threshold: 1,
    });
  }
  return alerts.map((a) => ({ ...a, ruleText: ruleText(a.rule) }));
}
