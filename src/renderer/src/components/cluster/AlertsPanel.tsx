import { ruleText } from '../../../../shared/alert-rules';
import type { Alert } from '../../../../shared/types';
import { clockSeconds as time, fullTime } from '../../lib/time';
import { useAlerts } from '../../store/alerts';
import { ErrorNote } from '../common/ErrorNote';
import { Empty } from '../common/States';

const RULES: { rule: Alert['rule']; text: string }[] = (
  ['memory_high', 'fragmentation_high', 'hit_rate_low', 'cluster_state', 'replica_link_down', 'replication_lag_high', 'node_unreachable', 'shard_without_replica'] as const
).map((rule) => ({ rule, text: ruleText(rule) }));

function Severity({ alert }: { alert: Alert }) {
  return <span className={`severity severity-${alert.severity}`}>{alert.severity}</span>;
}

/** O2 alerts computed by the engine: what fires now, and everything raised or cleared this session. */
export function AlertsPanel() {
  const { active, log, healing, error, load } = useAlerts();
  return (
    <div className="cluster-panel" data-testid="alerts-panel">
      {error && <ErrorNote error={error} compact onRetry={() => void load()} />}
      <h3 className="panel-subtitle">Firing now ({active.length})</h3>
      {active.length === 0 ? (
        <Empty title="No alerts" testId="no-active-alerts">
          Memory, fragmentation, hit rate, cluster state and replica links are within limits.
        </Empty>
      ) : (
        <div className="table-scroll">
          <table className="data-table" data-testid="active-alerts">
            <thead>
              <tr>
                <th>Since</th>
                <th>Node</th>
                <th>Rule</th>
                <th>Severity</th>
                <th>Message</th>
                <th className="num">Value / threshold</th>
              </tr>
            </thead>
            <tbody>
              {active.map((a) => (
                <tr key={`${a.rule}-${a.node ?? 'cluster'}`} data-testid="alert-row" data-rule={a.rule} data-node={a.node ?? ''}>
                  <td title={fullTime(a.since)}>{time(a.since)}</td>
                  <td>{a.node ? <code>{a.node}</code> : <span className="muted">cluster</span>}</td>
                  <td>
                    <code>{a.rule}</code>
                  </td>
                  <td>
                    <Severity alert={a} />
                  </td>
                  <td>
                    {a.message}
                    <div className="muted small" data-testid="alert-rule">
                      fires on {a.ruleText}
                    </div>
                  </td>
                  <td className="num">
                    {String(a.value)} / {String(a.threshold)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h3 className="panel-subtitle">This session</h3>
      {log.length === 0 ? (
        <p className="muted small">Nothing raised or cleared since this window opened.</p>
      ) : (
        <ol className="alert-log" data-testid="alert-log">
          {log.map((e) => (
            <li key={e.seq} className={`alert-log-${e.change}`}>
              <time title={fullTime(e.at)}>{time(e.at)}</time> <strong>{e.change}</strong> <code>{e.alert.rule}</code> {e.alert.node && <code>{e.alert.node}</code>} <Severity alert={e.alert} />{' '}
              <span className="muted">{e.alert.message}</span>
            </li>
          ))}
        </ol>
      )}
      <h3 className="panel-subtitle">Self-healing this session</h3>
      {healing.length === 0 ? (
        <p className="muted small">The supervisor has had nothing to do: no node of the embedded cluster exited or hung.</p>
      ) : (
        <ol className="alert-log" data-testid="healing-log">
          {healing.map((h) => (
            <li key={h.seq} data-step={h.step}>
              <time title={fullTime(h.at)}>{time(h.at)}</time> <strong>{h.step}</strong> <code>:{h.port}</code> <span className="muted">{h.detail}</span>
            </li>
          ))}
        </ol>
      )}
      <details className="rules">
        <summary className="small">What is watched (checked by the engine every few seconds, sent as events)</summary>
        <ul className="small">
          {RULES.map((r) => (
            <li key={r.rule}>
              <code>{r.rule}</code>: {r.text}
            </li>
          ))}
        </ul>
      </details>
    </div>
  );
}
