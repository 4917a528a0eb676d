import { useEffect } from 'react';
import type { ClusterNodeInfo, SlotRange, Topology } from '../../../shared/types';
import { useCluster } from '../store/cluster';

const SLOTS = 16384;
const SHARD_COLORS = ['#e4572e', '#17bebb', '#ffc914', '#76b041', '#7e52a0', '#2e86ab'];

const rangeText = (r: SlotRange) => (r.start === r.end ? `${r.start}` : `${r.start}-${r.end}`);
const slotTotal = (ranges: SlotRange[]) => ranges.reduce((n, r) => n + r.end - r.start + 1, 0);

interface Shard {
  master: ClusterNodeInfo;
  replicas: ClusterNodeInfo[];
  color: string;
}

/** Masters that own slots, ordered by their first slot, each with its replicas. */
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

function Health({ node }: { node: ClusterNodeInfo }) {
  return (
    <span className={`health health-${node.health}`} title={`flags: ${node.flags.join(',')}; link ${node.linkState}`}>
      {node.health}
    </span>
  );
}

function NodeRow({ node }: { node: ClusterNodeInfo }) {
  return (
    <li className="node" data-testid="node-row" data-role={node.role} data-address={node.address} data-health={node.health}>
      <span className={`role role-${node.role}`}>{node.role}</span>
      <code className="address">{node.address}</code>
      <Health node={node} />
      <code className="node-id" title={node.id}>
        {node.id.slice(0, 8)}
      </code>
    </li>
  );
}

function SlotMap({ shards }: { shards: Shard[] }) {
  return (
    <div className="slot-map" role="img" aria-label="16,384 hash slots coloured by owning master">
      {shards.flatMap((s) =>
        s.master.slots.map((r) => (
          <div
            key={`${s.master.id}-${r.start}`}
            className="slot-segment"
            style={{ left: `${(r.start / SLOTS) * 100}%`, width: `${((r.end - r.start + 1) / SLOTS) * 100}%`, background: s.color }}
            title={`${rangeText(r)} -> ${s.master.address}`}
          />
        )),
      )}
    </div>
  );
}

export function ClusterOverview() {
  const { topology, alerts, error, loading, live, follow, load } = useCluster();
  useEffect(() => follow(), [follow]);

  if (!topology) {
    return (
      <section className="panel" aria-busy={loading}>
        {error ? (
          <div className="error" role="alert">
            <strong>Cannot read the cluster.</strong> {error}
            <button onClick={() => void load()}>Try again</button>
          </div>
        ) : (
          <p className="muted">Reading the cluster topology…</p>
        )}
      </section>
    );
  }
  const shards = shardsOf(topology);
  return (
    <section className="panel" aria-label="Cluster overview">
      <header className="panel-head">
        <h2>Cluster</h2>
        <span className={`state state-${topology.state}`} data-testid="cluster-state">
          cluster_state:{topology.state}
        </span>
        <span className="muted">
          {topology.slotsAssigned.toLocaleString()} slots assigned · {topology.knownNodes} known nodes · {topology.mode} · seen from {topology.observedFrom}
        </span>
        <span className={`live ${live ? 'live-on' : 'live-off'}`}>{live ? 'live' : 'reconnecting…'}</span>
      </header>
      {error && (
        <div className="error" role="alert">
          {error}
        </div>
      )}
      <SlotMap shards={shards} />
      <div className="shards">
        {shards.map((s) => (
          <article key={s.master.id} className="shard" style={{ borderTopColor: s.color }} data-testid="shard">
            <h3>
              <span data-testid="slot-range">{s.master.slots.map(rangeText).join(', ') || 'no slots'}</span>
              <span className="muted"> · {slotTotal(s.master.slots).toLocaleString()} slots</span>
            </h3>
            <ul>
              <NodeRow node={s.master} />
              {s.replicas.map((r) => (
                <NodeRow key={r.id} node={r} />
              ))}
            </ul>
          </article>
        ))}
      </div>
      <section className="alerts" aria-label="Alerts">
        <h3>Alerts</h3>
        {alerts.length === 0 ? (
          <p className="muted" data-testid="no-alerts">No alerts: memory, fragmentation, hit rate, cluster state and replica links are within limits.</p>
        ) : (
          <ul>
            {alerts.map((a) => (
              <li key={`${a.rule}-${a.node ?? 'cluster'}`} className={`alert alert-${a.severity}`}>
                <strong>{a.rule}</strong> {a.message}
              </li>
            ))}
          </ul>
        )}
      </section>
    </section>
  );
}
