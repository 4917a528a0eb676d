import { describe, expect, it } from 'vitest';
import { suggestionScore, type GraphStore } from '../../src/main/core/stores/ports';
import { codePointSorted, unusualUsernames, useFreshStore, type StoreFactory } from './fixture';

const edge = (follower: string, followee: string) => ({ follower, followee });

export function describeGraphStoreContract(name: string, factory: StoreFactory<GraphStore>): void {
  describe(`GraphStore contract: ${name}`, () => {
    const store = useFreshStore(factory);

    it('starts empty, answers ping, and init can run again without losing edges', async () => {
      await store().ping();
      expect(await store().counts('alice')).toEqual({ followers: 0, following: 0 });
      await store().follow('alice', 'bob');
      await store().init();
      expect(await store().isFollowing('alice', 'bob')).toBe(true);
    });

    describe('follows', () => {
      it('follow reports true once and false when already following', async () => {
        expect(await store().follow('alice', 'bob')).toBe(true);
        expect(await store().follow('alice', 'bob')).toBe(false);
        expect(await store().counts('bob')).toEqual({ followers: 1, following: 0 });
      });

      it('following yourself is refused and creates nothing', async () => {
        expect(await store().follow('alice', 'alice')).toBe(false);
        expect(await store().isFollowing('alice', 'alice')).toBe(false);
        expect(await store().counts('alice')).toEqual({ followers: 0, following: 0 });
      });

      it('unfollow reports true only when there was an edge to remove', async () => {
        await store().follow('alice', 'bob');
        expect(await store().unfollow('alice', 'bob')).toBe(true);
        expect(await store().unfollow('alice', 'bob')).toBe(false);
        expect(await store().unfollow('ghost', 'bob')).toBe(false);
        expect(await store().isFollowing('alice', 'bob')).toBe(false);
      });

      it('isFollowing is directional', async () => {
        await store().follow('alice', 'bob');
        expect(await store().isFollowing('alice', 'bob')).toBe(true);
        expect(await store().isFollowing('bob', 'alice')).toBe(false);
      });

      it('followers and following list usernames in code-point order, up to the limit', async () => {
        await store().followMany(unusualUsernames.map((u) => edge(u, 'star')));
        await store().followMany(unusualUsernames.map((u) => edge('fan', u)));
        const sorted = codePointSorted(unusualUsernames);
        expect(await store().followers('star', 100)).toEqual(sorted);
        expect(await store().followers('star', 3)).toEqual(sorted.slice(0, 3));
        expect(await store().following('fan', 100)).toEqual(sorted);
        expect(await store().following('star', 10)).toEqual([]);
        expect(await store().followers('nobody', 10)).toEqual([]);
      });

      it('counts gives followers and following, and zeros for someone unknown', async () => {
        await store().followMany([edge('a', 'b'), edge('c', 'b'), edge('b', 'a')]);
        expect(await store().counts('b')).toEqual({ followers: 2, following: 1 });
        expect(await store().counts('a')).toEqual({ followers: 1, following: 1 });
        expect(await store().counts('nobody')).toEqual({ followers: 0, following: 0 });
      });

      it('counts follow every follow and unfollow exactly once, repeats, batches and self edges included', async () => {
        await store().follow('a', 'b');
        await store().follow('a', 'b');
        await store().followMany([edge('a', 'b'), edge('c', 'b'), edge('c', 'b'), edge('b', 'b'), edge('b', 'c')]);
        expect(await store().counts('b')).toEqual({ followers: 2, following: 1 });
        expect(await store().counts('c')).toEqual({ followers: 1, following: 1 });
        expect(await store().unfollow('a', 'b')).toBe(true);
        expect(await store().unfollow('a', 'b')).toBe(false);
        expect(await store().counts('a')).toEqual({ followers: 0, following: 0 });
        expect(await store().counts('b')).toEqual({ followers: 1, following: 1 });
        await store().follow('a', 'b');
        expect(await store().counts('b')).toEqual({ followers: 2, following: 1 });
      });

      it('followMany counts only new edges, skipping existing, repeated and self edges', async () => {
        await store().follow('a', 'b');
        expect(await store().followMany([edge('a', 'b'), edge('a', 'c'), edge('a', 'c'), edge('c', 'c'), edge('c', 'a')])).toBe(2);
        expect(await store().followMany([])).toBe(0);
        expect(await store().following('a', 10)).toEqual(['b', 'c']);
        expect(await store().isFollowing('c', 'c')).toBe(false);
      });

      it('bulk follows larger than one batch count every new edge exactly once', async () => {
        const edges = Array.from({ length: 12_000 }, (_, i) => edge(`u${i % 1000}`, `u${(i % 1000) + 1 + Math.floor(i / 1000)}`));
        expect(await store().followMany(edges.slice(0, 7000))).toBe(7000);
        expect(await store().followMany(edges)).toBe(5000);
        expect(await store().counts('u0')).toEqual({ followers: 0, following: 12 });
      });

      it('addUser and addUsers are idempotent and create no edges', async () => {
        await store().addUser('alice');
        await store().addUser('alice');
        await store().addUsers(['alice', 'bob', 'a.b-c_d', 'bob']);
        await store().addUsers([]);
        expect(await store().counts('alice')).toEqual({ followers: 0, following: 0 });
        expect(await store().follow('a.b-c_d', 'alice')).toBe(true);
        expect(await store().followers('alice', 5)).toEqual(['a.b-c_d']);
      });
    });

    describe('suggestions', () => {
      /**
       * me follows f1, f2, f3. Candidates: c1 (via f1, f2, f3), c2 (via f1, f2), c3 (via f1, plus
       * three followers who are not mutual), a.z and a_z (via f3 only, one follower each, so
       * their scores tie). f3 also follows me (self) and f1 (already followed): both excluded.
       */
      async function seedGraph(s: GraphStore): Promise<void> {
        await s.followMany([
          edge('me', 'f1'), edge('me', 'f2'), edge('me', 'f3'),
          edge('f1', 'c1'), edge('f1', 'c2'), edge('f1', 'c3'),
          edge('f2', 'c1'), edge('f2', 'c2'),
          edge('f3', 'c1'), edge('f3', 'a_z'), edge('f3', 'a.z'), edge('f3', 'me'), edge('f3', 'f1'),
          edge('x1', 'c3'), edge('x2', 'c3'), edge('x3', 'c3'),
        ]);
      }

      it('suggests friends of friends, excluding yourself and people you already follow', async () => {
        await seedGraph(store());
        const names = (await store().suggestions('me', 20)).map((s) => s.username);
        expect(codePointSorted(names)).toEqual(['a.z', 'a_z', 'c1', 'c2', 'c3']);
      });

      it('counts mutual connections and all followers, and ranks by score then username', async () => {
        await seedGraph(store());
        expect(await store().suggestions('me', 20)).toEqual([
          { username: 'c1', mutualConnections: 3, followersCount: 3, score: 30.6 },
          { username: 'c2', mutualConnections: 2, followersCount: 2, score: 20.48 },
          { username: 'c3', mutualConnections: 1, followersCount: 4, score: 10.7 },
          { username: 'a.z', mutualConnections: 1, followersCount: 1, score: 10.3 },
          { username: 'a_z', mutualConnections: 1, followersCount: 1, score: 10.3 },
        ]);
      });

      it('the score is suggestionScore(mutual, followers) and the limit cuts the ranked list', async () => {
        await seedGraph(store());
        const top = await store().suggestions('me', 2);
        expect(top.map((s) => s.username)).toEqual(['c1', 'c2']);
        for (const s of top) expect(s.score).toBe(suggestionScore(s.mutualConnections, s.followersCount));
      });

      it('following a suggestion removes it; someone who follows nobody gets none', async () => {
        await seedGraph(store());
        await store().follow('me', 'c1');
        expect((await store().suggestions('me', 20)).map((s) => s.username)).not.toContain('c1');
        expect(await store().suggestions('x1', 20)).toEqual([]);
        expect(await store().suggestions('nobody', 20)).toEqual([]);
      });

      it('works for usernames with unusual but valid characters', async () => {
        await store().followMany([edge('a.b-c_d', 'A-1'), edge('A-1', 'Z.z'), edge('0_0', 'Z.z')]);
        expect(await store().suggestions('a.b-c_d', 5)).toEqual([
          { username: 'Z.z', mutualConnections: 1, followersCount: 2, score: suggestionScore(1, 2) },
        ]);
      });
    });
  });
}
