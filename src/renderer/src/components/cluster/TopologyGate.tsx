import type { ReactNode } from 'react';
import type { Topology } from '../../../../shared/types';
import { useCluster } from '../../store/cluster';
import { Loading } from '../common/States';

/** Renders its children once the topology is known; until then, a loading line or a readable error. */
export function TopologyGate({ children }: { children: (topology: Topology) => ReactNode }) {
  const topology = useCluster((s) => s.topology);
  const error = useCluster((s) => s.error);
  const loading = useCluster((s) => s.loading);
  const load = useCluster((s) => s.load);
  if (topology) return children(topology);
  return (
    <section className="panel" aria-busy={loading}>
      {error ? (
        <div className="error" role="alert">
          <span>
            <strong>Cannot read the cluster.</strong> {error}
          </span>
          <button type="button" onClick={() => void load()}>
            Try again
          </button>
        </div>
      ) : (
        <Loading>Reading the cluster topology…</Loading>
      )}
    </section>
  );
}
