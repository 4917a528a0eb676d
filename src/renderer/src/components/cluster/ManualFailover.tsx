import type { Topology } from '../../../../shared/types';
import { millis } from '../../lib/format';
import { shardsOf, rangeText } from '../../lib/shards';
import { useFailover } from '../../store/failover';
import { ErrorNote } from '../common/ErrorNote';
import { HealthChip } from './ShardList';

/** CLUSTER FAILOVER on a chosen replica: a planned, lossless switch of master and replica. */
export function ManualFailover({ topology }: { topology: Topology }) {
  const { running, watching, promoting, lastPromotion: done, promoteError, promote } = useFailover();
  const pairs = shardsOf(topology).flatMap((s) => s.replicas.map((replica) => ({ replica, master: s.master })));
  return (
    <section className="manual-failover" aria-label="Manual failover">
      <h3 className="panel-subtitle">Promote a replica</h3>
      <p className="muted small">The replica catches up with its master, then takes over its slots; the master becomes its replica. No acknowledged write is lost.</p>
      {done && (
        <p className={`small ${done.promoted ? 'good' : 'warn'}`} data-testid="promote-result" data-promoted={done.promoted}>
          {done.promoted
            ? `${done.address} was promoted in ${millis(done.tookMs)}; ${done.previousMaster ?? 'its old master'} now replicates it.`
            : `${done.address} was not promoted within ${millis(done.tookMs)}: the cluster may still be busy; look at the Topology and Alerts panels.`}
        </p>
      )}
      <ul className="promote-list">
        {pairs.map(({ replica, master }) => {
          const failed = promoteError?.nodeId === replica.id ? promoteError.error : null;
          return (
            <li key={replica.id} data-testid="promote-row" data-address={replica.address}>
              <code>{replica.address}</code> <HealthChip node={replica} />
              <span className="muted small">
                replica of {master.address} ({master.slots.map(rangeText).join(',') || 'no slots'})
              </span>
              <button
                type="button"
                data-testid="promote-replica"
                disabled={running || watching || promoting !== null || replica.health !== 'ok'}
                onClick={() => void promote(replica.id)}
              >
                {promoting === replica.id ? 'Promoting…' : 'Promote (CLUSTER FAILOVER)'}
              </button>
              {failed && <ErrorNote error={failed} compact />}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
