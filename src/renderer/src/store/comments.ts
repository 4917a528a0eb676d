/** Comments shown inline under a post (U4): opened on demand, newest first. */
import { create } from 'zustand';
import type { Comment } from '../../../shared/types';
import { client } from '../api/client';
import { readable, type ReadableError } from '../api/errors';
import { idle, type Loadable } from '../lib/status';
import { usePosts } from './posts';
import { me } from './session';

interface Thread extends Loadable<Comment[]> {
  adding: boolean;
  addError: ReadableError | null;
  /** Older comments than shown may exist: pages from the store (comments.list with `before`). */
  hasMore: boolean;
  loadingOlder: boolean;
}

/** The cached window holds the newest 100; a history page up to 50 (fewer: the first comment). */
const WINDOW = 100;
const PAGE = 50;

const emptyThread = (): Thread => ({ ...idle<Comment[]>([]), adding: false, addError: null, hasMore: false, loadingOlder: false });

interface CommentsState {
  open: Record<string, boolean>;
  threads: Record<string, Thread>;
  toggle(postId: string): void;
  load(postId: string): Promise<void>;
  /** The page of comments older than the last one shown. */
  loadOlder(postId: string): Promise<void>;
  add(postId: string, text: string): Promise<boolean>;
  reset(): void;
}

export const useComments = create<CommentsState>((set, get) => {
  const update = (postId: string, change: Partial<Thread>) =>
    set((s) => ({ threads: { ...s.threads, [postId]: { ...(s.threads[postId] ?? emptyThread()), ...change } } }));
  return {
    open: {},
    threads: {},
    toggle(postId) {
      const open = !get().open[postId];
      set((s) => ({ open: { ...s.open, [postId]: open } }));
      if (open) void get().load(postId);
    },
    async load(postId) {
      update(postId, { status: 'loading', error: null });
      try {
        const comments = await client.call('comments.list', { postId });
        update(postId, { data: comments, status: 'ready', hasMore: comments.length >= WINDOW });
        usePosts.getState().patch(postId, { commentsCount: Math.max(comments.length, usePosts.getState().byId[postId]?.commentsCount ?? 0) });
      } catch (err) {
        update(postId, { status: 'error', error: readable(err) });
      }
    },
    async loadOlder(postId) {
      const thread = get().threads[postId];
      if (!thread || thread.data.length === 0 || !thread.hasMore || thread.loadingOlder) return;
      const oldest = thread.data.reduce((o, c) => (c.createdAt < o.createdAt || (c.createdAt === o.createdAt && c.id < o.id) ? c : o));
      update(postId, { loadingOlder: true, error: null });
      try {
        const older = await client.call('comments.list', { postId, before: oldest.createdAt, beforeId: oldest.id });
        const shown = new Set((get().threads[postId]?.data ?? []).map((c) => c.id));
        update(postId, { loadingOlder: false, hasMore: older.length >= PAGE, data: [...(get().threads[postId]?.data ?? []), ...older.filter((c) => !shown.has(c.id))] });
      } catch (err) {
        update(postId, { loadingOlder: false, error: readable(err) });
      }
    },
    async add(postId, text) {
      const author = me();
      if (!author) return false;
      update(postId, { adding: true, addError: null });
      try {
        const comment = await client.call('comments.add', { postId, author, text });
        const thread = get().threads[postId] ?? emptyThread();
        update(postId, { adding: false, data: [comment, ...thread.data.filter((c) => c.id !== comment.id)] });
        const post = usePosts.getState().byId[postId];
        if (post) usePosts.getState().patch(postId, { commentsCount: post.commentsCount + 1 });
        return true;
      } catch (err) {
        update(postId, { adding: false, addError: readable(err) });
        return false;
      }
    },
    reset: () => set({ open: {}, threads: {} }),
  };
});
