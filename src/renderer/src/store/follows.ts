/**
 * Follow and unfollow, from a profile or a suggestion. Whom the user follows is asked from the
 * engine at sign-in (`follows.list`) and remembered on this machine, so that the first screen
 * does not wait for it; every profile read (which says whether the viewer follows it) and every
 * follow answer keep it right afterwards.
 */
import { create } from 'zustand';
import { client } from '../api/client';
import { readable, type ReadableError } from '../api/errors';
import { loadJson, saveJson } from '../lib/storage';
import { useDiscover } from './discover';
import { useFeed } from './feed';
import { useProfile } from './profile';
import { me, useSession } from './session';

const storageKey = (username: string) => `redk.follows.${username}`;

interface FollowsState {
  owner: string | null;
  following: Record<string, boolean>;
  busy: Record<string, boolean>;
  errors: Record<string, ReadableError>;
  load(username: string): void;
  setFollowing(other: string, follow: boolean): Promise<void>;
  /** What the engine said (a profile read with the viewer): corrects this machine's memory. */
  learn(other: string, following: boolean): void;
  reset(): void;
}

export const useFollows = create<FollowsState>((set, get) => ({
  owner: null,
  following: {},
  busy: {},
  errors: {},
  load(username) {
    const remembered: Record<string, boolean> = loadJson(storageKey(username), {});
    set({ owner: username, following: remembered, busy: {}, errors: {} });
    void (async () => {
      try {
        const { following, truncated } = await client.call('follows.list', { username, limit: 5000 });
        if (get().owner !== username) return;
        const listed = Object.fromEntries(following.map((other) => [other, true]));
        // A follow or unfollow answered while the list was on its way is newer than the list;
        // a cut list cannot say who is not followed.
        const current = get().following;
        const known = truncated || current !== remembered ? { ...listed, ...current } : listed;
        saveJson(storageKey(username), known);
        set({ following: known });
      } catch {
        // The remembered list stays; profiles and follow answers correct it as they come.
      }
    })();
  },
  async setFollowing(other, follow) {
    const username = me();
    if (!username || get().busy[other]) return;
    set((s) => ({ busy: { ...s.busy, [other]: true }, errors: Object.fromEntries(Object.entries(s.errors).filter(([k]) => k !== other)) }));
    try {
      const pair = { follower: username, followee: other };
      await client.call(follow ? 'follows.follow' : 'follows.unfollow', pair);
      if (me() !== username) return;
      const following = { ...get().following, [other]: follow };
      saveJson(storageKey(username), following);
      set((s) => ({ following, busy: { ...s.busy, [other]: false } }));
      // What a follow changes elsewhere: the feeds, the suggestions and both users' counts.
      useFeed.getState().invalidate();
      void useDiscover.getState().loadSuggestions();
      void useSession.getState().refresh();
      if (useProfile.getState().username === other) void useProfile.getState().reload();
    } catch (err) {
      set((s) => ({ busy: { ...s.busy, [other]: false }, errors: { ...s.errors, [other]: readable(err) } }));
    }
  },
  learn(other, following) {
    const username = me();
    if (!username || get().owner !== username || get().following[other] === following) return;
    const next = { ...get().following, [other]: following };
    saveJson(storageKey(username), next);
    set({ following: next });
  },
  reset: () => set({ owner: null, following: {}, busy: {}, errors: {} }),
}));
