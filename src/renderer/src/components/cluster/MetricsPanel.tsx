import { useEffect, useMemo, useState } from 'react';
import type { Topology } from '../../../../shared/types';
import { colorByNode } from '../../lib/shards';
import { HISTORY_MS, POLL_MS, useMetrics } from '../../store/metrics';
import { ErrorNote } from '../common/ErrorNote';
import { Loading } from '../common/States';
import { Tabs } from '../common/Tabs';
import { MetricChart, type Series } from './MetricChart';
import { maxmemoryText, METRICS, rowsFor } from './metricSeries';
import { NodeMetricsTable } from './NodeMetricsTable';

type TimeRange = '1m' | '5m' | '15m';
const RANGES: { value: TimeRange; label: string; ms: number }[] = [
  { value: '1m', label: '1 min', ms: 60_000 },
  { value: '5m', label: '5 min', ms: 5 * 60_000 },
  { value: '15m', label: '15 min', ms: HISTORY_MS },
];

/** O1 per node, live: INFO every 2 s while this panel is open, the session's last 15 minutes kept. */
export function MetricsPanel({ topology }: { topology: Topology }) {
  useEffect(() => useMetrics.getState().watch(), []);
  const samples = useMetrics((s) => s.samples);
  const error = useMetrics((s) => s.error);
  const [range, setRange] = useState<TimeRange>('5m');
  const [hidden, setHidden] = useState<Set<string>>(new Set());
  const latest = samples[samples.length - 1];
  const colors = useMemo(() => colorByNode(topology), [topology]);

  const shown = useMemo(() => {
    const span = RANGES.find((w) => w.value === range)?.ms ?? HISTORY_MS;
    const from = (latest?.at ?? 0) - span;
    return samples.filter((s) => s.at >= from);
  }, [samples, range, latest]);
  const series: Series[] = useMemo(
    () =>
      (latest?.nodes ?? [])
        .filter((n) => !hidden.has(n.id))
        .map((n) => ({ id: n.id, name: `${n.address} (${n.role})`, color: colors[n.id] ?? '#98a2b3', dashed: n.role === 'replica' })),
    [latest, colors, hidden],
  );
  const toggle = (id: string) =>
    setHidden((h) => {
      const next = new Set(h);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  if (!latest) return error ? <ErrorNote error={error} onRetry={() => void useMetrics.getState().poll()} /> : <Loading>Reading INFO from every node…</Loading>;
  return (
    <div className="cluster-panel" data-testid="metrics-panel" data-samples={samples.length}>
      <div className="panel-toolbar">
        <Tabs<TimeRange> label="Time window" options={RANGES} value={range} onChange={setRange} testId="metrics-window" />
        <span className="muted small">
          {samples.length} samples · every {POLL_MS / 1000} s while open · {maxmemoryText(latest)}
        </span>
      </div>
      {error && <ErrorNote error={error} compact />}
      <ul className="series-legend" aria-label="Nodes shown in the charts">
        {latest.nodes.map((n) => (
          <li key={n.id}>
            <button type="button" className={`legend-item${hidden.has(n.id) ? ' legend-off' : ''}`} aria-pressed={!hidden.has(n.id)} onClick={() => toggle(n.id)}>
              <span className={`legend-line${n.role === 'replica' ? ' legend-dashed' : ''}`} style={{ borderColor: colors[n.id] }} aria-hidden="true" />
              {n.address} <span className="muted">{n.role}</span>
            </button>
          </li>
        ))}
      </ul>
      <div className="chart-grid">
        {METRICS.map((m) => (
          <MetricChart key={m.id} metric={m} rows={rowsFor(shown, m)} series={series} threshold={m.threshold?.(latest) ?? null} subtitle={m.id === 'memory' ? maxmemoryText(latest) : undefined} />
        ))}
      </div>
      <h3 className="panel-subtitle">Now</h3>
      <NodeMetricsTable latest={latest} colors={colors} />
    </div>
  );
}
