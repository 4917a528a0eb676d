import { useEffect } from 'react';
import { shardsOf } from '../lib/shards';
import { useAlerts } from '../store/alerts';
import { useCluster } from '../store/cluster';
import { AlertSummary } from './cluster/AlertSummary';
import { ClusterHeader } from './cluster/ClusterHeader';
import { ShardList } from './cluster/ShardList';
import { SlotMap } from './cluster/SlotMap';
import { TopologyGate } from './cluster/TopologyGate';

/** The compact, live view of the cluster shown next to sign-in: slots, shards, nodes, alerts. */
export function ClusterOverview() {
  useEffect(() => useCluster.getState().follow(), []);
  useEffect(() => useAlerts.getState().follow(), []);
  return (
    <TopologyGate>
      {(topology) => {
        const shards = shardsOf(topology);
        return (
          <section className="panel" aria-label="Cluster overview">
            <ClusterHeader topology={topology} />
            <SlotMap shards={shards} />
            <ShardList shards={shards} />
            <AlertSummary />
          </section>
        );
      }}
    </TopologyGate>
  );
}
