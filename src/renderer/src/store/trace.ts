/** The "what happened in Redis" drawer: the Redis trace of each recent call, newest first. */
import { create } from 'zustand';
import type { CallTrace } from '../../../shared/errors';
import { client } from '../api/client';

const KEEP = 40;

export interface TracedCall {
  seq: number;
  at: number;
  trace: CallTrace;
}

interface TraceState {
  calls: TracedCall[];
  open: boolean;
  setOpen(open: boolean): void;
  clear(): void;
}

let seq = 0;

export const useTrace = create<TraceState>((set) => ({
  calls: [],
  open: false,
  setOpen: (open) => set({ open }),
  clear: () => set({ calls: [] }),
}));

/** Polled every few seconds by the inspector: listing them would push the user's own calls out. */
const POLLED = new Set(['cluster.metrics']);

client.onTrace((trace) => {
  if (POLLED.has(trace.method)) return;
  useTrace.setState((s) => ({ calls: [{ seq: ++seq, at: Date.now(), trace }, ...s.calls].slice(0, KEEP) }));
});
