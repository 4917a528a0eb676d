/** The cluster topology, loaded once and then followed through pushed 'cluster.topology' events. */
import { create } from 'zustand';
import type { Topology } from '../../../shared/types';
import { client } from '../api/client';
import { sharedFollow } from '../lib/shared-follow';

interface ClusterState {
  topology: Topology | null;
  error: string | null;
  loading: boolean;
  /** True while pushed events arrive (WebSocket / IPC). */
  live: boolean;
  load(): Promise<void>;
  /** Loads once, then follows topology events; returns the unsubscribe. Shared by every caller. */
  follow(): () => void;
}

export const useCluster = create<ClusterState>((set, get) => ({
  topology: null,
  error: null,
  loading: false,
  live: client.transport.kind === 'electron',
  async load() {
    set({ loading: true });
    try {
      const topology = await client.call('cluster.topology', {});
      set({ topology, error: null, loading: false });
    } catch (err) {
      set({ error: (err as Error).message, loading: false });
    }
  },
  follow: sharedFollow(() => {
    void get().load();
    const offTopology = client.on('cluster.topology', (topology) => set({ topology, error: null }));
    const offStatus = client.transport.onStatus?.((live) => {
      set({ live });
      // Events sent while disconnected are gone: read the current state again.
      if (live) void get().load();
    });
    return () => {
      offTopology();
      offStatus?.();
    };
  }),
}));
