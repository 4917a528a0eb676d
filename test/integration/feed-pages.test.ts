/** U1 beyond the first page: feeds.get with `before` walks a long feed without gaps or repeats. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Post } from '../../src/shared/types';
import type { Engine } from '../../src/main/core/engine';
import { keys } from '../../src/main/core/keys';
import { startTestEngine } from '../helpers/engine';
import { prepareSlotMove } from '../helpers/move-slot';

describe('feed pages', () => {
  let engine: Engine;
  let call: Awaited<ReturnType<typeof startTestEngine>>['call'];
  const written: string[] = [];

  beforeAll(async () => {
    ({ engine, call } = await startTestEngine());
    for (const u of ['pager', 'pal', 'quiet']) await call('users.create', { username: u, displayName: u, password: 'password1' });
    await call('follows.follow', { follower: 'pal', followee: 'pager' });
    for (let i = 0; i < 123; i++) {
      const { id } = await call<{ id: string }>('posts.create', { author: i % 3 === 0 ? 'quiet' : 'pager', text: `post ${i}` });
      if (i % 3 !== 0) written.push(id);
    }
  }, 120_000);
  afterAll(async () => {
    await engine?.stop();
  });

  async function walk(username: string, kind: 'all' | 'following' | 'self'): Promise<{ pages: number[]; ids: string[] }> {
    const pages: number[] = [];
    const ids: string[] = [];
    let before: number | undefined;
    for (let n = 0; n < 20; n++) {
      const page = await call<Post[]>('feeds.get', before === undefined ? { username, kind } : { username, kind, before });
      pages.push(page.length);
      ids.push(...page.map((p) => p.id));
      if (page.length < 50) break;
      before = page[page.length - 1]!.createdAt;
    }
    return { pages, ids };
  }

  it('pages of 50, newest first, every post once, for self and for a follower', async () => {
    const newestFirst = [...written].reverse();
    const self = await walk('pager', 'self');
    expect(self.pages).toEqual([50, 32]);
    expect(self.ids).toEqual(newestFirst);
    const following = await walk('pal', 'following');
    expect(following.ids).toEqual(newestFirst);
    // Only the first page is cached (U1); later pages come from the store.
    expect(await engine.redis.exists(keys.feed('pal', 'following'))).toBe(1);
  });

  it('a page after the last post is empty, and a bad cursor is refused', async () => {
    const oldest = await walk('pager', 'self');
    const last = (await call<Post[]>('feeds.get', { username: 'pager', kind: 'self', before: 1 }));
    expect(last).toEqual([]);
    expect(oldest.ids.length).toBe(82);
    await expect(call('feeds.get', { username: 'pager', kind: 'self', before: -5 })).rejects.toMatchObject({ code: 'invalid_input', status: 400 });
    await expect(call('feeds.get', { username: 'pager', kind: 'self', before: 'yesterday' })).rejects.toMatchObject({ status: 400 });
  });

  it('comment counters that expired are counted again from the store, all at once, and cached again', async () => {
    const [a, b, c] = [written[written.length - 1]!, written[written.length - 2]!, written[written.length - 3]!];
    for (const [postId, n] of [[a, 2], [b, 1]] as const) {
      for (let i = 0; i < n; i++) await call('comments.add', { postId, author: 'pal', text: `comment ${i}` });
    }
    // What U4's 120 s TTL does to a feed's counters.
    for (const postId of [a, b, c]) await engine.redis.del(keys.commentsCount(postId));
    const many = vi.spyOn(engine.stores.documents, 'countCommentsOf');
    const one = vi.spyOn(engine.stores.documents, 'countComments');
    const feed = await call<Post[]>('feeds.get', { username: 'pager', kind: 'self' });
    expect(many).toHaveBeenCalledTimes(1);
    expect(new Set(many.mock.calls[0]![0])).toEqual(new Set([a, b, c]));
    expect(one).not.toHaveBeenCalled();
    many.mockRestore();
    one.mockRestore();
    expect(feed.slice(0, 3).map((p) => [p.id, p.commentsCount])).toEqual([[a, 2], [b, 1], [c, 0]]);
    expect(await engine.redis.get(keys.commentsCount(a))).toBe('2');
    expect(await engine.redis.get(keys.commentsCount(c))).toBe('0');
    expect(await engine.redis.ttl(keys.commentsCount(b))).toBeGreaterThan(0);
  });

  it('a user following more than one store query names (2,000 authors) sees the newest posts of all of them, page after page', async () => {
    // 4,500 followed accounts, put straight into the stores (the seeder's bulk path).
    const names = Array.from({ length: 4500 }, (_, i) => `many${String(i).padStart(5, '0')}`);
    const now = Date.now();
    await engine.stores.documents.createUsers(names.map((username) => ({ username, displayName: username, createdAt: now })));
    await engine.stores.graph.addUsers(names);
    await call('users.create', { username: 'follows_many', displayName: 'Follows many', password: 'password1' });
    await engine.stores.graph.followMany(names.map((followee) => ({ follower: 'follows_many', followee })));
    // Posts by accounts in the first, the middle and the last query's share of the list.
    const authors = ['many00003', 'many02500', 'many04499', 'many04498', 'many01999', 'many02000'];
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) ids.push((await call<{ id: string }>('posts.create', { author: authors[i % authors.length], text: `from a long follow list ${i}` })).id);
    const { pages, ids: seen } = await walk('follows_many', 'following');
    expect(pages.slice(0, 2)).toEqual([50, 10]);
    expect(seen).toEqual([...ids].reverse());
  }, 120_000);

  /** Per post, the counts and the viewer's flag as post_counts.lua gives them one post at a time. */
  async function oneByOne(posts: Post[], viewer: string) {
    return Promise.all(posts.map(async (p) => {
      const v = await engine.social.likes.view(p.id, viewer);
      return { id: p.id, likesCount: v.likes ?? p.likesCount, commentsCount: v.comments, likedByMe: v.liked };
    }));
  }

  it('a page reads its counts with one script per master, and gives what the post-by-post script gives', async () => {
    const page = await call<Post[]>('feeds.get', { username: 'pal', kind: 'following', viewer: 'pal' });
    for (const p of page.slice(0, 7)) await call('likes.like', { postId: p.id, username: 'pal' });
    for (const p of page.slice(3, 9)) await call('likes.like', { postId: p.id, username: 'quiet' });
    const view = vi.spyOn(engine.social.likes, 'view');
    try {
      const again = await call<Post[]>('feeds.get', { username: 'pal', kind: 'following', viewer: 'pal' });
      expect(view, 'no post asked for on its own: every master holds several posts of the page').not.toHaveBeenCalled();
      view.mockRestore();
      expect(again.map((p) => ({ id: p.id, likesCount: p.likesCount, commentsCount: p.commentsCount, likedByMe: p.likedByMe }))).toEqual(await oneByOne(again, 'pal'));
      expect(again.slice(0, 9).map((p) => [p.likesCount, p.likedByMe])).toEqual([[1, true], [1, true], [1, true], [2, true], [2, true], [2, true], [2, true], [1, false], [1, false]]);
    } finally {
      view.mockRestore();
    }
  });

  it('a slot moved behind the client\'s back (its slot table is old): that master\'s posts are asked one by one, with the right counts', async () => {
    const page = await call<Post[]>('feeds.get', { username: 'pal', kind: 'following', viewer: 'pal' });
    const moved = page[1]!;
    await call('likes.like', { postId: moved.id, username: 'quiet' }).catch(() => undefined);
    const before = (await oneByOne([moved], 'pal'))[0]!;
    const { slot, owner, move } = await prepareSlotMove(engine, keys.likesCount(moved.id));
    const view = vi.spyOn(engine.social.likes, 'view');
    await move();
    try {
      const slotsBefore = engine.redis.slots[slot]?.[0];
      expect(slotsBefore, 'the client still names the old owner').toBe(`${owner.options.host}:${owner.options.port}`);
      const again = await call<Post[]>('feeds.get', { username: 'pal', kind: 'following', viewer: 'pal' });
      expect(view.mock.calls.map((c) => c[0]), 'the posts of the group with the moved post, one by one').toContain(moved.id);
      const got = again.find((p) => p.id === moved.id)!;
      expect({ id: got.id, likesCount: got.likesCount, commentsCount: got.commentsCount, likedByMe: got.likedByMe }).toEqual(before);
      view.mockRestore();
      expect(again.map((p) => ({ id: p.id, likesCount: p.likesCount, commentsCount: p.commentsCount, likedByMe: p.likedByMe }))).toEqual(await oneByOne(again, 'pal'));
    } finally {
      view.mockRestore();
      await move(true);
    }
  });
});
