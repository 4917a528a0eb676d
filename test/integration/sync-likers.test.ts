/**
 * R8, second half: the full sync pass writes who liked (the like sets), not only the counts, so
 * likes whose background write never happened (an engine killed before its flush) reach the store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/main/core/engine';
import { keys } from '../../src/main/core/keys';
import { startTestEngine } from '../helpers/engine';

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
});
