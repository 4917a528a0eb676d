/**
 * The failover drill (O3) and manual CLUSTER FAILOVER. The drill's timeline arrives step by
 * step as 'cluster.failover' events while the call is still running; the call's result carries
 * the whole timeline again, which replaces whatever events were missed.
 */
import { create } from 'zustand';
import type { DrillResult, DrillStep, FailoverResult } from '../../../shared/types';
import { client } from '../api/client';
import { readable, type ReadableError } from '../api/errors';
import { sharedFollow } from '../lib/shared-follow';
import { useCluster } from './cluster';

/**
 * What the panel offers: crash (SIGKILL; the supervisor promotes the replica at once and restarts
 * the node), native (the same crash, left to Redis's gossip), hang (SIGSTOP past the node
 * timeout), shutdown (SHUTDOWN NOSAVE, a polite stop) and graceful (CLUSTER FAILOVER).
 */
export type DrillMode = 'crash' | 'native' | 'hang' | 'shutdown' | 'graceful';

/** The first step of every drill: a new one has begun (maybe from another window). */
const FIRST_STEP = 'load';
const LAST_STEP = 'verified';

interface FailoverState {
  /** Master to stop by port; null means the engine's default, the owner of slot 0. */
  port: number | null;
  mode: DrillMode;
  /** This window asked for a drill and waits for its result. */
  running: boolean;
  /** Steps arrive for a drill another window started. */
  watching: boolean;
  startedAt: number | null;
  steps: DrillStep[];
  result: DrillResult | null;
  error: ReadableError | null;
  nodeTimeoutMs: number | null;
  /** Manual failover: the replica being promoted, and the last answer (the node is a master then, off the replica list). */
  promoting: string | null;
  lastPromotion: FailoverResult | null;
  promoteError: { nodeId: string; error: ReadableError } | null;
  setPort(port: number | null): void;
  setMode(mode: DrillMode): void;
  run(): Promise<void>;
  promote(nodeId: string): Promise<void>;
  follow(): () => void;
}

export const useFailover = create<FailoverState>((set, get) => ({
  port: null,
  mode: 'crash',
  running: false,
  watching: false,
  startedAt: null,
  steps: [],
  result: null,
  error: null,
  nodeTimeoutMs: null,
  promoting: null,
  lastPromotion: null,
  promoteError: null,
  setPort: (port) => set({ port }),
  setMode: (mode) => set({ mode }),
  async run() {
    if (get().running || get().promoting) return;
    const { port, mode } = get();
    set({ running: true, watching: false, startedAt: Date.now(), steps: [], result: null, error: null });
    try {
      const input = mode === 'native' ? { fault: 'crash' as const, native: true } : { fault: mode };
      const result = await client.call('cluster.drill', { port: port ?? undefined, ...input });
      set({ result, steps: result.timeline, nodeTimeoutMs: result.nodeTimeoutMs });
    } catch (err) {
      set({ error: readable(err) });
    } finally {
      set({ running: false });
      void useCluster.getState().load();
    }
  },
  async promote(nodeId) {
    if (get().running || get().promoting) return;
    set({ promoting: nodeId, promoteError: null, lastPromotion: null });
    try {
      const result = await client.call('cluster.failover', { nodeId });
      set({ lastPromotion: result });
    } catch (err) {
      set({ promoteError: { nodeId, error: readable(err) } });
    } finally {
      set({ promoting: null });
      void useCluster.getState().load();
    }
  },
  follow: sharedFollow(() => {
    if (get().nodeTimeoutMs === null) {
      client.call('engine.info', {}).then(
        (info) => set({ nodeTimeoutMs: info.cluster.nodeTimeoutMs }),
        () => undefined,
      );
    }
    return client.on('cluster.failover', (step) => {
      set((s) => {
        // The result may have landed first (it carries the whole timeline): a late event is old news.
        if (s.steps.some((x) => x.at === step.at && x.step === step.step)) return s;
        const fresh = step.step === FIRST_STEP;
        const mine = s.running;
        return {
          steps: fresh ? [step] : [...s.steps, step],
          startedAt: fresh && !mine ? step.at - step.t : s.startedAt,
          result: fresh && !mine ? null : s.result,
          watching: !mine && step.step !== LAST_STEP,
        };
      });
    });
  }),
}));
