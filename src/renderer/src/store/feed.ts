/** The signed-in user's three feeds (U1) and the composer that adds to them. */
import { create } from 'zustand';
import { client } from '../api/client';
import { readable, type ReadableError } from '../api/errors';
import { idle, type Loadable } from '../lib/status';
import { afterFirstPage, noPaging, olderPage, type FeedPaging } from './feed-pages';
import { useFollows } from './follows';
import { keepPosts } from './posts';
import { me, useSession } from './session';

export type FeedKind = 'all' | 'following' | 'self';
export const FEED_KINDS: FeedKind[] = ['all', 'following', 'self'];

type Lists = Record<FeedKind, Loadable<string[]>>;
const emptyLists = (): Lists => ({ all: idle([]), following: idle([]), self: idle([]) });

type Pagings = Record<FeedKind, FeedPaging>;
const emptyPagings = (): Pagings => ({ all: noPaging(), following: noPaging(), self: noPaging() });

interface FeedState {
  kind: FeedKind;
  lists: Lists;
  paging: Pagings;
  posting: boolean;
  postError: ReadableError | null;
  /** Posts made since the feed on screen was loaded that belong in it (from 'posts.new'). */
  fresh: number;
  select(kind: FeedKind): void;
  load(kind?: FeedKind): Promise<void>;
  /** The next page of older posts, appended (no-op while one loads or at the end). */
  loadMore(kind?: FeedKind): Promise<void>;
  /** Posts, then reloads the feed on screen (the engine invalidated the cached ones). */
  publish(text: string): Promise<boolean>;
  /** A follow or a new post changed what feeds show: reload the one on screen, the others when opened. */
  invalidate(): void;
  /** Live: counts other people's new posts that the feed on screen would show; returns the stop. */
  follow(): () => void;
  /** Counts the posts at the head of the feed on screen that it does not show yet (no events were seen for them). */
  catchUp(): Promise<void>;
  reset(): void;
}

export const useFeed = create<FeedState>((set, get) => ({
  kind: 'all',
  lists: emptyLists(),
  paging: emptyPagings(),
  posting: false,
  postError: null,
  fresh: 0,
  select(kind) {
    set({ kind, fresh: 0 });
    if (get().lists[kind].status !== 'ready') void get().load(kind);
  },
  async load(kind = get().kind) {
    const username = me();
    if (!username) return;
    const setList = (list: Partial<Loadable<string[]>>) =>
      set((s) => (me() === username ? { lists: { ...s.lists, [kind]: { ...s.lists[kind], ...list } } } : s));
    setList({ status: 'loading', error: null });
    if (kind === get().kind) set({ fresh: 0 });
    try {
      const posts = await client.call('feeds.get', { username, kind });
      setList({ data: keepPosts(posts), status: 'ready' });
      set((s) => (me() === username ? { paging: { ...s.paging, [kind]: afterFirstPage(posts.length) } } : s));
    } catch (err) {
      setList({ status: 'error', error: readable(err) });
    }
  },
  async loadMore(kind = get().kind) {
    const username = me();
    const { lists, paging } = get();
    const ids = lists[kind].data;
    if (!username || ids.length === 0 || !paging[kind].hasMore || paging[kind].loading || lists[kind].status !== 'ready') return;
    // Applied only while the list is the one this page continues (a reload brings its own paging).
    const apply = (change: (s: FeedState) => Partial<FeedState>) => set((s) => (me() === username && s.lists[kind].data === ids ? change(s) : s));
    apply((s) => ({ paging: { ...s.paging, [kind]: { ...s.paging[kind], loading: true, error: null } } }));
    try {
      const page = await olderPage(username, kind, ids);
      apply((s) => ({
        lists: page ? { ...s.lists, [kind]: { ...s.lists[kind], data: page.ids } } : s.lists,
        paging: { ...s.paging, [kind]: { hasMore: page?.hasMore ?? false, loading: false, error: null } },
      }));
    } catch (err) {
      apply((s) => ({ paging: { ...s.paging, [kind]: { ...s.paging[kind], loading: false, error: readable(err) } } }));
    }
  },
  async publish(text) {
    const author = me();
    if (!author) return false;
    set({ posting: true, postError: null });
    try {
      await client.call('posts.create', { author, text });
      set({ posting: false });
      get().invalidate();
      void useSession.getState().refresh();
      return true;
    } catch (err) {
      set({ posting: false, postError: readable(err) });
      return false;
    }
  },
  invalidate() {
    const { kind, lists } = get();
    set((s) => ({ lists: { ...emptyLists(), [kind]: lists[kind] }, paging: { ...emptyPagings(), [kind]: s.paging[kind] } }));
    void get().load(kind);
  },
  follow() {
    const off = client.on('posts.new', (post) => {
      const username = me();
      const { kind, lists } = get();
      if (!username || post.author === username || lists[kind].status !== 'ready' || lists[kind].data.includes(post.id)) return;
      // Whom the user follows is known on this machine (see follows.ts); the self feed has only their own.
      const followed = useFollows.getState().following[post.author] === true;
      if (kind !== 'self' && followed) set((s) => ({ fresh: s.fresh + 1 }));
    });
    // Posts made while the event stream was down, or before it first opened, are not replayed.
    const offStatus = client.transport.onStatus?.((live) => {
      if (live) void get().catchUp();
    });
    return () => {
      off();
      offStatus?.();
    };
  },
  async catchUp() {
    const username = me();
    const { kind, lists } = get();
    const shown = lists[kind];
    if (!username || kind === 'self' || shown.status !== 'ready') return;
    try {
      const head = await client.call('feeds.get', { username, kind });
      if (me() !== username || get().kind !== kind || get().lists[kind].data !== shown.data) return;
      const ids = new Set(shown.data);
      const firstShown = head.findIndex((p) => ids.has(p.id));
      const newer = (firstShown === -1 ? head : head.slice(0, firstShown)).filter((p) => p.author !== username).length;
      if (newer > get().fresh) set({ fresh: newer });
    } catch {
      // Nothing to show; the next reconnection or refresh looks again.
    }
  },
  reset: () => set({ kind: 'all', lists: emptyLists(), paging: emptyPagings(), posting: false, postError: null, fresh: 0 }),
}));
