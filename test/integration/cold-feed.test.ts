/**
 * A cold feed (nothing in Redis) read with a viewer: the like counters and like sets of its posts
 * are rebuilt from one store read for the whole page (likersOf), not a post read and a likers
 * read per post, with exactly hydrate_likes.lua's rules (R2: a counter is never restarted at 0).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Post } from '../../src/shared/types';
import type { Engine } from '../../src/main/core/engine';
import { keys } from '../../src/main/core/keys';
import { startTestEngine } from '../helpers/engine';
import { flushCluster } from '../helpers/flush';
import { countStoreCalls } from '../helpers/store-calls';

describe('cold feeds in a few store queries', () => {
  let engine: Engine;
  let call: Awaited<ReturnType<typeof startTestEngine>>['call'];

  beforeAll(async () => {
    ({ engine, call } = await startTestEngine());
  });
  afterAll(async () => {
    await engine?.stop();
  });

  it('rebuilds every post\'s like counter and like set from one likersOf, and reads the page in 4 store calls', async () => {
    for (const u of ['reader', 'author', 'liker1', 'liker2']) await call('users.create', { username: u, displayName: u, password: 'password1' });
    await call('follows.follow', { follower: 'reader', followee: 'author' });
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push((await call<{ id: string }>('posts.create', { author: 'author', text: `post ${i}` })).id);
    // Likes through the engine, written back to the store (so their like records exist there).
    const likedBy: Record<string, string[]> = { [ids[29]!]: ['reader', 'liker1'], [ids[28]!]: ['liker2'], [ids[3]!]: ['reader'] };
    for (const [postId, users] of Object.entries(likedBy)) for (const username of users) await call('likes.like', { postId, username });
    await call('likes.like', { postId: ids[27]!, username: 'liker1' });
    await call('likes.unlike', { postId: ids[27]!, username: 'liker1' });
    await engine.sync.flush();
    // A post whose store has a count but no like records (imported data): its count must survive.
    const now = Date.now() * 2;
    await engine.stores.documents.createPosts([{ id: 'imported-1', author: 'author', text: 'imported', createdAt: now, likesCount: 7 }]);
    await flushCluster(engine.redis);

    const counter = countStoreCalls({ documents: engine.stores.documents, graph: engine.stores.graph });
    let feed: Post[];
    try {
      feed = await call<Post[]>('feeds.get', { username: 'reader', kind: 'following', viewer: 'reader' });
      const calls = counter.calls();
      expect(calls['documents.likersOf'], 'one likers read for the page').toBe(1);
      expect(calls['documents.getPost'] ?? 0, 'no post read per post').toBe(0);
      expect(calls['documents.likers'] ?? 0, 'no likers read per post').toBe(0);
      // The follow list, the posts, the comment counts, the likers. The viewer is known to this
      // engine already (it liked posts above), so no profile is read: a feed checks only that
      // its users exist, once per engine (3 more calls the first time a name is seen).
      expect(counter.total(), JSON.stringify(calls)).toBe(4);
      expect(calls['documents.getUser'] ?? 0, 'no profile read for a known viewer').toBe(0);
    } finally {
      counter.restore();
    }
    expect(feed.length).toBe(31);
    expect(feed[0]).toMatchObject({ id: 'imported-1', likesCount: 7, likedByMe: false });
    const byId = new Map(feed.map((p) => [p.id, p]));
    expect(byId.get(ids[29]!)).toMatchObject({ likesCount: 2, likedByMe: true });
    expect(byId.get(ids[28]!)).toMatchObject({ likesCount: 1, likedByMe: false });
    expect(byId.get(ids[27]!)).toMatchObject({ likesCount: 0, likedByMe: false });
    expect(byId.get(ids[3]!)).toMatchObject({ likesCount: 1, likedByMe: true });
    expect(byId.get(ids[0]!)).toMatchObject({ likesCount: 0, likedByMe: false });
    // Rebuilt in Redis as hydrate_likes.lua does it: counter, like set, ops log.
    expect(await engine.redis.get(keys.likesCount('imported-1'))).toBe('7');
    expect(await engine.redis.get(keys.likesCount(ids[29]!))).toBe('2');
    expect((await engine.redis.smembers(keys.likesUsers(ids[29]!))).sort()).toEqual(['liker1', 'reader']);
    expect(await engine.redis.get(keys.likesCount(ids[0]!))).toBe('0');
    expect(await engine.redis.exists(keys.opLog(keys.likesCount(ids[0]!)))).toBe(1);
    // A like after the rebuild counts on from there, never from 0.
    expect(await call('likes.like', { postId: 'imported-1', username: 'liker2' })).toMatchObject({ changed: true, count: 8 });
    expect(await call('likes.like', { postId: ids[29]!, username: 'reader' })).toMatchObject({ changed: false, count: 2 });

    // Warm now: the same read asks the store nothing. (The two likes above are written back
    // first: their background write-back is not the read's, and would land in its count.)
    await engine.sync.flush();
    const warm = countStoreCalls({ documents: engine.stores.documents, graph: engine.stores.graph });
    try {
      const again = await call<Post[]>('feeds.get', { username: 'reader', kind: 'following', viewer: 'reader' });
      expect(again[0]).toMatchObject({ id: 'imported-1', likesCount: 8, likedByMe: false });
      expect(warm.total(), JSON.stringify(warm.calls())).toBe(0);
    } finally {
      warm.restore();
    }
  });

  it('a counter that exists is never overwritten by the page\'s rebuild (a like that lands first wins)', async () => {
    await call('users.create', { username: 'early', displayName: 'early', password: 'password1' });
    const { id } = await call<{ id: string }>('posts.create', { author: 'author', text: 'raced' });
    await call('likes.like', { postId: id, username: 'early' });
    await engine.sync.flush();
    await flushCluster(engine.redis);
    // Between the page's likersOf and its scripts, a like rebuilds the counter on its own and adds to it.
    const documents = engine.stores.documents;
    const { likersOf } = documents;
    documents.likersOf = async (postIds) => {
      const snapshot = await likersOf.call(documents, postIds);
      await call('likes.like', { postId: id, username: 'liker1' });
      return snapshot;
    };
    let feed: Post[];
    try {
      feed = await call<Post[]>('feeds.get', { username: 'reader', kind: 'following', viewer: 'early' });
    } finally {
      documents.likersOf = likersOf;
    }
    expect(feed.find((p) => p.id === id)).toMatchObject({ likesCount: 2, likedByMe: true });
    expect(await engine.redis.get(keys.likesCount(id))).toBe('2');
  });
});
