import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import type { ClusterNodeInfo, NodeMetrics } from '../../../../shared/types';
import { bytes, count } from '../../lib/format';
import { rangeText, slotTotal, type Replication } from '../../lib/shards';

export type RedisNodeData = {
  node: ClusterNodeInfo;
  color: string;
  replication: Replication;
  metrics: NodeMetrics | undefined;
};
export type RedisFlowNode = Node<RedisNodeData, 'redis'>;

/** One Redis node in the topology diagram: role, address, health, slots or replication lag. */
export function RedisNodeCard({ data }: NodeProps<RedisFlowNode>) {
  const { node, color, replication, metrics } = data;
  const isMaster = node.role === 'master';
  return (
    <div
      className={`graph-node graph-health-${node.health}`}
      style={{ borderTopColor: color }}
      data-testid="graph-node"
      data-address={node.address}
      data-role={node.role}
      data-health={node.health}
      data-slots={node.slots.map(rangeText).join(',')}
    >
      {!isMaster && <Handle type="target" position={Position.Top} className="graph-handle" isConnectable={false} />}
      <div className="graph-node-head">
        <span className={`role role-${node.role}`}>{node.role}</span>
        <span>
          {node.linkState === 'disconnected' && <span className="health health-pfail">link down</span>} <span className={`health health-${node.health}`}>{node.health}</span>
          {node.process && (
            <span className="health health-pfail" data-testid="process-note" title={node.process.detail}>
              {' '}
              {node.process.state}
            </span>
          )}
        </span>
      </div>
      <code className="graph-address">{node.address}</code>
      {isMaster ? (
        <div className="graph-line">
          {node.slots.length ? (
            <>
              slots <strong>{node.slots.map(rangeText).join(', ')}</strong> <span className="muted">({count(slotTotal(node.slots))})</span>
            </>
          ) : (
            <span className="muted">no slots</span>
          )}
        </div>
      ) : (
        <div className="graph-line">
          lag <strong data-testid="graph-lag">{replication.lag === null ? '—' : bytes(replication.lag)}</strong>
          {replication.link && <span className={replication.link === 'up' ? 'muted' : 'warn'}> · link {replication.link}</span>}
        </div>
      )}
      <div className="graph-line muted">
        offset {replication.offset === null ? '—' : count(replication.offset)} · epoch {node.configEpoch}
      </div>
      {metrics && (
        <div className="graph-line muted">
          {metrics.reachable ? `${count(metrics.keys)} keys · ${count(metrics.opsPerSec)} ops/s · ${metrics.usedMemoryHuman}` : 'not answering INFO'}
        </div>
      )}
      {isMaster && <Handle type="source" position={Position.Bottom} className="graph-handle" isConnectable={false} />}
    </div>
  );
}
