import { useEffect } from 'react';
import type { Topology } from '../../../../shared/types';
import { shardsOf } from '../../lib/shards';
import { useMetrics, useMetricsByNode } from '../../store/metrics';
import { ErrorNote } from '../common/ErrorNote';
import { ShardList } from './ShardList';
import { SlotMap } from './SlotMap';
import { TopologyGraph } from './TopologyGraph';

/** Who is master of what, who replicates whom and how far behind, and the slot map. */
export function TopologyPanel({ topology }: { topology: Topology }) {
  useEffect(() => useMetrics.getState().watch(), []);
  const metrics = useMetricsByNode();
  const error = useMetrics((s) => s.error);
  const shards = shardsOf(topology);
  return (
    <div className="cluster-panel" data-testid="topology-panel">
      <TopologyGraph topology={topology} metrics={metrics} />
      {error && <ErrorNote error={error} compact />}
      <h3 className="panel-subtitle">16,384 hash slots</h3>
      <SlotMap shards={shards} detailed />
      <ShardList shards={shards} metrics={metrics} />
      <p className="muted small">
        Lag is the master's replication offset minus the replica's (INFO, every 2 s); health comes from CLUSTER NODES as seen by {topology.observedFrom}.
      </p>
    </div>
  );
}
