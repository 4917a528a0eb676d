/** Where the user is: the top-level section and, inside Social, which screen. */
import { create } from 'zustand';

export type Section = 'social' | 'cluster';
export type SocialScreen = { name: 'home' } | { name: 'profile'; username: string } | { name: 'messages' };

interface NavState {
  section: Section;
  screen: SocialScreen;
  go(section: Section): void;
  show(screen: SocialScreen): void;
  reset(): void;
}

export const useNav = create<NavState>((set) => ({
  section: 'social',
  screen: { name: 'home' },
  go: (section) => set({ section }),
  show: (screen) => set({ section: 'social', screen }),
  reset: () => set({ screen: { name: 'home' } }),
}));
