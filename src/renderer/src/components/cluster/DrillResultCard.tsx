import type { DrillResult } from '../../../../shared/types';
import { count, millis } from '../../lib/format';
import { Fact } from '../common/Fact';

/** What the drill measured: how long the slots were unwritable, and whether an acknowledged write was lost. */
export function DrillResultCard({ result }: { result: DrillResult }) {
  const budget = result.nodeTimeoutMs + 2000;
  const overBudget = result.unavailableMs !== null && result.unavailableMs > budget;
  return (
    <section className="drill-result" data-testid="drill-result" aria-label="Drill result">
      <p className={`verdict ${result.lostAcked === 0 ? 'verdict-ok' : 'verdict-bad'}`} data-testid="drill-verdict">
        {result.lostAcked === 0 ? 'No acknowledged write was lost.' : `${count(result.lostAcked)} acknowledged writes are missing after the failover.`}
        {result.promotedAddress ? ` ${result.promotedAddress} took over.` : ' No replica was promoted.'}
      </p>
      <dl className="facts">
        <Fact label="Unavailable" testId="drill-unavailable" warn={overBudget} note={`first failed to first good write · budget ${millis(budget)}`}>
          {millis(result.unavailableMs)}
        </Fact>
        <Fact label="Slowest write" testId="drill-slowest" note="one write, held by the client through the failover">
          {millis(result.slowestWriteMs)}
        </Fact>
        <Fact label="Attempted" testId="drill-attempted">
          {count(result.attempted)}
        </Fact>
        <Fact label="Acknowledged" testId="drill-acked" note="by a replica (WAIT 1)">
          {count(result.acked)}
        </Fact>
        <Fact label="Without a replica" testId="drill-acked-without-replica" note={`answered durable: false · ${count(result.lostWithoutReplica)} of them lost`} warn={result.lostWithoutReplica > 0}>
          {count(result.ackedWithoutReplica)}
        </Fact>
        <Fact label="Failed" testId="drill-failed" note="refused or timed out, never acknowledged">
          {count(result.failed)}
        </Fact>
        <Fact label="Lost acknowledged" testId="drill-lost-acked" good={result.lostAcked === 0} warn={result.lostAcked > 0}>
          {count(result.lostAcked)}
        </Fact>
        <Fact label="Restored" testId="drill-restored" note="from the fault to the old master back as a replica, in sync">
          {millis(result.restoredMs)}
        </Fact>
        <Fact label="Promoted" testId="drill-promoted" note={`${result.fault} of port ${result.stoppedPort}`}>
          {result.promotedAddress ?? '—'}
        </Fact>
        <Fact label="Detected by" testId="drill-detection" note={result.detection === 'supervisor' ? 'the process exited: CLUSTER FAILOVER FORCE' : result.detection === 'redis' ? 'PFAIL/FAIL gossip after the node timeout' : 'nothing failed'}>
          {result.detection === 'supervisor' ? 'Red K supervisor' : result.detection === 'redis' ? 'Redis' : 'planned'}
        </Fact>
        <Fact label="Node timeout" testId="drill-node-timeout">
          {millis(result.nodeTimeoutMs)}
        </Fact>
      </dl>
    </section>
  );
}
