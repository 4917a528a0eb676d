/**
 * R2, bounded memory, on a cluster of this file's own whose masters have maxmemory 8 MB under
 * volatile-lru, with a like history in the store several times larger than all three together:
 * like keys written back get a TTL, so Redis evicts them under pressure, and the next read
 * rebuilds them from the store. Likes and unlikes run meanwhile, in parallel; afterwards every
 * acknowledged like is counted, in Redis (what the app shows) and in the store, and keys with
 * changes not yet written back were never evicted. The checker is then shown to catch a lost like.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/main/core/engine';
import { AppError } from '../../src/main/core/errors';
import { keys } from '../../src/main/core/keys';
import type { LikeChange } from '../../src/main/core/stores/ports';
import { startOwnEngine, type OwnEngine } from './own-cluster';

const MAXMEMORY = '8mb';
const POSTS = 4000;
const HISTORY_LIKERS = 120;
const LIVE_USERS = 16;
/** 32 characters, the longest a username may be: each like costs Redis as much as it can. */
const historyLiker = (i: number) => `history-liker-${String(i).padStart(4, '0')}-${'x'.repeat(13)}`;
const liveUser = (i: number) => `live-${i}`;

async function evictedKeys(engine: Engine): Promise<number> {
  let sum = 0;
  for (const node of engine.redis.nodes('master')) sum += Number(/evicted_keys:(\d+)/.exec(await node.info('stats'))?.[1] ?? 0);
  return sum;
}

async function usedMemory(engine: Engine): Promise<number[]> {
  return Promise.all(engine.redis.nodes('master').map(async (n) => Number(/used_memory:(\d+)/.exec(await n.info('memory'))?.[1] ?? 0)));
}

describe('faults: bounded Redis memory (R2) with a like history larger than maxmemory', () => {
  let own: OwnEngine;
  let engine: Engine;
  const postIds = Array.from({ length: POSTS }, (_, i) => `mem-${String(i).padStart(5, '0')}`);

  beforeAll(async () => {
    own = await startOwnEngine('redk-memory', 2000, MAXMEMORY);
    ({ engine } = own);
    const docs = engine.stores.documents;
    const t0 = Date.now() - 3 * 86_400_000;
    await docs.createUsers([{ username: 'author', displayName: 'Author', createdAt: t0 }, ...Array.from({ length: HISTORY_LIKERS }, (_, i) => ({ username: historyLiker(i), displayName: 'h', createdAt: t0 })), ...Array.from({ length: LIVE_USERS }, (_, i) => ({ username: liveUser(i), displayName: 'l', createdAt: t0 }))]);
    await docs.createPosts(postIds.map((id, i) => ({ id, author: 'author', text: `post ${i}`, createdAt: t0 + i, likesCount: 0 })));
    // The history: post i liked by the first 60 + i % 60 history likers, three days ago.
    const changes: LikeChange[] = [];
    for (const [i, postId] of postIds.entries()) for (let u = 0; u < 60 + (i % 60); u++) changes.push({ postId, username: historyLiker(u), liked: true, at: t0 });
    for (let i = 0; i < changes.length; i += 20_000) await docs.recordLikes(changes.slice(i, i + 20_000));
    await docs.setLikeCounts(postIds.map((postId, i) => ({ postId, count: 60 + (i % 60) })));
  }, 240_000);
  afterAll(async () => {
    await own?.stop();
  });

  it('evicts written-back like keys, never one with changes not yet written back, and counts every acknowledged like', async () => {
    const historyOf = (i: number) => 60 + (i % 60);
    // Live users own disjoint sets of (post, user) pairs, so each pair's last acknowledged
    // change is known: worker w is user w and walks the posts in its own order.
    const expected = new Map<string, boolean>();
    const failures: string[] = [];
    let likes = 0;
    let reads = 0;
    const deadline = Date.now() + 60_000;
    let stop = false;
    const workers = Array.from({ length: LIVE_USERS }, async (_, w) => {
      const user = liveUser(w);
      for (let step = 0; !stop && Date.now() < deadline && step < 4000; step++) {
        const i = (w * 997 + step * 131) % POSTS;
        const postId = postIds[i]!;
        try {
          if (step % 3 === 2) {
            // A read: rebuilds an evicted post from the store, and fills memory.
            const post = await engine.social.getPost(postId, user);
            reads++;
            const live = [...Array(LIVE_USERS).keys()].filter((u) => expected.get(`${postId}|${liveUser(u)}`) === true).length;
            // Another worker's like of this post may be acknowledged or in flight: a range.
            if (post.likesCount < historyOf(i) + (expected.get(`${postId}|${user}`) ? 1 : 0) || post.likesCount > historyOf(i) + LIVE_USERS) failures.push(`${postId}: read ${post.likesCount}, history ${historyOf(i)}, ${live} live`);
          } else {
            const liked = expected.get(`${postId}|${user}`) !== true;
            const res = await engine.social.like(postId, user, liked);
            if (res.durable) expected.set(`${postId}|${user}`, liked);
            else expected.delete(`${postId}|${user}`);
            likes++;
          }
        } catch (err) {
          failures.push(`${postId} ${user}: ${err instanceof AppError ? err.code : ''} ${(err as Error).message}`);
        }
        if (step % 50 === 0 && (await evictedKeys(engine)) > 2000 && likes > 3000) stop = true;
      }
    });
    await Promise.all(workers);
    const evicted = await evictedKeys(engine);
    const memory = await usedMemory(engine);
    process.stderr.write(`bounded memory: ${likes} likes/unlikes and ${reads} reads by ${LIVE_USERS} users in parallel, ${evicted} keys evicted, ${engine.sync.reliefs} memory reliefs, used_memory per master ${memory.map((m) => `${(m / 1048576).toFixed(1)} MB`).join(', ')}\n`);
    expect(failures).toEqual([]);
    expect(likes).toBeGreaterThan(1000);
    expect(evicted).toBeGreaterThan(0);

    // Every acknowledged change, in what the app shows (evicted posts rebuilt from the store) and
    // in the store, once the write-back is done.
    await engine.sync.flush();
    // Written back: every post gets its TTL once quiet (2 s; a timer does it), here at once.
    await engine.sync.settleWritten(0);
    const liveOf = (postId: string) => [...Array(LIVE_USERS).keys()].map(liveUser).filter((u) => expected.get(`${postId}|${u}`) === true);
    const touched = postIds.filter((id) => [...Array(LIVE_USERS).keys()].some((u) => expected.has(`${id}|${liveUser(u)}`)));
    const check = async () => {
      const lost: string[] = [];
      const stored = new Map((await engine.stores.documents.getPosts(touched)).map((p) => [p.id, p.likesCount]));
      const records = new Set((await engine.stores.documents.likesSince(Date.now() - 86_400_000)).map((r) => `${r.postId}|${r.username}`));
      for (const postId of touched) {
        const i = postIds.indexOf(postId);
        const want = historyOf(i) + liveOf(postId).length;
        const shown = (await engine.social.getPost(postId)).likesCount;
        if (shown !== want || stored.get(postId) !== want) lost.push(`${postId}: shows ${shown}, stored ${stored.get(postId)}, acknowledged ${want}`);
        for (let u = 0; u < LIVE_USERS; u++) {
          const pair = `${postId}|${liveUser(u)}`;
          if (expected.has(pair) && records.has(pair) !== expected.get(pair)) lost.push(`${pair}: acknowledged ${expected.get(pair) ? 'liked' : 'unliked'}, store says otherwise`);
        }
      }
      return lost;
    };
    expect(touched.length).toBeGreaterThan(500);
    expect(await check()).toEqual([]);
    // Nothing written back is left without its TTL, so nothing pins memory: a sample of posts.
    const pinned: string[] = [];
    for (const postId of touched.slice(0, 200)) {
      const [dirty, ttl] = await Promise.all([engine.redis.exists(keys.likesDirty(postId)), engine.redis.ttl(keys.likesCount(postId))]);
      if (dirty === 1 || ttl === -1) pinned.push(`${postId}: dirty ${dirty}, ttl ${ttl}`);
    }
    expect(pinned).toEqual([]);

    // The checker can fail: a like lost from the store and from Redis (as an eviction of keys
    // that were never written back would lose it) is reported.
    const victim = touched.find((id) => liveOf(id).length > 0)!;
    const victimUser = liveOf(victim)[0]!;
    await engine.stores.documents.recordLikes([{ postId: victim, username: victimUser, liked: false }]);
    await engine.stores.documents.setLikeCounts([{ postId: victim, count: historyOf(postIds.indexOf(victim)) + liveOf(victim).length - 1 }]);
    await engine.redis.del(keys.likesCount(victim), keys.likesUsers(victim));
    const found = await check();
    expect(found.some((f) => f.startsWith(`${victim}:`))).toBe(true);
    expect(found.some((f) => f.startsWith(`${victim}|${victimUser}:`))).toBe(true);
  }, 240_000);
});
