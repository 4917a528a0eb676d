/** The profile on screen: someone's counts and their own posts (their self feed). */
import { create } from 'zustand';
import type { User } from '../../../shared/types';
import { client } from '../api/client';
import { readable, type ReadableError } from '../api/errors';
import type { LoadStatus } from '../lib/status';
import { keepPosts } from './posts';
import { me } from './session';

interface ProfileState {
  username: string | null;
  user: User | null;
  postIds: string[];
  status: LoadStatus;
  error: ReadableError | null;
  open(username: string): Promise<void>;
  reload(): Promise<void>;
  reset(): void;
}

export const useProfile = create<ProfileState>((set, get) => ({
  username: null,
  user: null,
  postIds: [],
  status: 'idle',
  error: null,
  async open(username) {
    const same = get().username === username;
    set({ username, status: 'loading', error: null, ...(same ? {} : { user: null, postIds: [] }) });
    const viewer = me();
    try {
      const [user, posts] = await Promise.all([
        client.call('users.get', { username }),
        client.call('feeds.get', { username, kind: 'self' }),
      ]);
      if (get().username !== username || me() !== viewer) return;
      set({ user, postIds: keepPosts(posts), status: 'ready' });
    } catch (err) {
      if (get().username === username) set({ status: 'error', error: readable(err) });
    }
  },
  async reload() {
    const username = get().username;
    if (username) await get().open(username);
  },
  reset: () => set({ username: null, user: null, postIds: [], status: 'idle', error: null }),
}));
