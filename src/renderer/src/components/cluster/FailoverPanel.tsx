import type { Topology } from '../../../../shared/types';
import { useFailover } from '../../store/failover';
import { ErrorNote } from '../common/ErrorNote';
import { DrillForm } from './DrillForm';
import { DrillResultCard } from './DrillResultCard';
import { DrillTimeline } from './DrillTimeline';
import { ManualFailover } from './ManualFailover';

/** O3: the measured failover drill, drawn live, and a manual CLUSTER FAILOVER per replica. */
export function FailoverPanel({ topology }: { topology: Topology }) {
  const { steps, running, watching, startedAt, result, error, nodeTimeoutMs } = useFailover();
  return (
    <div className="cluster-panel failover-panel" data-testid="failover-panel" data-running={running || watching}>
      <div className="failover-grid">
        <section aria-label="Failover drill">
          <h3 className="panel-subtitle">Failover drill</h3>
          <DrillForm topology={topology} />
        </section>
        <section aria-label="Timeline and result">
          <h3 className="panel-subtitle">Timeline</h3>
          {error && <ErrorNote error={error} />}
          {steps.length === 0 && !running && !error && <p className="muted">Run a drill to see the failover step by step: pfail, fail, promotion, the client refreshing its slot table, the old master back as a replica.</p>}
          <DrillTimeline steps={steps} running={running || watching} startedAt={startedAt} nodeTimeoutMs={result?.nodeTimeoutMs ?? nodeTimeoutMs} />
          {result && !running && <DrillResultCard result={result} />}
        </section>
      </div>
      <ManualFailover topology={topology} />
    </div>
  );
}
