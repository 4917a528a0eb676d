/** ClusterService: what the `cluster.*` contract methods call. */
import type { Alert, ClusterMetrics, FailoverResult, KeySlotInfo, NodeProcessNote, Topology } from '../../../shared/types';
import { type NodePool } from '../cluster/client';
import type { FailoverCooldown } from '../cluster/cooldown';
import { keySlotInfo } from '../cluster/keyslot';
import { ALERT_THRESHOLDS, evaluateAlerts, nodeMetricsFromInfo, shardAlerts, unreachableNode, windowedHitRate, withReplicationLag, type LookupSample } from '../cluster/metrics';
import { textCommand } from '../cluster/node-client';
import { parseClusterNodes, parseInfo } from '../cluster/nodes-parser';
import { AppError } from '../errors';
import { sleep } from '../sleep';


/** ioredis speaks of streams and offline queues; people want to know the node is not answering. */
function readableNodeError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/Stream isn't writeable|Connection is closed|ECONNREFUSED|enableOfflineQueue/i.test(message)) return 'not answering (connection refused or closed)';
  if (/timed? ?out/i.test(message)) return 'not answering in time';
  return message;
}

export class ClusterService {
  private last: Topology | null = null;

  constructor(
    private readonly pool: NodePool,
    private readonly seeds: string[],
    private readonly mode: 'embedded' | 'external',
    /** The supervisor's notes on nodes in trouble, by host:port (embedded cluster). */
    private readonly notes: () => Map<string, NodeProcessNote> = () => new Map(),
  ) {}

  /** Addresses worth asking, most recently seen first, then the configured seeds. */
  private candidates(): string[] {
    const known = this.last?.nodes.filter((n) => n.health === 'ok').map((n) => n.address) ?? [];
    return [...new Set([...known, ...this.seeds, ...(this.last?.nodes.map((n) => n.address) ?? [])])];
  }

  /** CLUSTER NODES + CLUSTER INFO from the first node that answers. */
  async topology(): Promise<Topology> {
    const tried: string[] = [];
    for (const address of this.candidates()) {
      try {
        const node = await this.pool.ready(address, 800);
        const [nodesText, infoText] = await Promise.all([
          textCommand(node, 'CLUSTER', 'NODES'),
          textCommand(node, 'CLUSTER', 'INFO'),
        ]);
        const info = parseInfo(infoText);
        const state = info.cluster_state === 'ok' || info.cluster_state === 'fail' ? info.cluster_state : 'unknown';
        const notes = this.notes();
        const nodes = parseClusterNodes(nodesText).map((n) => {
          const note = notes.get(n.address);
          return note ? { ...n, process: note } : n;
        });
        this.last = {
          state,
          slotsAssigned: Number(info.cluster_slots_assigned) || 0,
          slotsOk: Number(info.cluster_slots_ok) || 0,
          knownNodes: Number(info.cluster_known_nodes) || 0,
          currentEpoch: Number(info.cluster_current_epoch) || 0,
          observedFrom: address,
          observedAt: Date.now(),
          mode: this.mode,
          nodes,
        };
        return this.last;
      } catch (err) {
        tried.push(`${address} (${(err as Error).message})`);
      }
    }
    throw new AppError('cluster_unavailable', `No Redis node answers CLUSTER NODES; tried ${tried.join(', ') || 'no address'}.`);
  }

  async keyslot(key: string): Promise<KeySlotInfo> {
    return keySlotInfo(key, await this.topology());
  }

  async metrics(): Promise<ClusterMetrics> {
    const topology = await this.topology();
    const nodes = await Promise.all(
      topology.nodes.map(async (n) => {
        try {
          const node = await this.pool.ready(n.address, 500);
          return nodeMetricsFromInfo(n, await textCommand(node, 'INFO'));
        } catch (err) {
          return unreachableNode(n, readableNodeError(err));
        }
      }),
    );
    const at = Date.now();
    const windowed = withReplicationLag(nodes, topology).map((n) => {
      if (!n.reachable) return n;
      const now = { at, hits: n.keyspaceHits, misses: n.keyspaceMisses };
      const history = (this.lookups.get(n.id) ?? []).filter((x) => at - x.at <= ALERT_THRESHOLDS.hitRateWindowMs);
      const { lookups, hitRate } = windowedHitRate(now, history, ALERT_THRESHOLDS.hitRateWindowMs);
      history.push(now);
      this.lookups.set(n.id, history);
      return { ...n, recentLookups: lookups, recentHitRate: hitRate };
    });
    for (const id of [...this.lookups.keys()]) if (!nodes.some((n) => n.id === id)) this.lookups.delete(id);
    return { at, clusterState: topology.state, slotsAssigned: topology.slotsAssigned, knownNodes: topology.knownNodes, nodes: windowed };
  }

  /** Each node's lookup counters over the last alert window, for the windowed hit rate. */
  private readonly lookups = new Map<string, LookupSample[]>();

  /** When each active alert (rule + node) was first seen, so `at` says since when, not "now". */
  private readonly alertSince = new Map<string, number>();

  async alerts(): Promise<Alert[]> {
    const metrics = await this.metrics();
    const alerts = [...evaluateAlerts(metrics), ...(this.last ? shardAlerts(this.last, metrics.at) : [])];
    const active = new Set<string>();
    const out = alerts.map((a) => {
      const id = `${a.rule}|${a.node ?? ''}`;
      active.add(id);
      const since = this.alertSince.get(id) ?? a.at;
      this.alertSince.set(id, since);
      return { ...a, at: since };
    });
    // A cleared alert that fires again later starts a new "since".
    for (const id of [...this.alertSince.keys()]) if (!active.has(id)) this.alertSince.delete(id);
    return out;
  }

  /** What else is moving the cluster now (a drill, a resharding job, a fix), or null; set by the engine. */
  busyElsewhere: (() => string | null) | null = null;
  /** Shared with the drill (engine.ts): the least time between two failovers. */
  cooldown: FailoverCooldown | null = null;
  private failingOver = false;

  /** A manual failover is under way. */
  get busy(): boolean {
    return this.failingOver;
  }

  /**
   * Graceful manual failover: CLUSTER FAILOVER on a replica makes it take over its master's slots
   * after catching up with the master's replication stream, so no acknowledged write is lost.
   */
  async failover(nodeId: string, timeoutMs = 20_000): Promise<FailoverResult> {
    if (this.failingOver) throw new AppError('conflict', 'A manual failover is already running.');
    const elsewhere = this.busyElsewhere?.();
    if (elsewhere) throw new AppError('conflict', `Cannot run a manual failover: ${elsewhere}; wait for it to end.`);
    this.cooldown?.check('a manual failover');
    this.failingOver = true;
    let asked = false;
    try {
      return await this.failoverOnce(nodeId, timeoutMs, () => (asked = true));
    } finally {
      this.failingOver = false;
      // Only a failover that was asked of Redis spaces the next one out (not an unknown node).
      if (asked) this.cooldown?.ended('the last manual failover');
    }
  }

  private async failoverOnce(nodeId: string, timeoutMs: number, onAsked: () => void): Promise<FailoverResult> {
    const began = Date.now();
    const topology = await this.topology();
    const target = topology.nodes.find((n) => n.id === nodeId);
    if (!target) throw new AppError('not_found', `No node with id ${nodeId} is in the cluster.`);
    if (target.role !== 'replica') {
      throw new AppError('invalid_input', `${target.address} is a master; run a failover on one of its replicas to promote it.`);
    }
    const previous = topology.nodes.find((n) => n.id === target.masterId);
    const node = await this.pool.ready(target.address);
    onAsked();
    await node.call('CLUSTER', 'FAILOVER');
    let askedAt = Date.now();
    for (;;) {
      // A manual failover gives up quietly when the master does not pause in time (a busy
      // machine); asking again is safe, and is what an operator would do.
      if (Date.now() - askedAt > 5000) {
        await node.call('CLUSTER', 'FAILOVER').catch(() => undefined);
        askedAt = Date.now();
      }
      const now = await this.topology().catch(() => null);
      const me = now?.nodes.find((n) => n.id === nodeId);
      const old = now?.nodes.find((n) => n.id === previous?.id);
      // Done when the new master owns the slots and the old one follows it, as seen by the cluster.
      if (me?.role === 'master' && me.slots.length > 0 && (!old || old.masterId === nodeId)) {
        return { nodeId, address: target.address, promoted: true, tookMs: Date.now() - began, previousMaster: previous?.address ?? null };
      }
      if (Date.now() - began > timeoutMs) {
        return { nodeId, address: target.address, promoted: false, tookMs: Date.now() - began, previousMaster: previous?.address ?? null };
      }
      await sleep(100);
    }
  }
}
