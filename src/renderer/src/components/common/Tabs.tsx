import { useRef, type KeyboardEvent } from 'react';

interface Props<T extends string> {
  label: string;
  options: { value: T; label: string }[];
  value: T;
  onChange(value: T): void;
  testId: string;
}

/** A tab strip: Tab reaches the selected tab, arrow keys move between tabs (WAI-ARIA tabs). */
export function Tabs<T extends string>({ label, options, value, onChange, testId }: Props<T>) {
  const listRef = useRef<HTMLDivElement>(null);
  const onKeyDown = (e: KeyboardEvent) => {
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    e.preventDefault();
    const i = options.findIndex((o) => o.value === value);
    const next = options[(i + step + options.length) % options.length];
    if (!next) return;
    onChange(next.value);
    listRef.current?.querySelector<HTMLButtonElement>(`[data-value="${next.value}"]`)?.focus();
  };
  return (
    <div ref={listRef} className="tabs" role="tablist" aria-label={label} onKeyDown={onKeyDown}>
      {options.map((o) => (
        <button
          key={o.value}
          type="button"
          role="tab"
          className={`tab${o.value === value ? ' tab-active' : ''}`}
          aria-selected={o.value === value}
          tabIndex={o.value === value ? 0 : -1}
          data-value={o.value}
          data-testid={`${testId}-${o.value}`}
          onClick={() => onChange(o.value)}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}
