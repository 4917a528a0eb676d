import calculateSlot from 'cluster-key-slot';
import { describe, expect, it } from 'vitest';
import { conversationPair, HOT_SHARDS, keys, LIKE_COUNT_PATTERN, postIdOfLikeCountKey, trendingShardOf } from '../../src/main/core/keys';
import { hashTagOf } from '../../src/main/core/cluster/keyslot';

const slots = (list: string[]) => new Set(list.map((k) => calculateSlot(k)));

describe('key naming (K1-K5, R1)', () => {
  it('builds the exact seed families', () => {
    expect(keys.feed('alice', 'all')).toBe('{user:alice}:feed:all');
    expect(keys.feed('alice', 'following')).toBe('{user:alice}:feed:following');
    expect(keys.feed('alice', 'self')).toBe('{user:alice}:feed:self');
    expect(keys.profile('alice')).toBe('{user:alice}:profile');
    expect(keys.suggestions('alice')).toBe('{user:alice}:suggestions');
    expect(keys.conversations('alice')).toBe('{user:alice}:conversations');
    expect(keys.likesCount('p1')).toBe('{post:p1}:likes:count');
    expect(keys.likesUsers('p1')).toBe('{post:p1}:likes:users');
    expect(keys.comments('p1')).toBe('{post:p1}:comments');
    expect(keys.commentsCount('p1')).toBe('{post:p1}:comments:count');
    expect(keys.messages('bob', 'alice')).toBe('{conv:alice::bob}:messages');
    expect(keys.unread('alice', 'bob')).toBe('{conv:alice::bob}:unread');
    expect([keys.trending('all', 0), keys.trending('1h', 0), keys.trending('24h', 0), keys.trendingLog(0)]).toEqual(['{trending:0.3}:posts', '{trending:0.3}:posts:1h', '{trending:0.3}:posts:24h', '{trending:0.3}:likes:log']);
    expect([keys.postsCount(2), keys.usersCount(2)]).toEqual(['{stats:2.40}:posts_count', '{stats:2.40}:users_count']);
    expect(keys.likesDirty('p1')).toBe('{post:p1}:likes:dirty');
  });

  it('spreads the partials of each hot key over the three masters of the default layout (C1)', () => {
    const masterOf = (key: string) => Math.floor(calculateSlot(key) / (16384 / 3));
    for (const family of [(s: number) => keys.trending('all', s), (s: number) => keys.trendingLog(s), (s: number) => keys.postsCount(s), (s: number) => keys.usersCount(s)]) {
      expect(new Set(Array.from({ length: HOT_SHARDS }, (_, s) => masterOf(family(s)))).size).toBe(3);
    }
    // A partial's ranking keys, log and ops log share one slot (one script applies a batch).
    for (let s = 0; s < HOT_SHARDS; s++) expect(slots([keys.trending('all', s), keys.trending('1h', s), keys.trending('24h', s), keys.trendingLog(s), keys.opLog(keys.trendingLog(s))]).size).toBe(1);
    expect(() => keys.trending('all', HOT_SHARDS)).toThrow();
    // Posts spread over the partials: of 3,000 ids none gets fewer than a quarter.
    const perShard = [0, 0, 0];
    for (let i = 0; i < 3000; i++) perShard[trendingShardOf(`post-${i}`)]!++;
    for (const n of perShard) expect(n).toBeGreaterThan(750);
  });

  it('puts every key of one family in one slot', () => {
    const user = slots([keys.feed('alice', 'all'), keys.feed('alice', 'following'), keys.feed('alice', 'self'), keys.profile('alice'), keys.suggestions('alice'), keys.conversations('alice')]);
    expect(user.size).toBe(1);
    expect(slots([keys.likesCount('p9'), keys.likesUsers('p9'), keys.comments('p9'), keys.commentsCount('p9')]).size).toBe(1);
    expect(slots([keys.messages('zed', 'amy'), keys.unread('amy', 'zed')]).size).toBe(1);
  });

  it('keeps ops logs and built markers (R8) on the slot of the key they guard, global keys included', () => {
    const guarded = [keys.likesCount('p9'), keys.commentsCount('p9'), keys.unread('amy', 'zed'), keys.trending('all', 1), keys.trending('1h', 1), keys.trending('24h', 1), keys.trendingLog(1), keys.postsCount(1), keys.usersCount(1)];
    for (const key of guarded) {
      expect(calculateSlot(keys.opLog(key)), key).toBe(calculateSlot(key));
      expect(calculateSlot(keys.builtMarker(key)), key).toBe(calculateSlot(key));
    }
    expect(keys.opLog(keys.likesCount('p9'))).toBe('{post:p9}:ops');
    expect(keys.opLog(keys.comments('p9'))).toBe('{post:p9}:ops');
    expect(keys.opLog(keys.trending('all', 0))).toBe('{trending:0.3}:ops');
    expect(keys.builtMarker(keys.trendingLog(0))).toBe('{trending:0.3}:built');
    expect(keys.opLog('untagged')).toBe('{untagged}:ops');
  });

  it('names a conversation the same from both sides', () => {
    expect(conversationPair('bob', 'alice')).toEqual(['alice', 'bob']);
    expect(keys.messages('alice', 'bob')).toBe(keys.messages('bob', 'alice'));
  });

  it('refuses names that would move the hash tag or widen a pattern, writing nothing', () => {
    for (const bad of ['a}b{c', 'x*', 'with space', 'a:b', 'q?', 'br[ack', '{user:bob}', '']) {
      expect(() => keys.feed(bad, 'all'), bad).toThrow(expect.objectContaining({ code: 'invalid_username' }));
    }
    for (const bad of ['p*', 'p}1', 'p:1', 'p 1']) {
      expect(() => keys.likesCount(bad), bad).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    }
  });

  it('gives two different users two different tags, whatever their names', () => {
    const names = ['alice', 'alice.', 'alice-1', 'ALICE', 'a_lice', 'al.ice'];
    const tags = names.map((n) => hashTagOf(keys.profile(n)));
    expect(new Set(tags).size).toBe(names.length);
    for (const [i, n] of names.entries()) expect(tags[i]).toBe(`user:${n}`);
  });

  it('keeps the partials of global keys out of every user, post and conversation family', () => {
    for (let s = 0; s < HOT_SHARDS; s++) {
      for (const key of [keys.trending('all', s), keys.trending('1h', s), keys.trending('24h', s), keys.trendingLog(s), keys.postsCount(s), keys.usersCount(s)]) {
        expect(hashTagOf(key), key).toMatch(/^(trending|stats):\d+\.\d+$/);
      }
    }
  });

  it('matches like counters, and only them, with the sync SCAN pattern', () => {
    expect(LIKE_COUNT_PATTERN).toBe('{post:*}:likes:count');
    expect(postIdOfLikeCountKey(keys.likesCount('abc-1'))).toBe('abc-1');
    expect(postIdOfLikeCountKey(keys.likesUsers('abc-1'))).toBeNull();
    expect(postIdOfLikeCountKey('{post:a}:likes:count:x')).toBeNull();
  });
});
