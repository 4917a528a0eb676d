import { useAlerts } from '../../store/alerts';

/** The alerts firing now, one line each (the Alerts panel has the full table and the session log). */
export function AlertSummary() {
  const active = useAlerts((s) => s.active);
  return (
    <section className="alerts" aria-label="Alerts">
      <h3>Alerts</h3>
      {active.length === 0 ? (
        <p className="muted" data-testid="no-alerts">
          No alerts: memory, fragmentation, hit rate, cluster state and replica links are within limits.
        </p>
      ) : (
        <ul>
          {active.map((a) => (
            <li key={`${a.rule}-${a.node ?? 'cluster'}`} className={`alert alert-${a.severity}`}>
              <strong>{a.rule}</strong> {a.message}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
