import type { ClusterNodeInfo, NodeMetrics } from '../../../../shared/types';
import { bytes, count } from '../../lib/format';
import { rangeText, replicationOf, slotTotal, type Shard } from '../../lib/shards';

export function HealthChip({ node }: { node: ClusterNodeInfo }) {
  return (
    <>
      <span className={`health health-${node.health}`} title={`flags: ${node.flags.join(',')}; link ${node.linkState}`}>
        {node.health}
      </span>
      {node.process && (
        <span className="health health-pfail" data-testid="process-note" title={node.process.detail}>
          {' '}
          {node.process.state}
        </span>
      )}
    </>
  );
}

function Replication({ node, metrics }: { node: ClusterNodeInfo; metrics: Record<string, NodeMetrics> }) {
  const r = replicationOf(node, metrics);
  if (r.offset === null) return <span className="muted small repl">offset —</span>;
  return (
    <span className="small repl" data-testid="replication">
      <span className="muted">offset</span> {count(r.offset)}
      {node.role === 'replica' && (
        <>
          {' · '}
          <span className="muted">lag</span> <span data-testid="replication-lag">{r.lag === null ? '—' : bytes(r.lag)}</span>
          {r.link === 'down' && <span className="health health-fail"> link down</span>}
        </>
      )}
    </span>
  );
}

function NodeRow({ node, metrics }: { node: ClusterNodeInfo; metrics?: Record<string, NodeMetrics> }) {
  return (
    <li className="node" data-testid="node-row" data-role={node.role} data-address={node.address} data-health={node.health}>
      <span className={`role role-${node.role}`}>{node.role}</span>
      <code className="address">{node.address}</code>
      <HealthChip node={node} />
      {metrics && <Replication node={node} metrics={metrics} />}
      <code className="node-id" title={node.id}>
        {node.id.slice(0, 8)}
      </code>
    </li>
  );
}

/** One card per shard: its slot ranges, the master and its replicas (with offsets when metrics are given). */
export function ShardList({ shards, metrics }: { shards: Shard[]; metrics?: Record<string, NodeMetrics> }) {
  return (
    <div className="shards">
      {shards.map((s) => (
        <article key={s.master.id} className="shard" style={{ borderTopColor: s.color }} data-testid="shard" data-master={s.master.address}>
          <h3>
            <span data-testid="slot-range">{s.master.slots.map(rangeText).join(', ') || 'no slots'}</span>
            <span className="muted"> · {slotTotal(s.master.slots).toLocaleString()} slots</span>
          </h3>
          <ul>
            <NodeRow node={s.master} metrics={metrics} />
            {s.replicas.map((r) => (
              <NodeRow key={r.id} node={r} metrics={metrics} />
            ))}
          </ul>
        </article>
      ))}
    </div>
  );
}
