import { CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import { clockSeconds as clock } from '../../lib/time';
import type { MetricDef, MetricRow } from './metricSeries';

export interface Series {
  id: string;
  name: string;
  color: string;
  dashed: boolean;
}

/** One O1 metric over time, a line per node (replicas dashed), synced with the other charts' tooltips. */
export function MetricChart({ metric, rows, series, threshold, subtitle }: { metric: MetricDef; rows: MetricRow[]; series: Series[]; threshold: { y: number; label: string } | null; subtitle?: string }) {
  const empty = metric.empty && !rows.some((r) => series.some((s) => typeof r[s.id] === 'number'));
  return (
    <figure className={`metric-chart${empty ? ' chart-empty' : ''}`} data-testid="metric-chart" data-metric={metric.id}>
      {empty && <p className="chart-note muted small">{metric.empty}</p>}
      <figcaption>
        <strong>{metric.title}</strong>
        {subtitle && <span className="muted small"> · {subtitle}</span>}
        {metric.rule && (
          <span className="muted small metric-rule" data-testid="metric-rule">
            {' '}
            · alert: {metric.rule}
          </span>
        )}
      </figcaption>
      <LineChart responsive style={{ width: '100%', height: 170 }} data={rows} syncId="cluster-metrics" margin={{ top: 6, right: 12, bottom: 0, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="var(--line)" />
        <XAxis dataKey="at" type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={clock} tick={{ fontSize: 11 }} minTickGap={40} stroke="var(--muted)" />
        <YAxis width={64} domain={metric.domain ?? [0, 'auto']} tickFormatter={metric.format} tick={{ fontSize: 11 }} stroke="var(--muted)" />
        <Tooltip
          isAnimationActive={false}
          labelFormatter={(label) => (typeof label === 'number' ? clock(label) : label)}
          formatter={(value) => (typeof value === 'number' ? metric.format(value) : String(value ?? '—'))}
          contentStyle={{ background: 'var(--panel)', border: '1px solid var(--line)', fontSize: 12 }}
        />
        {threshold && <ReferenceLine y={threshold.y} stroke="#c92a2a" strokeDasharray="4 4" label={{ value: threshold.label, position: 'insideTopRight', fontSize: 10, fill: '#c92a2a' }} />}
        {series.map((s) => (
          <Line key={s.id} dataKey={s.id} name={s.name} stroke={s.color} strokeDasharray={s.dashed ? '5 3' : undefined} dot={false} strokeWidth={2} isAnimationActive={false} connectNulls={false} />
        ))}
      </LineChart>
    </figure>
  );
}
