import { useEffect, useRef } from 'react';
import { useTrace } from '../../store/trace';
import { Empty } from '../common/States';
import { CallTraceView } from './CallTraceView';

export const DRAWER_TOGGLE_ID = 'redis-drawer-toggle';
const SHOWN_OPEN = 3;

/** "What happened in Redis": each recent call and the commands it ran. Escape closes it. */
export function RedisDrawer() {
  const { open, calls, setOpen, clear } = useTrace();
  const closeRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    closeRef.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      setOpen(false);
      document.getElementById(DRAWER_TOGGLE_ID)?.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [open, setOpen]);

  if (!open) return null;
  return (
    <aside id="redis-drawer" className="drawer" aria-label="What happened in Redis" data-testid="redis-drawer">
      <header className="drawer-head">
        <h2>What happened in Redis</h2>
        <button type="button" className="ghost" onClick={clear} disabled={calls.length === 0}>
          Clear
        </button>
        <button ref={closeRef} type="button" className="ghost" aria-label="Close (Escape)" onClick={() => setOpen(false)} data-testid="drawer-close">
          ×
        </button>
      </header>
      <p className="muted small drawer-intro">
        Each call your actions made, newest first: the Redis commands it ran, the key each touched, the hash slot of that key and the node that answered.
      </p>
      {calls.length === 0 ? (
        <Empty title="Nothing traced yet" testId="trace-empty">
          Post, like, open a feed or send a message, and the Redis commands behind it show up here.
        </Empty>
      ) : (
        <div className="trace-list">
          {calls.map((call, i) => (
            <CallTraceView key={call.seq} call={call} open={i < SHOWN_OPEN} />
          ))}
        </div>
      )}
    </aside>
  );
}
