import { useEffect } from 'react';
import type { Topology } from '../../../../shared/types';
import { useAlerts } from '../../store/alerts';
import { useCluster } from '../../store/cluster';
import { useFailover } from '../../store/failover';
import { useOperations } from '../../store/operations';
import { useNav, type ClusterTab } from '../../store/nav';
import { ErrorBoundary } from '../common/ErrorBoundary';
import { Tabs } from '../common/Tabs';
import { AlertsPanel } from './AlertsPanel';
import { ClusterHeader } from './ClusterHeader';
import { FailoverPanel } from './FailoverPanel';
import { KeysPanel } from './KeysPanel';
import { MetricsPanel } from './MetricsPanel';
import { OperationsPanel } from './OperationsPanel';
import { TopologyGate } from './TopologyGate';
import { TopologyPanel } from './TopologyPanel';

function Panel({ tab, topology }: { tab: ClusterTab; topology: Topology }) {
  switch (tab) {
    case 'topology':
      return <TopologyPanel topology={topology} />;
    case 'keys':
      return <KeysPanel topology={topology} />;
    case 'metrics':
      return <MetricsPanel topology={topology} />;
    case 'alerts':
      return <AlertsPanel />;
    case 'failover':
      return <FailoverPanel topology={topology} />;
    case 'operations':
      return <OperationsPanel topology={topology} />;
  }
}

/** The cluster inspector: one header, a tab per panel. Events are followed for as long as it is open. */
export function ClusterScreen() {
  const tab = useNav((s) => s.clusterTab);
  const showCluster = useNav((s) => s.showCluster);
  const alertCount = useAlerts((s) => s.active.length);
  const drillBusy = useFailover((s) => s.running || s.watching);
  const jobBusy = useOperations((s) => s.job !== null && (s.job.state === 'running' || s.job.state === 'paused'));
  useEffect(() => useCluster.getState().follow(), []);
  useEffect(() => useAlerts.getState().follow(), []);
  useEffect(() => useFailover.getState().follow(), []);
  useEffect(() => useOperations.getState().follow(), []);
  const tabs: { value: ClusterTab; label: string }[] = [
    { value: 'topology', label: 'Topology' },
    { value: 'keys', label: 'Keys' },
    { value: 'metrics', label: 'Metrics' },
    { value: 'alerts', label: alertCount ? `Alerts (${alertCount})` : 'Alerts' },
    { value: 'failover', label: drillBusy ? 'Failover · running' : 'Failover' },
    { value: 'operations', label: jobBusy ? 'Operations · moving slots' : 'Operations' },
  ];
  return (
    <TopologyGate>
      {(topology) => (
        <section className="panel cluster-screen" aria-label="Cluster inspector">
          <ClusterHeader topology={topology} />
          <Tabs label="Cluster panels" options={tabs} value={tab} onChange={showCluster} testId="cluster-tab" />
          <ErrorBoundary resetKey={tab}>
            <Panel tab={tab} topology={topology} />
          </ErrorBoundary>
        </section>
      )}
    </TopologyGate>
  );
}
