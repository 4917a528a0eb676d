import { useEffect, useState } from 'react';
import type { DrillStep } from '../../../../shared/types';
import { offset } from '../../lib/format';

const KIND: Record<string, 'neutral' | 'bad' | 'warn' | 'good' | 'back'> = {
  load: 'neutral',
  verified: 'neutral',
  'stopping master': 'bad',
  'crashing master': 'bad',
  'freezing master': 'bad',
  'thawed master': 'back',
  'not answering': 'warn',
  'answering again': 'back',
  restarted: 'back',
  'not restored': 'bad',
  'graceful failover': 'warn',
  'process exited': 'bad',
  'forced failover': 'warn',
  'no failover': 'warn',
  pfail: 'warn',
  fail: 'bad',
  promoted: 'good',
  'slots served': 'good',
  'client refreshed': 'good',
  restarting: 'back',
  rejoined: 'back',
  'not promoted': 'bad',
  'restart failed': 'bad',
};

/** Milliseconds since `startedAt`, ticking while `running`. */
function useElapsed(startedAt: number | null, running: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), 200);
    return () => clearInterval(timer);
  }, [running]);
  return startedAt === null ? 0 : Math.max(0, now - startedAt);
}

const at = (steps: DrillStep[], name: string) => steps.find((s) => s.step === name)?.t ?? null;

/** Dots closer than this share of the axis would cover each other: stack them. */
const CROWDED = 0.025;
const LANES = 3;

/** A lane per dot: 0 on the axis, 1 and 2 above it when the previous dot is too close. */
function lanes(steps: DrillStep[], span: number): number[] {
  const out: number[] = [];
  steps.forEach((s, i) => {
    const prev = steps[i - 1];
    out.push(prev && (s.t - prev.t) / span < CROWDED ? ((out[i - 1] ?? 0) + 1) % LANES : 0);
  });
  return out;
}

/**
 * The drill as it happens: a time axis with a numbered dot per step, the window in which writes
 * failed and the node-timeout mark, then the same steps as a list with their +seconds.
 */
export function DrillTimeline({ steps, running, startedAt, nodeTimeoutMs }: { steps: DrillStep[]; running: boolean; startedAt: number | null; nodeTimeoutMs: number | null }) {
  const elapsed = useElapsed(startedAt, running);
  if (steps.length === 0 && !running) return null;
  const last = steps[steps.length - 1]?.t ?? 0;
  const span = Math.max(1000, running ? Math.max(elapsed, last) : last) * 1.04;
  const pos = (t: number) => `${Math.min(100, (t / span) * 100)}%`;
  const stopped = at(steps, 'crashing master') ?? at(steps, 'freezing master') ?? at(steps, 'stopping master') ?? at(steps, 'graceful failover');
  const served = at(steps, 'slots served') ?? at(steps, 'promoted');
  const lane = lanes(steps, span);
  return (
    <section className="drill-timeline" aria-label="Drill timeline" data-testid="drill-timeline">
      <div className="timeline-track">
        {stopped !== null && (
          <div className="timeline-window" style={{ left: pos(stopped), width: `calc(${pos(served ?? (running ? elapsed : last))} - ${pos(stopped)})` }} title="from the stop until a new master serves the slots (writes meanwhile fail, or wait in the client)">
            <span>{served === null ? 'no master yet…' : 'no master'}</span>
          </div>
        )}
        {stopped !== null && nodeTimeoutMs !== null && (
          <div className="timeline-timeout" style={{ left: pos(stopped + nodeTimeoutMs) }} title={`node timeout (${nodeTimeoutMs} ms after the stop)`}>
            <span>node timeout</span>
          </div>
        )}
        {running && <div className="timeline-now" style={{ left: pos(elapsed) }} aria-hidden="true" />}
        {steps.map((s, i) => (
          <span key={`${s.at}-${s.step}`} className={`timeline-dot kind-${KIND[s.step] ?? 'neutral'}`} style={{ left: pos(s.t), bottom: `${(lane[i] ?? 0) * 22 - 11}px` }} title={`${offset(s.t)} ${s.step}: ${s.detail}`}>
            {i + 1}
          </span>
        ))}
      </div>
      <div className="timeline-axis muted small" aria-hidden="true">
        <span>0 s</span>
        <span>{offset(span / 2)}</span>
        <span>{offset(span)}</span>
      </div>
      {running && (
        <p className="loading small" role="status">
          <span className="spinner" aria-hidden="true" /> running for {(elapsed / 1000).toFixed(1)} s…
        </p>
      )}
      <ol className="timeline-list">
        {steps.map((s) => (
          <li key={`${s.at}-${s.step}`} data-testid="drill-step" data-step={s.step} className={`kind-${KIND[s.step] ?? 'neutral'}`}>
            <span className="timeline-t">{offset(s.t)}</span>
            <strong>{s.step}</strong>
            <span className="muted">{s.detail}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
