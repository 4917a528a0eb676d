import type { ClusterMetrics } from '../../../../shared/types';
import { bytes, count, percent } from '../../lib/format';

/** The newest INFO figures per node, with memory as a share of maxmemory. */
export function NodeMetricsTable({ latest, colors }: { latest: ClusterMetrics; colors: Record<string, string> }) {
  return (
    <div className="table-scroll">
      <table className="data-table" data-testid="metrics-table">
        <thead>
          <tr>
            <th>Node</th>
            <th>Role</th>
            <th className="num">ops/s</th>
            <th>Memory (used / max)</th>
            <th className="num">Frag.</th>
            <th className="num" title="over the last minute's lookups (since start)">Hit rate</th>
            <th className="num">Clients</th>
            <th className="num">Keys</th>
            <th className="num">Repl. offset</th>
            <th className="num">Lag</th>
            <th>Link</th>
          </tr>
        </thead>
        <tbody>
          {latest.nodes.map((n) => {
            const share = n.maxmemory > 0 ? n.usedMemory / n.maxmemory : null;
            return (
              <tr key={n.id} data-testid="metrics-row" data-address={n.address} className={n.reachable ? undefined : 'row-down'}>
                <td>
                  <span className="swatch" style={{ background: colors[n.id] }} aria-hidden="true" /> <code>{n.address}</code>
                </td>
                <td>{n.role}</td>
                {n.reachable ? (
                  <>
                    <td className="num">{count(n.opsPerSec)}</td>
                    <td>
                      <span className="meter" title={share === null ? 'no maxmemory' : percent(share)}>
                        <span style={{ width: `${Math.min(100, (share ?? 0) * 100)}%` }} className={share !== null && share > 0.8 ? 'meter-high' : undefined} />
                      </span>{' '}
                      {bytes(n.usedMemory)} / {n.maxmemory > 0 ? bytes(n.maxmemory) : '∞'} <span className="muted">({n.maxmemoryPolicy})</span>
                    </td>
                    <td className="num">{n.memFragmentationRatio.toFixed(2)}</td>
                    <td className="num">
                      {percent(n.recentHitRate)} <span className="muted small">({percent(n.hitRate)})</span>
                    </td>
                    <td className="num">{count(n.connectedClients)}</td>
                    <td className="num">{count(n.keys)}</td>
                    <td className="num">{count(n.replicationOffset)}</td>
                    <td className="num" data-testid="metrics-lag">{n.replicationLagBytes === null ? '—' : bytes(n.replicationLagBytes)}</td>
                    <td className={n.masterLinkStatus === 'down' ? 'warn' : undefined}>{n.masterLinkStatus ?? '—'}</td>
                  </>
                ) : (
                  <td colSpan={9} className="warn">
                    not answering: {n.error ?? 'unreachable'}
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
