/** The profile on screen: someone's counts and their own posts (their self feed). */
import { create } from 'zustand';
import type { User } from '../../../shared/types';
import { client } from '../api/client';
import { readable, type ReadableError } from '../api/errors';
import type { LoadStatus } from '../lib/status';
import { afterFirstPage, noPaging, olderPage, type FeedPaging } from './feed-pages';
import { useFollows } from './follows';
import { keepPosts } from './posts';
import { me } from './session';

interface ProfileState {
  username: string | null;
  user: User | null;
  postIds: string[];
  /** Older posts, loaded as the list is scrolled to its end. */
  paging: FeedPaging;
  status: LoadStatus;
  error: ReadableError | null;
  open(username: string): Promise<void>;
  reload(): Promise<void>;
  loadMore(): Promise<void>;
  reset(): void;
}

export const useProfile = create<ProfileState>((set, get) => ({
  username: null,
  user: null,
  postIds: [],
  paging: noPaging(),
  status: 'idle',
  error: null,
  async open(username) {
    const same = get().username === username;
    set({ username, status: 'loading', error: null, ...(same ? {} : { user: null, postIds: [] }) });
    const viewer = me();
    try {
      const [user, posts] = await Promise.all([
        client.call('users.get', viewer && viewer !== username ? { username, viewer } : { username }),
        client.call('feeds.get', { username, kind: 'self' }),
      ]);
      if (get().username !== username || me() !== viewer) return;
      set({ user, postIds: keepPosts(posts), paging: afterFirstPage(posts.length), status: 'ready' });
      if (user.followedByViewer !== undefined) useFollows.getState().learn(username, user.followedByViewer);
    } catch (err) {
      if (get().username === username) set({ status: 'error', error: readable(err) });
    }
  },
  async reload() {
    const username = get().username;
    if (username) await get().open(username);
  },
  async loadMore() {
    const { username, postIds, paging, status } = get();
    if (!username || status !== 'ready' || !paging.hasMore || paging.loading) return;
    // Applied only while the list is the one this page continues (a reopen brings its own paging).
    const apply = (change: Partial<ProfileState>) => set((s) => (s.username === username && s.postIds === postIds ? change : s));
    apply({ paging: { ...paging, loading: true, error: null } });
    try {
      const page = await olderPage(username, 'self', postIds);
      apply({ postIds: page?.ids ?? postIds, paging: { hasMore: page?.hasMore ?? false, loading: false, error: null } });
    } catch (err) {
      apply({ paging: { ...paging, loading: false, error: readable(err) } });
    }
  },
  reset: () => set({ username: null, user: null, postIds: [], paging: noPaging(), status: 'idle', error: null }),
}));
