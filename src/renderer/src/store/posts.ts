/**
 * Every post the app has seen, by id. Feeds, profiles and trending keep only ids, so a like
 * changes the count in every place the post shows at once.
 */
import { create } from 'zustand';
import type { Post } from '../../../shared/types';

interface PostsState {
  byId: Record<string, Post>;
  upsert(posts: Post[]): void;
  patch(id: string, change: Partial<Post>): void;
  reset(): void;
}

export const usePosts = create<PostsState>((set) => ({
  byId: {},
  upsert: (posts) => set((s) => ({ byId: { ...s.byId, ...Object.fromEntries(posts.map((p) => [p.id, p])) } })),
  patch: (id, change) =>
    set((s) => {
      const post = s.byId[id];
      return post ? { byId: { ...s.byId, [id]: { ...post, ...change } } } : s;
    }),
  reset: () => set({ byId: {} }),
}));

/** Stores the posts and returns their ids, in order. */
export function keepPosts(posts: Post[]): string[] {
  usePosts.getState().upsert(posts);
  return posts.map((p) => p.id);
}
