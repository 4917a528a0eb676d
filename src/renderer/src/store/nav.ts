/** Where the user is: the top-level section and, inside Social, which screen; inside Cluster, which panel. */
import { create } from 'zustand';

export type Section = 'social' | 'cluster';
export type SocialScreen = { name: 'home' } | { name: 'profile'; username: string } | { name: 'messages' };
export type ClusterTab = 'topology' | 'keys' | 'metrics' | 'alerts' | 'failover' | 'operations';

interface NavState {
  section: Section;
  screen: SocialScreen;
  clusterTab: ClusterTab;
  go(section: Section): void;
  show(screen: SocialScreen): void;
  showCluster(tab: ClusterTab): void;
  reset(): void;
}

export const useNav = create<NavState>((set) => ({
  section: 'social',
  screen: { name: 'home' },
  clusterTab: 'topology',
  go: (section) => set({ section }),
  show: (screen) => set({ section: 'social', screen }),
  showCluster: (clusterTab) => set({ section: 'cluster', clusterTab }),
  reset: () => set({ screen: { name: 'home' } }),
}));
