/**
 * O1 metrics history for the session: cluster.metrics polled every 2 s while a panel that
 * shows it is on screen, bounded to the last 15 minutes.
 */
import { useMemo } from 'react';
import { create } from 'zustand';
import type { ClusterMetrics, NodeMetrics } from '../../../shared/types';
import { client } from '../api/client';
import { readable, type ReadableError } from '../api/errors';
import { sharedFollow } from '../lib/shared-follow';

export const POLL_MS = 2000;
export const HISTORY_MS = 15 * 60_000;
const MAX_SAMPLES = Math.ceil(HISTORY_MS / POLL_MS) + 10;

interface MetricsState {
  samples: ClusterMetrics[];
  error: ReadableError | null;
  poll(): Promise<void>;
  /** Polls while at least one caller watches; returns the stop. */
  watch(): () => void;
  clear(): void;
}

export const useMetrics = create<MetricsState>((set, get) => ({
  samples: [],
  error: null,
  async poll() {
    try {
      const sample = await client.call('cluster.metrics', {});
      set((s) => {
        const from = sample.at - HISTORY_MS;
        const kept = s.samples.filter((x) => x.at >= from && x.at < sample.at);
        return { samples: [...kept, sample].slice(-MAX_SAMPLES), error: null };
      });
    } catch (err) {
      set({ error: readable(err) });
    }
  },
  watch: sharedFollow(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // One call at a time: the next poll is scheduled when the previous one has answered.
    const tick = async () => {
      if (!document.hidden) await get().poll();
      if (!stopped) timer = setTimeout(() => void tick(), POLL_MS);
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }),
  clear: () => set({ samples: [] }),
}));

/** The newest sample, or undefined before the first answer. */
export const useLatestMetrics = () => useMetrics((s) => s.samples[s.samples.length - 1]);

const NO_METRICS: Record<string, NodeMetrics> = {};

/** The newest metrics by node id (empty before the first answer). */
export function useMetricsByNode(): Record<string, NodeMetrics> {
  const latest = useLatestMetrics();
  return useMemo(() => (latest ? Object.fromEntries(latest.nodes.map((n) => [n.id, n])) : NO_METRICS), [latest]);
}
