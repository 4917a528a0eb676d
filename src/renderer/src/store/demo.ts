/**
 * First run: is the network empty, and a demo network being loaded by the engine (demo.load),
 * followed through its `demo.progress` events.
 */
import { create } from 'zustand';
import type { DemoLoad } from '../../../shared/types';
import { client } from '../api/client';
import { readable, type ReadableError } from '../api/errors';

export type DemoSize = 1000 | 10_000 | 100_000;

interface DemoState {
  /** null until the engine answered. */
  empty: boolean | null;
  load: DemoLoad | null;
  /** demo.load was sent and has not answered yet (the button waits). */
  starting: boolean;
  error: ReadableError | null;
  check(): Promise<void>;
  start(users: DemoSize): Promise<void>;
  /** Follows demo.progress while the sign-in screen shows; returns the unsubscribe. */
  listen(): () => void;
}

export const useDemo = create<DemoState>((set, get) => ({
  empty: null,
  load: null,
  starting: false,
  error: null,
  async check() {
    try {
      const [stats, { load }] = await Promise.all([client.call('stats.get', {}), client.call('demo.status', {})]);
      set({ empty: stats.usersCount === 0, load: load ?? get().load });
    } catch (err) {
      set({ error: readable(err) });
    }
  },
  async start(users) {
    if (get().starting) return;
    set({ error: null, starting: true });
    try {
      const load = await client.call('demo.load', { users });
      // An event may have come first: keep whichever is further.
      if (!get().load || get().load?.state !== 'running' || (get().load?.percent ?? 0) <= load.percent) set({ load });
    } catch (err) {
      set({ error: readable(err) });
    } finally {
      set({ starting: false });
    }
  },
  listen() {
    return client.on('demo.progress', (load) => set({ load, ...(load.state === 'done' ? { empty: false } : {}) }));
  },
}));
