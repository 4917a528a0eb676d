import { create } from 'zustand';
import type { Alert, Topology } from '../../../shared/types';
import { client } from '../api/client';

interface ClusterState {
  topology: Topology | null;
  alerts: Alert[];
  error: string | null;
  loading: boolean;
  /** True while pushed events arrive (WebSocket / IPC). */
  live: boolean;
  load(): Promise<void>;
  /** Loads once, then follows topology and alert events; returns the unsubscribe. */
  follow(): () => void;
}

export const useCluster = create<ClusterState>((set, get) => ({
  topology: null,
  alerts: [],
  error: null,
  loading: false,
  live: client.transport.kind === 'electron',
  async load() {
    set({ loading: true });
    try {
      const [topology, alerts] = await Promise.all([client.call('cluster.topology', {}), client.call('cluster.alerts', {})]);
      set({ topology, alerts, error: null, loading: false });
    } catch (err) {
      set({ error: (err as Error).message, loading: false });
    }
  },
  follow() {
    void get().load();
    const offTopology = client.on('cluster.topology', (topology) => set({ topology, error: null }));
    const offAlerts = client.on('cluster.alerts', (alerts) => set({ alerts }));
    const offStatus = client.transport.onStatus?.((live) => {
      set({ live });
      // Events sent while disconnected are gone: read the current state again.
      if (live) void get().load();
    });
    return () => {
      offTopology();
      offAlerts();
      offStatus?.();
    };
  },
}));
