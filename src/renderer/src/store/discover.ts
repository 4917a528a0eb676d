/** The right rail: trending posts (U3) and who to follow (U6). */
import { create } from 'zustand';
import type { Suggestion, TrendingEntry } from '../../../shared/types';
import { client } from '../api/client';
import { readable } from '../api/errors';
import { idle, type Loadable } from '../lib/status';
import { usePosts } from './posts';
import { me } from './session';

export type TrendingWindow = 'all' | '1h' | '24h';

interface DiscoverState {
  window: TrendingWindow;
  trending: Loadable<TrendingEntry[]>;
  suggestions: Loadable<Suggestion[]>;
  loadTrending(window?: TrendingWindow): Promise<void>;
  loadSuggestions(): Promise<void>;
  reset(): void;
}

/** Trending lists only ids: read the posts the app has not seen yet. A post gone since is left out. */
async function fetchMissingPosts(entries: TrendingEntry[]): Promise<TrendingEntry[]> {
  const known = usePosts.getState().byId;
  const fetched = await Promise.all(
    entries.map(async (e) => (known[e.postId] ? known[e.postId] : client.call('posts.get', { id: e.postId }).catch(() => null))),
  );
  usePosts.getState().upsert(fetched.filter((p) => p !== null && p !== undefined));
  return entries.filter((_, i) => fetched[i]);
}

export const useDiscover = create<DiscoverState>((set, get) => ({
  window: 'all',
  trending: idle([]),
  suggestions: idle([]),
  async loadTrending(window = get().window) {
    set((s) => ({ window, trending: { ...s.trending, status: 'loading', error: null } }));
    try {
      const entries = await fetchMissingPosts(await client.call('trending.get', { window }));
      if (get().window === window) set({ trending: { data: entries, status: 'ready', error: null } });
    } catch (err) {
      if (get().window === window) set((s) => ({ trending: { ...s.trending, status: 'error', error: readable(err) } }));
    }
  },
  async loadSuggestions() {
    const username = me();
    if (!username) return;
    set((s) => ({ suggestions: { ...s.suggestions, status: 'loading', error: null } }));
    try {
      const items = await client.call('suggestions.get', { username });
      if (me() === username) set({ suggestions: { data: items, status: 'ready', error: null } });
    } catch (err) {
      set((s) => ({ suggestions: { ...s.suggestions, status: 'error', error: readable(err) } }));
    }
  },
  reset: () => set({ window: 'all', trending: idle([]), suggestions: idle([]) }),
}));
