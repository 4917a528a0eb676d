/**
 * Likes with an optimistic count: the button answers at once, the engine's answer settles the
 * count, and an error puts everything back. "saved" is shown only when the engine says a replica
 * acknowledged the write (R3).
 *
 * The engine does not say whether someone already liked a post, so what this user liked is
 * remembered on this machine and corrected by the answers (a like that changes nothing means
 * the post was already liked).
 */
import { create } from 'zustand';
import { client } from '../api/client';
import { readable, type ReadableError } from '../api/errors';
import { loadJson, saveJson } from '../lib/storage';
import { useDiscover } from './discover';
import { usePosts } from './posts';
import { me } from './session';

const REMEMBERED = 500;
const storageKey = (username: string) => `redk.liked.${username}`;

export type SaveState = 'saving' | 'saved' | 'unconfirmed';

interface LikesState {
  owner: string | null;
  liked: Record<string, boolean>;
  save: Record<string, SaveState>;
  errors: Record<string, ReadableError>;
  /** Reads what `username` liked on this machine before. */
  load(username: string): void;
  toggle(postId: string): Promise<void>;
  reset(): void;
}

function likedFor(username: string): Record<string, boolean> {
  return Object.fromEntries(loadJson<string[]>(storageKey(username), []).map((id) => [id, true]));
}

function persist(username: string, liked: Record<string, boolean>) {
  const ids = Object.keys(liked).filter((id) => liked[id]);
  saveJson(storageKey(username), ids.slice(-REMEMBERED));
}

export const useLikes = create<LikesState>((set, get) => ({
  owner: null,
  liked: {},
  save: {},
  errors: {},
  load: (username) => set({ owner: username, liked: likedFor(username), save: {}, errors: {} }),
  async toggle(postId) {
    const username = me();
    if (!username || get().owner !== username || get().save[postId] === 'saving') return;
    const posts = usePosts.getState();
    const before = { liked: Boolean(get().liked[postId]), count: posts.byId[postId]?.likesCount ?? 0 };
    const like = !before.liked;
    const mark = (liked: boolean, save: SaveState | undefined, error?: ReadableError) =>
      set((s) => {
        const next = { ...s.liked, [postId]: liked };
        persist(username, next);
        const saveMap = { ...s.save };
        if (save) saveMap[postId] = save;
        else delete saveMap[postId];
        const errors = { ...s.errors };
        if (error) errors[postId] = error;
        else delete errors[postId];
        return { liked: next, save: saveMap, errors };
      });

    mark(like, 'saving');
    posts.patch(postId, { likesCount: Math.max(0, before.count + (like ? 1 : -1)) });
    try {
      const outcome = await client.call(like ? 'likes.like' : 'likes.unlike', { postId, username });
      if (me() !== username) return;
      // Unchanged means the engine already had it our way: the answer is the truth either way.
      mark(like, outcome.durable ? 'saved' : 'unconfirmed');
      usePosts.getState().patch(postId, { likesCount: outcome.count });
      // A like moves the post in trending: show the new ranking.
      if (outcome.changed) void useDiscover.getState().loadTrending();
    } catch (err) {
      mark(before.liked, undefined, readable(err));
      usePosts.getState().patch(postId, { likesCount: before.count });
    }
  },
  reset: () => set({ owner: null, liked: {}, save: {}, errors: {} }),
}));
