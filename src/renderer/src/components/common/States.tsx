import type { ReactNode } from 'react';

/** A designed "loading" line, announced to screen readers. */
export function Loading({ children }: { children: ReactNode }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {children}
    </p>
  );
}

/** What an empty list says: what is missing and what to do about it. */
export function Empty({ title, children, testId }: { title: string; children?: ReactNode; testId?: string }) {
  return (
    <div className="empty" data-testid={testId}>
      <strong>{title}</strong>
      {children && <p className="muted">{children}</p>}
    </div>
  );
}
