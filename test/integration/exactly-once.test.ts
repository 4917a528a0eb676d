/**
 * R8 against the real cluster: every script that is not naturally idempotent carries an operation
 * id and changes state once however often it runs, a reply lost on the wire and resent by
 * ioredis included.
 */
import Redis, { type Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/main/core/engine';
import { keys } from '../../src/main/core/keys';
import { registerScripts, runScript } from '../../src/main/core/lua/scripts';
import { startReplyDropper } from '../helpers/reply-dropper';
import { startTestEngine } from '../helpers/engine';

describe('exactly-once effects (R8)', () => {
  let engine: Engine;
  let call: Awaited<ReturnType<typeof startTestEngine>>['call'];
  let postId = '';

  beforeAll(async () => {
    ({ engine, call } = await startTestEngine());
    for (const u of ['ann', 'bob', 'cy']) await call('users.create', { username: u, displayName: u, password: 'password1' });
    postId = (await call<{ id: string }>('posts.create', { author: 'ann', text: 'once' })).id;
  });
  afterAll(async () => {
    await engine?.stop();
  });

  /** A standalone client to the master of `key`'s slot, through a proxy that can lose a reply. */
  async function throughDropper(key: string) {
    const slot = Number(await engine.redis.cluster('KEYSLOT', key));
    const [host, port] = (engine.redis.slots[slot]![0] as string).split(':') as [string, string];
    const dropper = await startReplyDropper({ host, port: Number(port) });
    const client = new Redis({ host: '127.0.0.1', port: dropper.port, password: engine.config.redis.password, lazyConnect: true, retryStrategy: () => 50 });
    await client.connect();
    registerScripts(client as unknown as Cluster);
    return {
      client,
      dropper,
      async close() {
        client.disconnect();
        await dropper.close();
      },
    };
  }

  it('a reply lost on the wire makes ioredis run a command twice: a plain INCR counts 2 (the failure itself)', async () => {
    const key = keys.commentsCount('resend-probe');
    const via = await throughDropper(key);
    try {
      await via.client.set(key, 0);
      via.dropper.dropNextReply();
      expect(await via.client.incr(key)).toBe(2);
    } finally {
      await via.close();
    }
  });

  it('the like script resent after a lost reply likes once and still answers changed=1', async () => {
    await engine.social.likes.hydrate(postId);
    const count = keys.likesCount(postId);
    const via = await throughDropper(count);
    try {
      const scriptKeys = [count, keys.likesUsers(postId), keys.opLog(count), keys.likesDirty(postId)];
      // Loaded once on this connection first, so the dropped reply is the script's, not NOSCRIPT's.
      await runScript(via.client as unknown as Cluster, 'likeOnce', scriptKeys, ['cy', 'warm-up', 60]);
      via.dropper.dropNextReply();
      expect(await runScript(via.client as unknown as Cluster, 'likeOnce', scriptKeys, ['bob', 'lost-reply-1', 60])).toEqual([1, 2]);
      expect(await engine.redis.get(count)).toBe('2');
      expect((await engine.redis.smembers(keys.likesUsers(postId))).sort()).toEqual(['bob', 'cy']);
    } finally {
      await via.close();
    }
  });

  it('like and unlike: the same op id again returns its first changed (1) and changes nothing; a new op id is a new like', async () => {
    const [count, set, ops, dirty] = [keys.likesCount('eo-like'), keys.likesUsers('eo-like'), keys.opLog(keys.likesCount('eo-like')), keys.likesDirty('eo-like')];
    const like = (user: string, opId: string, remember = 60) => runScript(engine.redis, 'likeOnce', [count, set, ops, dirty], [user, opId, remember]);
    const unlike = (user: string, opId: string) => runScript(engine.redis, 'unlikeOnce', [count, set, ops, dirty], [user, opId, 60]);
    await engine.redis.set(count, 0);
    expect(await like('ann', 'a1')).toEqual([1, 1]);
    expect(await like('ann', 'a1')).toEqual([1, 1]);
    expect(await like('bob', 'b1')).toEqual([1, 2]);
    expect(await like('ann', 'a2')).toEqual([0, 2]);
    expect(await unlike('ann', 'u1')).toEqual([1, 1]);
    expect(await unlike('ann', 'u1')).toEqual([1, 1]);
    expect(await unlike('ann', 'u2')).toEqual([0, 1]);
    expect(await engine.redis.get(count)).toBe('1');
    expect(await engine.redis.smembers(set)).toEqual(['bob']);
    // The ops log remembers each op with its outcome, and keeps itself in existence with '~'.
    expect(await engine.redis.zscore(ops, 'a1.1')).not.toBeNull();
    expect(await engine.redis.zscore(ops, 'a2.0')).not.toBeNull();
    expect(await engine.redis.zscore(ops, '~')).toBe('inf');
  });

  it('an op id is forgotten after its window (the log is trimmed by time), and only then applies again', async () => {
    const [count, set, ops, dirty] = [keys.likesCount('eo-window'), keys.likesUsers('eo-window'), keys.opLog(keys.likesCount('eo-window')), keys.likesDirty('eo-window')];
    await engine.redis.set(count, 0);
    expect(await runScript(engine.redis, 'likeOnce', [count, set, ops, dirty], ['ann', 'w1', 60])).toEqual([1, 1]);
    expect(await runScript(engine.redis, 'unlikeOnce', [count, set, ops, dirty], ['ann', 'w2', 60])).toEqual([1, 0]);
    expect(await runScript(engine.redis, 'likeOnce', [count, set, ops, dirty], ['ann', 'w1', 60])).toEqual([1, 0]);
    await engine.redis.zadd(ops, Date.now() - 3_600_000, 'ancient.1');
    await new Promise((resolve) => setTimeout(resolve, 5));
    // A window of 0 s: everything before now is dropped, w1 included, so it is a new like.
    expect(await runScript(engine.redis, 'likeOnce', [count, set, ops, dirty], ['bob', 'w3', 0])).toEqual([1, 1]);
    expect(await engine.redis.zrange(ops, '0', '-1')).toEqual(['w3.1', '~']);
    expect(await runScript(engine.redis, 'likeOnce', [count, set, ops, dirty], ['ann', 'w1', 60])).toEqual([1, 2]);
  });

  it('LikeCache.write replayed with the same op id answers changed=true, so trending and the write-back still follow', async () => {
    const { id } = await call<{ id: string }>('posts.create', { author: 'ann', text: 'replayed' });
    expect(await engine.social.likes.write('like', id, 'bob', 'replay-1')).toEqual({ changed: true, count: 1 });
    expect(await engine.social.likes.write('like', id, 'bob', 'replay-1')).toEqual({ changed: true, count: 1 });
    expect(await engine.social.likes.write('like', id, 'bob', 'replay-2')).toEqual({ changed: false, count: 1 });
    expect(await engine.redis.get(keys.likesCount(id))).toBe('1');
  });

  it('dm_send: the same op id appends and raises unread once; a new one again; a missing unread HASH is left for the rebuild', async () => {
    const [messages, unread] = [keys.messages('ann', 'bob'), keys.unread('ann', 'bob')];
    await engine.redis.rpush(messages, '"m0"');
    const send = (opId: string) => runScript(engine.redis, 'dmSend', [messages, unread, keys.opLog(unread)], ['"m"', 'bob', 200, 300, opId, 60]);
    expect(await send('m0')).toBe(-1);
    expect(await engine.redis.exists(unread)).toBe(0);
    expect(await engine.redis.llen(messages)).toBe(2);
    await engine.redis.hset(unread, 'ann', 0, 'bob', 0);
    expect(await send('m0')).toBe(-1);
    expect(await send('m1')).toBe(1);
    expect(await send('m1')).toBe(-1);
    expect(await engine.redis.hget(unread, 'bob')).toBe('1');
    expect(await engine.redis.llen(messages)).toBe(3);
    expect(await send('m2')).toBe(2);
    expect(await engine.redis.llen(messages)).toBe(4);
  });

  it('comment_add: the same op id pushes and counts once; a new one again', async () => {
    const [list, count] = [keys.comments('eo-comment'), keys.commentsCount('eo-comment')];
    await engine.redis.rpush(list, '"c0"');
    await engine.redis.set(count, 1);
    const add = (opId: string) => runScript(engine.redis, 'commentAdd', [list, count, keys.opLog(count)], ['"c"', 100, 120, opId, 60]);
    expect(await add('c1')).toBe(2);
    expect(await add('c1')).toBe(-1);
    expect([await engine.redis.get(count), await engine.redis.llen(list)]).toEqual(['2', 2]);
    expect(await add('c2')).toBe(3);
    expect([await engine.redis.get(count), await engine.redis.llen(list)]).toEqual(['3', 3]);
  });

  it('incr_if_exists: the same op id raises a stats counter once, also when the counter was loaded in between', async () => {
    const key = keys.postsCount(1);
    const incr = (opId: string) => runScript(engine.redis, 'incrIfExists', [key, keys.opLog(key)], [1, opId, 60]);
    await engine.redis.set(key, 10);
    expect(await incr('s1')).toBe(11);
    expect(await incr('s1')).toBeNull();
    expect(await incr('s2')).toBe(12);
    await engine.redis.del(key);
    expect(await incr('s3')).toBeNull();
    await engine.redis.set(key, 20); // loaded from a store count that has s3's post already
    expect(await incr('s3')).toBeNull();
    expect(await engine.redis.get(key)).toBe('20');
  });

  it('trending_apply: a batch changes a partial once; windows count only likes they hold; the ranking takes counts and keeps its top', async () => {
    const shard = 0;
    const [all, h1, h24, log, ops] = [keys.trending('all', shard), keys.trending('1h', shard), keys.trending('24h', shard), keys.trendingLog(shard), keys.opLog(keys.trendingLog(shard))];
    const saved = await Promise.all([all, h1, h24, log].map((k) => engine.redis.dump(k)));
    const apply = (opId: string, cap: number, ...quads: (string | number)[]) => runScript(engine.redis, 'trendingApply', [all, h1, h24, log, ops], [opId, 60, Date.now(), cap, ...quads]);
    const zset = (key: string) => engine.redis.zrange(key, '0', '-1', 'WITHSCORES');
    try {
      await engine.redis.del(all, h1, h24, log);
      // Nothing built: only the log takes the like; a ranking that is not there is left alone.
      expect(await apply('t0', 1000, 'p1', 'ann', 1, 1)).toBe(1);
      expect(await engine.redis.exists(all, h1, h24)).toBe(0);
      expect(await engine.redis.zscore(log, 'p1|ann')).not.toBeNull();
      // What a rebuild or recompute leaves: each with its "built" member, no post in it.
      for (const key of [all, h1, h24]) await engine.redis.zadd(key, '-inf', '~');
      expect(await apply('t1', 1000, 'p1', 'bob', 1, 2, 'p2', 'ann', 1, 1)).toBe(2);
      expect(await apply('t1', 1000, 'p1', 'bob', 1, 2, 'p2', 'ann', 1, 1)).toBe(-2);
      expect(await zset(all)).toEqual(['~', '-inf', 'p2', '1', 'p1', '2']);
      // ann's like of p1 was logged before the window was built: only a recompute counts it.
      expect(await zset(h1)).toEqual(['~', '-inf', 'p1', '1', 'p2', '1']);
      // An unlike of a like two hours old leaves the 1 h window (which does not hold it) alone.
      await engine.redis.zadd(log, 'XX', Date.now() - 2 * 3_600_000, 'p2|ann');
      expect(await apply('t2', 1000, 'p2', 'ann', 0, 0)).toBe(1);
      expect(await zset(h1)).toEqual(['~', '-inf', 'p1', '1', 'p2', '1']);
      expect(await zset(h24)).toEqual(['~', '-inf', 'p1', '1']);
      expect(await zset(all)).toEqual(['~', '-inf', 'p1', '2']);
      expect(await engine.redis.zscore(log, 'p2|ann')).toBeNull();
      // Capped at 1: the lowest post leaves the all-time ranking, the "built" member stays.
      expect(await apply('t3', 1, 'p3', 'cy', 1, 5)).toBe(1);
      expect(await zset(all)).toEqual(['~', '-inf', 'p3', '5']);
    } finally {
      await engine.redis.del(all, h1, h24, log);
      await Promise.all([all, h1, h24, log].map((k, i) => (saved[i] ? engine.redis.restore(k, 0, saved[i]!, 'REPLACE') : null)));
    }
  });

  it('service calls send distinct op ids: two DMs raise unread by 2, two comments count 2', async () => {
    await call('messages.send', { from: 'cy', to: 'bob', text: 'one' });
    await call('messages.send', { from: 'cy', to: 'bob', text: 'two' });
    expect(await call('conversations.list', { username: 'bob' })).toContainEqual(expect.objectContaining({ with: 'cy', unread: 2 }));
    const { id } = await call<{ id: string }>('posts.create', { author: 'ann', text: 'talk' });
    await call('comments.list', { postId: id });
    await call('comments.add', { postId: id, author: 'bob', text: 'a' });
    await call('comments.add', { postId: id, author: 'cy', text: 'b' });
    expect(await call('posts.get', { id })).toMatchObject({ commentsCount: 2 });
  });
});
