import calculateSlot from 'cluster-key-slot';
import { describe, expect, it } from 'vitest';
import { conversationPair, keys, LIKE_COUNT_PATTERN, postIdOfLikeCountKey } from '../../src/main/core/keys';
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
    expect([keys.trending('all'), keys.trending('1h'), keys.trending('24h')]).toEqual(['trending:posts', 'trending:posts:1h', 'trending:posts:24h']);
    expect([keys.postsCount, keys.usersCount]).toEqual(['global:stats:posts_count', 'global:stats:users_count']);
  });

  it('puts every key of one family in one slot', () => {
    const user = slots([keys.feed('alice', 'all'), keys.feed('alice', 'following'), keys.feed('alice', 'self'), keys.profile('alice'), keys.suggestions('alice'), keys.conversations('alice')]);
    expect(user.size).toBe(1);
    expect(slots([keys.likesCount('p9'), keys.likesUsers('p9'), keys.comments('p9'), keys.commentsCount('p9')]).size).toBe(1);
    expect(slots([keys.messages('zed', 'amy'), keys.unread('amy', 'zed')]).size).toBe(1);
  });

  it('keeps ops logs and built markers (R8) on the slot of the key they guard, global keys included', () => {
    const guarded = [keys.likesCount('p9'), keys.commentsCount('p9'), keys.unread('amy', 'zed'), keys.trending('all'), keys.trending('1h'), keys.trending('24h'), keys.trendingLog, keys.postsCount, keys.usersCount];
    for (const key of guarded) {
      expect(calculateSlot(keys.opLog(key)), key).toBe(calculateSlot(key));
      expect(calculateSlot(keys.builtMarker(key)), key).toBe(calculateSlot(key));
    }
    expect(keys.opLog(keys.likesCount('p9'))).toBe('{post:p9}:ops');
    expect(keys.opLog(keys.comments('p9'))).toBe('{post:p9}:ops');
    expect(keys.opLog(keys.trending('all'))).toBe('{trending:posts}:ops');
    expect(keys.builtMarker(keys.trendingLog)).toBe('{trending:likes:log}:built');
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

  it('keeps global keys untagged and out of every tagged family', () => {
    for (const key of [keys.trending('all'), keys.trending('1h'), keys.trending('24h'), keys.trendingLog, keys.postsCount, keys.usersCount]) {
      expect(hashTagOf(key), key).toBeNull();
    }
  });

  it('matches like counters, and only them, with the sync SCAN pattern', () => {
    expect(LIKE_COUNT_PATTERN).toBe('{post:*}:likes:count');
    expect(postIdOfLikeCountKey(keys.likesCount('abc-1'))).toBe('abc-1');
    expect(postIdOfLikeCountKey(keys.likesUsers('abc-1'))).toBeNull();
    expect(postIdOfLikeCountKey('{post:a}:likes:count:x')).toBeNull();
  });
});
