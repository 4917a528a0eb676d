import type { Topology } from '../../../../shared/types';
import { useCluster } from '../../store/cluster';

/** cluster_state, the CLUSTER INFO counts, who answered, and whether events are arriving. */
export function ClusterHeader({ topology }: { topology: Topology }) {
  const live = useCluster((s) => s.live);
  const error = useCluster((s) => s.error);
  const unhealthy = topology.nodes.filter((n) => n.health !== 'ok');
  return (
    <>
      <header className="panel-head">
        <h2>Cluster</h2>
        <span className={`state state-${topology.state}`} data-testid="cluster-state">
          cluster_state:{topology.state}
        </span>
        <span className="muted">
          {topology.slotsAssigned.toLocaleString()} slots assigned · {topology.knownNodes} known nodes · epoch {topology.currentEpoch} · {topology.mode} · seen from {topology.observedFrom}
        </span>
        {unhealthy.length > 0 && (
          <span className="warn small" data-testid="unhealthy-nodes">
            {unhealthy.map((n) => `${n.address} ${n.health}`).join(', ')}
          </span>
        )}
        <span className={`live ${live ? 'live-on' : 'live-off'}`}>{live ? 'live' : 'reconnecting…'}</span>
      </header>
      {error && (
        <div className="error" role="alert">
          {error}
        </div>
      )}
    </>
  );
}
