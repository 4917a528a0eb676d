import type { ReactNode } from 'react';

/** One term of a `dl.facts` grid: a label, the value (with a test id), and an optional note under it. */
export function Fact({ label, testId, note, warn, good, children }: { label: string; testId?: string; note?: ReactNode; warn?: boolean; good?: boolean; children: ReactNode }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd data-testid={testId} className={warn ? 'warn' : good ? 'good' : undefined}>
        {children}
      </dd>
      {note && <dd className="muted small">{note}</dd>}
    </div>
  );
}
