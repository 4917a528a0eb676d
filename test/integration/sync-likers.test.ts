/**
 * R8, second half: the full sync pass writes who liked (the like sets), not only the counts, so
 * likes whose background write never happened (an engine killed before its flush) reach the store.
 */
import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Engine } from '../../src/main/core/engine';
import { keys } from '../../src/main/core/keys';
import { LikeCache } from '../../src/main/core/cache/likes';
import { startTestEngine } from '../helpers/engine';
import { prepareSlotMove } from '../helpers/move-slot';

describe('the full sync pass copies who liked', () => {
  let engine: Engine;
  let call: Awaited<ReturnType<typeof startTestEngine>>['call'];

  beforeAll(async () => {
    ({ engine, call } = await startTestEngine());
    for (const u of ['ann', 'bob', 'cy']) await call('users.create', { username: u, displayName: u, password: 'password1' });
  });
  afterAll(async () => {
    await engine?.stop();
  });

  it('likes only in Redis (no background write) reach the store; likers gone from Redis leave it', async () => {
    const { id } = await call<{ id: string }>('posts.create', { author: 'ann', text: 'synced likers' });
    // Written straight to Redis, as a like whose engine died before its flush leaves it.
    await engine.redis.sadd(keys.likesUsers(id), 'ann', 'bob');
    await engine.redis.set(keys.likesCount(id), 2);
    await engine.stores.documents.recordLikes([{ postId: id, username: 'cy', liked: true, at: 1 }]);
    expect(await engine.stores.documents.likers(id)).toEqual(['cy']);
    await engine.sync.syncAll();
    expect(await engine.stores.documents.likers(id)).toEqual(['ann', 'bob']);
    expect((await engine.stores.documents.getPost(id))?.likesCount).toBe(2);
  });

  it('a like set larger than one SMEMBERS (SSCAN path) is copied whole, and so is its shrinking', async () => {
    const { id } = await call<{ id: string }>('posts.create', { author: 'ann', text: 'popular' });
    const names = Array.from({ length: 2500 }, (_, i) => `fan${i}`);
    await engine.redis.sadd(keys.likesUsers(id), ...names);
    await engine.redis.set(keys.likesCount(id), names.length);
    await engine.sync.syncAll();
    expect(await engine.stores.documents.likers(id)).toEqual([...names].sort());
    expect((await engine.stores.documents.getPost(id))?.likesCount).toBe(2500);
    await engine.redis.srem(keys.likesUsers(id), ...names.slice(0, 100));
    await engine.redis.set(keys.likesCount(id), 2400);
    await engine.sync.syncAll();
    expect(await engine.stores.documents.likers(id)).toEqual(names.slice(100).sort());
  });

  it('likes made through the engine and then the pass: the store holds exactly the like sets of every post', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push((await call<{ id: string }>('posts.create', { author: 'bob', text: `p${i}` })).id);
    await Promise.all(ids.flatMap((id, i) => ['ann', 'bob', 'cy'].slice(0, i % 4).map((username) => call('likes.like', { postId: id, username }))));
    await Promise.all(ids.filter((_, i) => i % 5 === 0).map((id) => call('likes.unlike', { postId: id, username: 'ann' })));
    await engine.sync.syncAll();
    for (const id of ids) {
      expect(await engine.stores.documents.likers(id)).toEqual((await engine.redis.smembers(keys.likesUsers(id))).sort());
    }
  });

  /** Every like key of the posts made dirty as a like makes it (dirty number up, no TTL): the pass must look at each. */
  async function makeDirty(ids: string[]) {
    for (const id of ids) {
      const [count, users, , dirty] = LikeCache.keysOf(id);
      await Promise.all([engine.redis.incr(dirty!), engine.redis.persist(count!), engine.redis.persist(users!)]);
    }
  }

  async function expectStoreEqualsRedis(ids: string[]) {
    for (const id of ids) {
      expect(await engine.stores.documents.likers(id), `likers of ${id}`).toEqual((await engine.redis.smembers(keys.likesUsers(id))).sort());
      expect((await engine.stores.documents.getPost(id))?.likesCount, `likes_count of ${id}`).toBe(Number(await engine.redis.get(keys.likesCount(id))));
    }
  }

  it('the pass compares with the store and writes only what differs: a missing liker, an extra one, a wrong count', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await call<{ id: string }>('posts.create', { author: 'cy', text: `compared ${i}` })).id);
    await Promise.all(ids.flatMap((id, i) => ['ann', 'bob', 'cy'].slice(0, 1 + (i % 3)).map((username) => call('likes.like', { postId: id, username }))));
    await engine.sync.flush();
    await expectStoreEqualsRedis(ids);
    // What a lost write leaves: the store without a like Redis has, with one Redis no longer
    // has, and with an old count.
    await engine.stores.documents.recordLikes([{ postId: ids[0]!, username: 'ann', liked: false }]);
    await engine.stores.documents.recordLikes([{ postId: ids[1]!, username: 'zed', liked: true, at: 5 }]);
    await engine.stores.documents.setLikeCounts([{ postId: ids[2]!, count: 99 }]);
    await makeDirty(ids);
    const recordLikes = vi.spyOn(engine.stores.documents, 'recordLikes');
    const setLikeCounts = vi.spyOn(engine.stores.documents, 'setLikeCounts');
    try {
      await engine.sync.syncAll();
      // Pages come in the order of the masters' SCANs: sorted by post.
      const written = recordLikes.mock.calls.flatMap(([changes]) => changes.filter((c) => ids.includes(c.postId))).sort((a, b) => ids.indexOf(a.postId) - ids.indexOf(b.postId));
      expect(written.map(({ postId, username, liked }) => ({ postId, username, liked }))).toEqual([
        { postId: ids[0], username: 'ann', liked: true },
        { postId: ids[1], username: 'zed', liked: false },
      ]);
      expect(setLikeCounts.mock.calls.flatMap(([counts]) => counts.filter((c) => ids.includes(c.postId)))).toEqual([{ postId: ids[2], count: 3 }]);
    } finally {
      recordLikes.mockRestore();
      setLikeCounts.mockRestore();
    }
    await expectStoreEqualsRedis(ids);
  });

  it('a slot moved between the SCAN and the read of its page: the page is read key by key, the store still ends equal; a settle or a read of counters that meets an old slot table goes post by post', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push((await call<{ id: string }>('posts.create', { author: 'ann', text: `moving ${i}` })).id);
    await Promise.all(ids.map((id) => call('likes.like', { postId: id, username: 'cy' })));
    await engine.sync.flush();
    const moved = ids[0]!;
    // A like that only Redis has (its engine died before the write-back).
    await engine.redis.sadd(keys.likesUsers(moved), 'bob');
    await engine.redis.incr(keys.likesCount(moved));
    await makeDirty(ids);
    // The sync engine's own client (the one that does not wait behind a WAIT).
    const client = (engine.sync as unknown as { redis: Cluster }).redis;
    const { slot, owner, other, move } = await prepareSlotMove(engine, keys.likesCount(moved), client);
    const address = (m: typeof owner) => `${m.options.host}:${m.options.port}`;
    type Scan = (...args: unknown[]) => Promise<[string, string[]]>;
    const scanOf = owner as unknown as { scan: Scan };
    const originalScan = scanOf.scan.bind(owner);
    let pageSize = 0;
    const scan = vi.spyOn(scanOf, 'scan').mockImplementation(async (...args: unknown[]) => {
      const reply = await originalScan(...args);
      if (pageSize === 0 && reply[1].includes(keys.likesCount(moved))) {
        pageSize = reply[1].length;
        await move();
      }
      return reply;
    });
    const byKeys = vi.spyOn(engine.sync as unknown as { readPageByKeys: (...a: unknown[]) => Promise<unknown> }, 'readPageByKeys');
    const one = vi.spyOn(engine.sync as unknown as { settleOne: (...a: unknown[]) => Promise<number> }, 'settleOne');
    try {
      await engine.sync.syncAll();
      expect(pageSize, 'the page with the moved counter had others of its master').toBeGreaterThan(1);
      expect(byKeys).toHaveBeenCalled();
      expect(await engine.stores.documents.likers(moved)).toEqual(['bob', 'cy']);
      await expectStoreEqualsRedis(ids);
      // Back to its first master, and the client's table says the other one (as it does after a
      // move it has not heard of): the settle script of that master fails, its posts go one by one.
      await move(true);
      client.slots[slot] = [address(other)];
      // The write-back's read of counters and dirty numbers, with that old table: the group of
      // the other master fails its script and is read post by post (MGET follows the redirect).
      const mget = vi.spyOn(client, 'mget');
      const readCounters = (engine.sync as unknown as { readCounters(p: string[]): Promise<(string | null)[][]> }).readCounters.bind(engine.sync);
      const counters = await readCounters(ids);
      expect(mget.mock.calls.map((c) => c[0])).toContain(keys.likesCount(moved));
      mget.mockRestore();
      for (const [i, id] of ids.entries()) expect(counters[i], `counter and dirty number of ${id}`).toEqual([await engine.redis.get(keys.likesCount(id)), await engine.redis.get(keys.likesDirty(id))]);
      client.slots[slot] = [address(other)];
      await engine.sync.settleWritten(0);
      expect(one.mock.calls.map((c) => c[0])).toContain(moved);
      // The posts flushed before makeDirty were settled with the dirty number of that flush, which
      // no longer matches: they are written once more (the flush reads the number again), then settled.
      await engine.sync.flush();
      await engine.sync.settleWritten(0);
      for (const id of ids) {
        const [count, users, , dirty] = LikeCache.keysOf(id);
        expect(await engine.redis.pttl(count!), `TTL of ${count}`).toBeGreaterThan(0);
        expect(await engine.redis.pttl(users!), `TTL of ${users}`).toBeGreaterThan(0);
        expect(await engine.redis.exists(dirty!), `${dirty} deleted`).toBe(0);
      }
    } finally {
      scan.mockRestore();
      byKeys.mockRestore();
      one.mockRestore();
    }
  });
});
