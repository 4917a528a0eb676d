/** L1, R2, R3 and U3 against the real cluster: atomic likes, rebuilt counters, durable acks, windows. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LikeOutcome, Post, TrendingEntry } from '../../src/shared/types';
import type { Engine } from '../../src/main/core/engine';
import { keys } from '../../src/main/core/keys';
import { runScript } from '../../src/main/core/lua/scripts';
import { startTestEngine } from '../helpers/engine';

describe('likes and trending on the real cluster', () => {
  let engine: Engine;
  let call: Awaited<ReturnType<typeof startTestEngine>>['call'];
  let now = Date.UTC(2026, 10, 25, 12);
  let postId = '';
  const users = Array.from({ length: 100 }, (_, i) => `liker${i}`);

  beforeAll(async () => {
    ({ engine, call } = await startTestEngine({ clock: () => (now += 1) }));
    await call('users.create', { username: 'author', displayName: 'Author', password: 'password1' });
    for (const u of users) await call('users.create', { username: u, displayName: u, password: 'password1' });
    postId = (await call<{ id: string }>('posts.create', { author: 'author', text: 'like me' })).id;
  });
  afterAll(async () => {
    await engine?.stop();
  });

  it('100 concurrent likes by one user count once', async () => {
    const results = await Promise.all(Array.from({ length: 100 }, () => call<LikeOutcome>('likes.like', { postId, username: 'liker0' })));
    expect(results.filter((r) => r.changed)).toHaveLength(1);
    expect((await call<Post>('posts.get', { id: postId })).likesCount).toBe(1);
  });

  it('100 concurrent likes by 100 users count 100, each acknowledged by a replica (R3)', async () => {
    const results = await Promise.all(users.map((username) => call<LikeOutcome>('likes.like', { postId, username })));
    expect(results.filter((r) => r.changed)).toHaveLength(99);
    expect(results.every((r) => r.durable)).toBe(true);
    expect((await call<Post>('posts.get', { id: postId })).likesCount).toBe(100);
    expect(await engine.redis.scard(keys.likesUsers(postId))).toBe(100);
    expect(await call<TrendingEntry[]>('trending.get', { window: 'all' })).toEqual([{ postId, score: 100 }]);
  });

  it('racing likes and unlikes end consistent: counter = like set = trending', async () => {
    const ops = users.flatMap((username, i) => [
      call<LikeOutcome>(i % 2 ? 'likes.unlike' : 'likes.like', { postId, username }),
      call<LikeOutcome>('likes.unlike', { postId, username }),
      call<LikeOutcome>('likes.like', { postId, username }),
    ]);
    await Promise.all(ops);
    const members = await engine.redis.scard(keys.likesUsers(postId));
    const counter = Number(await engine.redis.get(keys.likesCount(postId)));
    expect(counter).toBe(members);
    const trending = await call<TrendingEntry[]>('trending.get', { window: 'all' });
    expect(trending[0]?.score ?? 0).toBe(counter);
  });

  it('a lost counter is rebuilt from the store, never restarted at 0 (R2)', async () => {
    for (const username of users) await call('likes.unlike', { postId, username });
    for (const username of users.slice(0, 30)) await call('likes.like', { postId, username });
    await engine.sync.flush();
    await engine.redis.del(keys.likesCount(postId), keys.likesUsers(postId));
    const again = await call<LikeOutcome>('likes.like', { postId, username: 'liker5' });
    expect(again).toMatchObject({ changed: false, count: 30 });
    const fresh = await call<LikeOutcome>('likes.like', { postId, username: 'liker50' });
    expect(fresh).toMatchObject({ changed: true, count: 31 });
  });

  it('tells a viewer whether they liked a post, also when the like set had to be rebuilt', async () => {
    const { id } = await call<{ id: string }>('posts.create', { author: 'author', text: 'seen by whom?' });
    await call('likes.like', { postId: id, username: 'liker1' });
    expect(await call<Post>('posts.get', { id, viewer: 'liker1' })).toMatchObject({ likesCount: 1, likedByMe: true });
    expect(await call<Post>('posts.get', { id, viewer: 'liker2' })).toMatchObject({ likesCount: 1, likedByMe: false });
    expect((await call<Post>('posts.get', { id })).likedByMe).toBeUndefined();
    await engine.sync.flush();
    await engine.redis.del(keys.likesCount(id), keys.likesUsers(id));
    const feed = await call<Post[]>('feeds.get', { username: 'author', kind: 'self', viewer: 'liker1' });
    expect(feed.find((p) => p.id === id)).toMatchObject({ likesCount: 1, likedByMe: true });
  });

  it('a feed read without a viewer shows the store\'s likes count where the counter is not cached', async () => {
    const { id } = await call<{ id: string }>('posts.create', { author: 'author', text: 'counted in the store' });
    for (const username of ['liker7', 'liker8']) await call('likes.like', { postId: id, username });
    await engine.sync.flush();
    await engine.redis.del(keys.likesCount(id), keys.likesUsers(id));
    // Imported straight into the store (as the seeder does): no counter was ever in Redis.
    await engine.stores.documents.createPost({ id: 'imported-1', author: 'author', text: 'seeded', createdAt: now + 1000, likesCount: 5 });
    await engine.redis.del(keys.feed('author', 'self'));
    const feed = await call<Post[]>('feeds.get', { username: 'author', kind: 'self' });
    expect(feed.find((p) => p.id === id)?.likesCount).toBe(2);
    expect(feed.find((p) => p.id === 'imported-1')?.likesCount).toBe(5);
    // Read-only: nothing was rebuilt in Redis by a read without a viewer.
    expect(await engine.redis.exists(keys.likesCount('imported-1'))).toBe(0);
  });

  it('tells a viewer whether they follow a profile', async () => {
    await call('follows.follow', { follower: 'liker3', followee: 'author' });
    expect(await call<{ followedByViewer?: boolean; followers: number }>('users.get', { username: 'author', viewer: 'liker3' })).toMatchObject({ followedByViewer: true, followers: 1 });
    expect((await call<{ followedByViewer?: boolean }>('users.get', { username: 'author', viewer: 'liker4' })).followedByViewer).toBe(false);
    await call('follows.unfollow', { follower: 'liker3', followee: 'author' });
    expect((await call<{ followedByViewer?: boolean }>('users.get', { username: 'author', viewer: 'liker3' })).followedByViewer).toBe(false);
  });

  it('lists whom a user follows, by name, and says when the list is cut', async () => {
    for (const followee of ['liker2', 'author', 'liker1']) await call('follows.follow', { follower: 'liker4', followee });
    expect(await call('follows.list', { username: 'liker4' })).toEqual({ following: ['author', 'liker1', 'liker2'], truncated: false });
    expect(await call('follows.list', { username: 'liker4', limit: 2 })).toEqual({ following: ['author', 'liker1'], truncated: true });
    await call('follows.unfollow', { follower: 'liker4', followee: 'liker1' });
    expect(await call('follows.list', { username: 'liker4' })).toEqual({ following: ['author', 'liker2'], truncated: false });
    expect(await call('follows.list', { username: 'liker5' })).toEqual({ following: [], truncated: false });
    for (const followee of ['liker2', 'author']) await call('follows.unfollow', { follower: 'liker4', followee });
  });

  it('the Lua like refuses a second like and reports a missing counter', async () => {
    const [count, set] = [keys.likesCount('luatest'), keys.likesUsers('luatest')];
    const withOps = [count, set, keys.opLog(count), keys.likesDirty('luatest')];
    expect(await runScript(engine.redis, 'likeOnce', withOps, ['ann', 'o1', 60])).toEqual([-1, 0]);
    await engine.redis.set(count, 0);
    expect(await runScript(engine.redis, 'likeOnce', withOps, ['ann', 'o2', 60])).toEqual([1, 1]);
    expect(await runScript(engine.redis, 'likeOnce', withOps, ['ann', 'o3', 60])).toEqual([0, 1]);
    expect(await runScript(engine.redis, 'unlikeOnce', withOps, ['bob', 'o4', 60])).toEqual([0, 1]);
    expect(await runScript(engine.redis, 'unlikeOnce', withOps, ['ann', 'o5', 60])).toEqual([1, 0]);
    // Changes not written back yet (the dirty number is there): a rebuild never overwrites them.
    expect(await engine.redis.get(keys.likesDirty('luatest'))).toBe('2');
    expect(await runScript(engine.redis, 'hydrateLikes', withOps, [60, 5, 'x'])).toBe(0);
    // The two-key form (no op marker, as the failover drill's writers call it) behaves the same.
    expect(await runScript(engine.redis, 'like', [count, set], ['cy'])).toEqual([1, 1]);
    expect(await runScript(engine.redis, 'like', [count, set], ['cy'])).toEqual([0, 1]);
    expect(await runScript(engine.redis, 'unlike', [count, set], ['cy'])).toEqual([1, 0]);
  });

  it('the 1 h and 24 h windows forget old likes; all-time keeps them', async () => {
    const old = (await call<{ id: string }>('posts.create', { author: 'author', text: 'old news' })).id;
    for (const username of users.slice(0, 3)) await call('likes.like', { postId: old, username });
    const scoreOf = async (window: 'all' | '1h' | '24h') => (await call<TrendingEntry[]>('trending.get', { window })).find((e) => e.postId === old)?.score;
    expect(await scoreOf('1h')).toBe(3);
    now += 2 * 3_600_000;
    await engine.social.trending.recompute();
    expect(await scoreOf('1h')).toBeUndefined();
    expect(await scoreOf('24h')).toBe(3);
    now += 23 * 3_600_000;
    await engine.social.trending.recompute();
    expect(await scoreOf('24h')).toBeUndefined();
    expect(await scoreOf('all')).toBe(3);
  });

  it('answers with a trace of the Redis work: the like script on the post\'s slot, WAIT on the same node', async () => {
    const res = await engine.router.dispatch('likes.like', { postId, username: 'liker99' }, { trace: true });
    const trace = res.body.trace!;
    const script = trace.redis.find((e) => e.command === 'EVALSHA like.lua' || e.command === 'EVAL like.lua');
    expect(script?.key).toBe(keys.likesCount(postId));
    const info = await call<{ slot: number; master: { address: string } }>('cluster.keyslot', { key: keys.likesCount(postId) });
    expect(script?.slot).toBe(info.slot);
    expect(script?.node).toBe(info.master.address);
    const wait = trace.redis.find((e) => e.command === 'WAIT');
    expect(wait?.node).toBe(info.master.address);
    expect(trace.ms).toBeGreaterThan(0);
    // A profile read names its key (HMGET: ioredis's command tracing hides HGETALL's arguments).
    const profile = (await engine.router.dispatch('users.get', { username: 'liker98' }, { trace: true })).body.trace!;
    expect(profile.redis.filter((e) => e.command === 'HMGET').map((e) => e.key)).toEqual([keys.profile('liker98')]);
  });

  it('unknown posts and users are refused with not_found and write nothing', async () => {
    await expect(call('likes.like', { postId: 'nope', username: 'liker1' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(call('likes.like', { postId, username: 'ghost' })).rejects.toMatchObject({ code: 'not_found' });
    expect(await engine.redis.exists(keys.likesCount('nope'))).toBe(0);
  });
});
