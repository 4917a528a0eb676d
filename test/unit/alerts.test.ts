import { describe, expect, it } from 'vitest';
import { evaluateAlerts, nodeMetricsFromInfo, shardAlerts, unreachableNode, windowedHitRate, withReplicationLag } from '../../src/main/core/cluster/metrics';
import type { ClusterMetrics, ClusterNodeInfo, NodeMetrics, Topology } from '../../src/shared/types';

const MB = 1024 * 1024;
const node = (over: Partial<NodeMetrics> = {}): NodeMetrics => ({
  ...nodeMetricsFromInfo({ id: 'n1', address: '127.0.0.1:7000', role: 'master' }, ''),
  usedMemory: 10 * MB, usedMemoryHuman: '10M', maxmemory: 100 * MB, maxmemoryHuman: '100M', memFragmentationRatio: 1.1,
  ...over,
});
const metrics = (nodes: NodeMetrics[], clusterState: ClusterMetrics['clusterState'] = 'ok'): ClusterMetrics => ({ at: 1, clusterState, slotsAssigned: 16384, knownNodes: 6, nodes });
const rules = (m: ClusterMetrics) => evaluateAlerts(m).map((a) => a.rule);

describe('O2 alert rules', () => {
  it('a healthy cluster raises nothing', () => {
    expect(evaluateAlerts(metrics([node()]))).toEqual([]);
  });

  it('used memory over 80% of maxmemory warns, over 95% is critical', () => {
    expect(rules(metrics([node({ usedMemory: 81 * MB })]))).toEqual(['memory_high']);
    expect(evaluateAlerts(metrics([node({ usedMemory: 96 * MB })]))[0]!.severity).toBe('critical');
    expect(rules(metrics([node({ usedMemory: 81 * MB, maxmemory: 0 })]))).toEqual([]);
  });

  it('fragmentation over 1.5 warns once the node holds real data', () => {
    expect(rules(metrics([node({ memFragmentationRatio: 1.8 })]))).toEqual(['fragmentation_high']);
    expect(rules(metrics([node({ memFragmentationRatio: 4, usedMemory: 2 * MB })]))).toEqual([]);
  });

  it('hit rate under 50% warns after enough lookups in the window', () => {
    expect(rules(metrics([node({ recentLookups: 100, recentHitRate: 0.4 })]))).toEqual(['hit_rate_low']);
    expect(rules(metrics([node({ recentLookups: 10, recentHitRate: 0.4 })]))).toEqual([]);
    // A long history of misses no longer counts once the window's lookups hit.
    expect(rules(metrics([node({ keyspaceHits: 40, keyspaceMisses: 6000, hitRate: 0.01, recentLookups: 500, recentHitRate: 0.9 })]))).toEqual([]);
  });

  it('the windowed hit rate counts only the lookups since the oldest sample in the window', () => {
    const history = [{ at: 0, hits: 10, misses: 990 }, { at: 30_000, hits: 60, misses: 1000 }];
    expect(windowedHitRate({ at: 50_000, hits: 110, misses: 1000 }, history, 60_000)).toEqual({ lookups: 110, hitRate: 100 / 110 });
    // Past the window the oldest sample is left out; counters that went down start again at zero.
    expect(windowedHitRate({ at: 80_000, hits: 110, misses: 1000 }, history, 60_000)).toEqual({ lookups: 50, hitRate: 1 });
    expect(windowedHitRate({ at: 50_000, hits: 3, misses: 1 }, history, 60_000)).toEqual({ lookups: 4, hitRate: 0.75 });
    expect(windowedHitRate({ at: 50_000, hits: 0, misses: 0 }, [], 60_000)).toEqual({ lookups: 0, hitRate: null });
  });

  it('a replica is as far behind as its master offset is ahead; over 1 MB with the link up warns', () => {
    const master = node({ id: 'm', address: '127.0.0.1:7000', replicationOffset: 5_000_000 });
    const replica = node({ id: 'r', address: '127.0.0.1:7003', role: 'replica', masterLinkStatus: 'up', replicationOffset: 3_000_000 });
    const topology = { nodes: [{ id: 'm', masterId: null }, { id: 'r', masterId: 'm' }] as ClusterNodeInfo[] };
    const lagged = withReplicationLag([master, replica], topology);
    expect(lagged.map((n) => n.replicationLagBytes)).toEqual([null, 2_000_000]);
    expect(rules(metrics(lagged))).toEqual(['replication_lag_high']);
    expect(rules(metrics(withReplicationLag([master, { ...replica, replicationOffset: 4_900_000 }], topology)))).toEqual([]);
    // An orphan (its master unknown) has no lag to show.
    expect(withReplicationLag([replica], topology)[0]!.replicationLagBytes).toBeNull();
  });

  it('every alert says its rule in words, with its floors', () => {
    const [frag] = evaluateAlerts(metrics([node({ memFragmentationRatio: 1.8 })]));
    expect(frag!.ruleText).toBe('mem_fragmentation_ratio above 1.5, once used_memory is at least 5 MB');
    const [hit] = evaluateAlerts(metrics([node({ recentLookups: 100, recentHitRate: 0.1 })]));
    expect(hit!.ruleText).toMatch(/below 50% over the last 60 s, once it saw at least 100 lookups/);
  });

  it('cluster_state other than ok, a replica link down and an unreachable node are critical', () => {
    const alerts = evaluateAlerts(
      metrics(
        [node({ role: 'replica', masterLinkStatus: 'down' }), unreachableNode({ id: 'n2', address: '127.0.0.1:7001', role: 'master' }, 'ECONNREFUSED')],
        'fail',
      ),
    );
    expect(alerts.map((a) => [a.rule, a.severity, a.node])).toEqual([
      ['cluster_state', 'critical', null],
      ['replica_link_down', 'critical', '127.0.0.1:7000'],
      ['node_unreachable', 'critical', '127.0.0.1:7001'],
    ]);
  });

  it('reads INFO into metrics with the hit rate formula hits / (hits + misses)', () => {
    const m = nodeMetricsFromInfo(
      { id: 'x', address: 'h:1', role: 'replica' },
      'used_memory:2048\r\nmaxmemory:4096\r\nkeyspace_hits:3\r\nkeyspace_misses:1\r\nmaster_link_status:up\r\ndb0:keys=12,expires=3,avg_ttl=0\r\ninstantaneous_ops_per_sec:7\r\n',
    );
    expect(m).toMatchObject({ usedMemory: 2048, maxmemory: 4096, hitRate: 0.75, masterLinkStatus: 'up', keys: 12, opsPerSec: 7 });
  });
});

describe('shard without a replica', () => {
  const info = (over: Partial<ClusterNodeInfo>): ClusterNodeInfo => ({
    id: 'x', address: '127.0.0.1:7000', host: '127.0.0.1', port: 7000, role: 'master', masterId: null, health: 'ok',
    linkState: 'connected', flags: [], slots: [], configEpoch: 1, ...over,
  });
  const topology = (nodes: ClusterNodeInfo[]): Topology => ({
    state: 'ok', slotsAssigned: 16384, slotsOk: 16384, knownNodes: nodes.length, currentEpoch: 1, observedFrom: '127.0.0.1:7000', observedAt: 1, mode: 'embedded', nodes,
  });
  const m1 = info({ id: 'm1', slots: [{ start: 0, end: 5460 }] });
  const r1 = info({ id: 'r1', address: '127.0.0.1:7003', port: 7003, role: 'replica', masterId: 'm1' });

  it('a shard with a healthy replica raises nothing', () => {
    expect(shardAlerts(topology([m1, r1]), 1)).toEqual([]);
  });

  it('names the shard and the reason the supervisor gives: a replica that cannot be restarted', () => {
    const down = { ...r1, health: 'fail' as const, process: { state: 'restart failed' as const, detail: '127.0.0.1:7003 could not be restarted: Address already in use', since: 1 } };
    const [alert] = shardAlerts(topology([m1, down]), 1);
    expect(alert).toMatchObject({ rule: 'shard_without_replica', severity: 'critical', node: '127.0.0.1:7000' });
    expect(alert!.message).toBe('shard 0-5460 has no replica: 127.0.0.1:7003 restart failed: 127.0.0.1:7003 could not be restarted: Address already in use');
  });

  it('after a failover, the old master being restarted is the reason the new master has no replica yet', () => {
    const promoted = info({ id: 'r1', address: '127.0.0.1:7003', port: 7003, slots: [{ start: 0, end: 5460 }] });
    const old = info({ id: 'm1', health: 'fail', linkState: 'disconnected', process: { state: 'restarting', detail: 'starting 127.0.0.1:7000 again (attempt 1)', since: 1 } });
    expect(shardAlerts(topology([promoted, old]), 1)[0]!.message).toBe('shard 0-5460 has no replica: 127.0.0.1:7000 restarting: starting 127.0.0.1:7000 again (attempt 1)');
    expect(shardAlerts(topology([promoted]), 1)[0]!.message).toBe('shard 0-5460 has no replica: no replica is configured');
  });
});
