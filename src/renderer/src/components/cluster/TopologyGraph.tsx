import { Background, Controls, MarkerType, ReactFlow, type Edge } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useMemo } from 'react';
import type { NodeMetrics, Topology } from '../../../../shared/types';
import { bytes } from '../../lib/format';
import { orphansOf, replicationOf, shardsOf, UNOWNED_COLOR } from '../../lib/shards';
import { RedisNodeCard, type RedisFlowNode } from './RedisNodeCard';

const COLUMN = 260;
const ROW = 200;
const nodeTypes = { redis: RedisNodeCard };

/** Masters side by side in slot order, each with its replicas below, linked by replication. */
function layout(topology: Topology, metrics: Record<string, NodeMetrics>): { nodes: RedisFlowNode[]; edges: Edge[] } {
  const nodes: RedisFlowNode[] = [];
  const edges: Edge[] = [];
  const place = (node: Topology['nodes'][number], color: string, x: number, y: number) =>
    nodes.push({ id: node.id, type: 'redis', position: { x, y }, data: { node, color, replication: replicationOf(node, metrics), metrics: metrics[node.id] } });

  const shards = shardsOf(topology);
  shards.forEach((shard, col) => {
    place(shard.master, shard.color, col * COLUMN, 0);
    shard.replicas.forEach((replica, row) => {
      place(replica, shard.color, col * COLUMN + row * 24, ROW * (row + 1));
      const repl = replicationOf(replica, metrics);
      const broken = replica.linkState === 'disconnected' || repl.link === 'down' || shard.master.health === 'fail';
      const stroke = broken ? '#c92a2a' : shard.color;
      edges.push({
        id: `${shard.master.id}->${replica.id}`,
        source: shard.master.id,
        target: replica.id,
        animated: !broken,
        label: broken ? 'link down' : repl.lag === null ? 'replicates' : `lag ${bytes(repl.lag)}`,
        style: { stroke, strokeWidth: 2, strokeDasharray: broken ? '6 4' : undefined },
        markerEnd: { type: MarkerType.ArrowClosed, color: stroke },
      });
    });
  });
  orphansOf(topology).forEach((node, i) => place(node, UNOWNED_COLOR, (shards.length + i) * COLUMN, ROW));
  return { nodes, edges };
}

/** The live topology diagram (@xyflow/react): read-only, pannable and zoomable with the controls. */
export function TopologyGraph({ topology, metrics }: { topology: Topology; metrics: Record<string, NodeMetrics> }) {
  const { nodes, edges } = useMemo(() => layout(topology, metrics), [topology, metrics]);
  return (
    <div className="topology-graph" data-testid="topology-graph" aria-label="Topology diagram: masters with their replicas">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        fitView
        fitViewOptions={{ padding: 0.12 }}
        minZoom={0.3}
        maxZoom={1.5}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        zoomOnScroll={false}
        preventScrolling={false}
        colorMode="system"
      >
        <Background gap={20} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
