import { describe, expect, it } from 'vitest';
import type { DocumentStore, PostDoc, UserDoc } from '../../src/main/core/stores/ports';
import { describeConversationContract } from './conversation-contract';
import { codePointSorted, unusualUsernames, useFreshStore, type StoreFactory } from './fixture';

const T0 = 1_700_000_000_000;

export const user = (username: string, at = T0): UserDoc => ({ username, displayName: `${username} display`, createdAt: at });
export const post = (id: string, author: string, at: number, likesCount = 0): PostDoc => ({ id, author, text: `text of ${id}`, createdAt: at, likesCount });
const ids = (posts: PostDoc[]) => posts.map((p) => p.id);

export function describeDocumentStoreContract(name: string, factory: StoreFactory<DocumentStore>): void {
  describe(`DocumentStore contract: ${name}`, () => {
    const store = useFreshStore(factory);

    it('starts empty, answers ping, and init can run again without losing data', async () => {
      expect(await store().countUsers()).toBe(0);
      await store().ping();
      await store().createUser(user('alice'));
      await store().init();
      expect(await store().getUser('alice')).toEqual(user('alice'));
    });

    describe('users', () => {
      it('creating a user that exists reports false and keeps the first one', async () => {
        expect(await store().createUser(user('alice'))).toBe(true);
        expect(await store().createUser({ username: 'alice', displayName: 'Impostor', createdAt: T0 + 5 })).toBe(false);
        expect(await store().getUser('alice')).toEqual(user('alice'));
        expect(await store().countUsers()).toBe(1);
      });

      it('createUsers counts only usernames that were new, repeats inside one batch included', async () => {
        await store().createUser(user('alice'));
        expect(await store().createUsers([user('alice'), user('bob'), user('carol'), user('bob')])).toBe(2);
        expect(await store().createUsers([])).toBe(0);
        expect(await store().countUsers()).toBe(3);
      });

      it('a name is unique regardless of case, and keeps the case its owner typed', async () => {
        expect(await store().createUser(user('Alice'))).toBe(true);
        expect(await store().createUser(user('alice'))).toBe(false);
        expect(await store().createUser(user('ALICE'))).toBe(false);
        expect(await store().getUser('alice')).toBeNull();
        expect(await store().getUser('Alice')).toEqual(user('Alice'));
        // Bulk: against the stored names and inside one batch (the first of each case wins).
        expect(await store().createUsers([user('aLiCe'), user('Bob'), user('bob'), user('BOB'), user('carol')])).toBe(2);
        expect((await store().listUsers(10)).map((u) => u.username)).toEqual(['Alice', 'Bob', 'carol']);
        expect(await store().countUsers()).toBe(3);
        // Names that differ in more than case are still distinct.
        expect(await store().createUsers([user('alice.'), user('alice_'), user('Alice-')])).toBe(3);
      });

      it('credentials: the password hash of a name given in any case, never in the reads of users', async () => {
        await store().createUser(user('Alice'), 'scrypt$10$8$1$hash-of-alice-0000$key-of-alice-00000000');
        await store().createUsers([user('bob'), user('carol')], 'scrypt$10$8$1$shared-demo-hash0$shared-demo-key-0000000');
        await store().createUser(user('nopass'));
        expect(await store().credentials('alice')).toEqual({ username: 'Alice', passwordHash: 'scrypt$10$8$1$hash-of-alice-0000$key-of-alice-00000000' });
        expect(await store().credentials('ALICE')).toEqual(await store().credentials('Alice'));
        expect((await store().credentials('carol'))?.passwordHash).toBe('scrypt$10$8$1$shared-demo-hash0$shared-demo-key-0000000');
        expect(await store().credentials('nopass')).toEqual({ username: 'nopass', passwordHash: null });
        expect(await store().credentials('nobody')).toBeNull();
        // A name that differs in more than case is someone else.
        expect(await store().credentials('alice_')).toBeNull();
        expect(await store().getUser('Alice')).toEqual(user('Alice'));
        expect(await store().listUsers(10)).toEqual([user('Alice'), user('bob'), user('carol'), user('nopass')]);
        expect(await store().searchUsers('', 10)).toEqual([user('Alice'), user('bob'), user('carol'), user('nopass')]);
      });

      it('getUser returns null for someone unknown', async () => {
        expect(await store().getUser('nobody')).toBeNull();
      });

      it('listUsers pages through usernames in code-point order after a cursor', async () => {
        await store().createUsers(unusualUsernames.map((u) => user(u)));
        const all = codePointSorted(unusualUsernames);
        expect((await store().listUsers(100)).map((u) => u.username)).toEqual(all);
        const first = await store().listUsers(3);
        expect(first.map((u) => u.username)).toEqual(all.slice(0, 3));
        const next = await store().listUsers(3, first[2]!.username);
        expect(next.map((u) => u.username)).toEqual(all.slice(3, 6));
        expect(await store().listUsers(10, all[all.length - 1])).toEqual([]);
      });

      describe('searchUsers', () => {
        const names = (found: UserDoc[]) => found.map((u) => u.username);

        it('matches a username prefix ignoring case, lowercased name first then the name, whole documents', async () => {
          await store().createUsers(['alice', 'Alicia', 'alBERT', 'bob', 'ALI', 'Bobby'].map((u) => user(u)));
          expect(names(await store().searchUsers('ali', 10))).toEqual(['ALI', 'alice', 'Alicia']);
          expect(names(await store().searchUsers('ALI', 10))).toEqual(['ALI', 'alice', 'Alicia']);
          expect(names(await store().searchUsers('aL', 10))).toEqual(['alBERT', 'ALI', 'alice', 'Alicia']);
          expect(names(await store().searchUsers('BOB', 10))).toEqual(['bob', 'Bobby']);
          expect(names(await store().searchUsers('alicia', 10))).toEqual(['Alicia']);
          expect(await store().searchUsers('alice', 10)).toEqual([user('alice')]);
          expect(await store().searchUsers('alicex', 10)).toEqual([]);
          expect(await store().searchUsers('zz', 10)).toEqual([]);
        });

        it('returns at most `limit`, the first ones in that order; a limit of 0 returns nothing', async () => {
          await store().createUsers(Array.from({ length: 30 }, (_, i) => user(`u${String(i).padStart(2, '0')}`)));
          expect(names(await store().searchUsers('u', 3))).toEqual(['u00', 'u01', 'u02']);
          expect(names(await store().searchUsers('u1', 4))).toEqual(['u10', 'u11', 'u12', 'u13']);
          expect(await store().searchUsers('u', 25)).toHaveLength(25);
          expect(await store().searchUsers('u', 0)).toEqual([]);
        });

        it('an empty prefix matches everybody, in the same order', async () => {
          await store().createUsers(['carol', 'Bob', 'alice.b', 'ALICE', '0_0'].map((u) => user(u)));
          expect(names(await store().searchUsers('', 10))).toEqual(['0_0', 'ALICE', 'alice.b', 'Bob', 'carol']);
          expect(names(await store().searchUsers('', 2))).toEqual(['0_0', 'ALICE']);
        });

        it('"_", "%", ".", "*" and the like are literal, never wildcards', async () => {
          await store().createUsers(['a_b', 'axb', 'a.b', 'aXc', 'a-b', 'a_', 'ab'].map((u) => user(u)));
          expect(names(await store().searchUsers('a', 10))).toEqual(['a-b', 'a.b', 'a_', 'a_b', 'ab', 'axb', 'aXc']);
          expect(names(await store().searchUsers('a_', 10))).toEqual(['a_', 'a_b']);
          expect(names(await store().searchUsers('a_b', 10))).toEqual(['a_b']);
          expect(names(await store().searchUsers('a.', 10))).toEqual(['a.b']);
          expect(names(await store().searchUsers('a-', 10))).toEqual(['a-b']);
          expect(names(await store().searchUsers('A.B', 10))).toEqual(['a.b']);
          // Outside the username alphabet (the contract refuses them), but the store must not widen on them either.
          for (const prefix of ['a%', '%', 'a*', '*', '.*', 'a[', '^a', 'a$', 'a\\', '{', 'a b', 'a?']) {
            expect(await store().searchUsers(prefix, 10), prefix).toEqual([]);
          }
        });
      });

      it('bulk inserts larger than one batch count every new row exactly once', async () => {
        const many = Array.from({ length: 12_000 }, (_, i) => user(`u${i}`, T0 + i));
        expect(await store().createUsers(many.slice(0, 7000))).toBe(7000);
        expect(await store().createUsers(many)).toBe(5000);
        expect(await store().countUsers()).toBe(12_000);
        expect(await store().getUser('u11999')).toEqual(user('u11999', T0 + 11_999));
      });
    });

    describe('posts', () => {
      it('creating a post twice keeps the first and reports false; createPosts counts only new ids', async () => {
        expect(await store().createPost(post('p1', 'alice', T0))).toBe(true);
        expect(await store().createPost({ ...post('p1', 'bob', T0 + 1), text: 'other' })).toBe(false);
        expect(await store().createPosts([post('p1', 'alice', T0), post('p2', 'alice', T0 + 1), post('p2', 'alice', T0 + 1)])).toBe(1);
        expect(await store().createPosts([])).toBe(0);
        expect(await store().getPost('p1')).toEqual(post('p1', 'alice', T0));
        expect(await store().countPosts()).toBe(2);
      });

      it('getPost returns null for an unknown id; getPosts returns known posts in the order asked', async () => {
        await store().createPosts([post('p1', 'alice', T0), post('p2', 'bob', T0 + 1), post('p3', 'alice', T0 + 2, 7)]);
        expect(await store().getPost('nope')).toBeNull();
        expect(await store().getPosts(['p3', 'nope', 'p1'])).toEqual([post('p3', 'alice', T0 + 2, 7), post('p1', 'alice', T0)]);
        expect(await store().getPosts([])).toEqual([]);
      });

      it('recentPosts is newest first and `before` pages strictly older posts', async () => {
        await store().createPosts(Array.from({ length: 5 }, (_, i) => post(`p${i}`, i % 2 ? 'bob' : 'alice', T0 + i * 1000)));
        const first = await store().recentPosts({ limit: 2 });
        expect(ids(first)).toEqual(['p4', 'p3']);
        const second = await store().recentPosts({ limit: 2, before: first[1]!.createdAt });
        expect(ids(second)).toEqual(['p2', 'p1']);
        expect(ids(await store().recentPosts({ limit: 10, before: T0 + 1000 }))).toEqual(['p0']);
        expect(await store().recentPosts({ limit: 10, before: T0 })).toEqual([]);
      });

      it('postsByAuthors returns only those authors, newest first, paged with `before`', async () => {
        await store().createPosts([
          post('a1', 'alice', T0 + 1), post('b1', 'bob', T0 + 2), post('c1', 'carol', T0 + 3),
          post('a2', 'alice', T0 + 4), post('b2', 'bob', T0 + 5), post('c2', 'carol', T0 + 6),
        ]);
        expect(ids(await store().postsByAuthors(['alice', 'bob'], { limit: 10 }))).toEqual(['b2', 'a2', 'b1', 'a1']);
        expect(ids(await store().postsByAuthors(['alice', 'bob'], { limit: 2, before: T0 + 4 }))).toEqual(['b1', 'a1']);
        expect(ids(await store().postsByAuthors(['nobody'], { limit: 10 }))).toEqual([]);
      });

      it('postsByAuthors with no authors returns nothing, not everybody', async () => {
        await store().createPosts([post('p1', 'alice', T0), post('p2', 'bob', T0 + 1)]);
        expect(await store().postsByAuthors([], { limit: 10 })).toEqual([]);
      });

      it('a limit of 0 returns nothing rather than everything', async () => {
        await store().createPosts([post('p1', 'alice', T0), post('p2', 'bob', T0 + 1)]);
        expect(await store().recentPosts({ limit: 0 })).toEqual([]);
        expect(await store().postsByAuthors(['alice'], { limit: 0 })).toEqual([]);
      });

      it('countPosts counts everybody and countPostsBy one author', async () => {
        await store().createPosts([post('p1', 'alice', T0), post('p2', 'alice', T0 + 1), post('p3', 'bob', T0 + 2)]);
        expect(await store().countPosts()).toBe(3);
        expect(await store().countPostsBy('alice')).toBe(2);
        expect(await store().countPostsBy('nobody')).toBe(0);
      });
    });

    describe('likes', () => {
      it('setLikeCounts sets the count rather than adding to it and reports only posts that changed', async () => {
        await store().createPosts([post('p1', 'alice', T0, 3), post('p2', 'bob', T0 + 1)]);
        expect(await store().setLikeCounts([{ postId: 'p1', count: 5 }, { postId: 'p2', count: 0 }])).toBe(1);
        expect((await store().getPost('p1'))?.likesCount).toBe(5);
        expect(await store().setLikeCounts([{ postId: 'p1', count: 5 }])).toBe(0);
        expect(await store().setLikeCounts([{ postId: 'p1', count: 2 }, { postId: 'p1', count: 9 }])).toBe(1);
        expect((await store().getPost('p1'))?.likesCount).toBe(9);
        expect(await store().setLikeCounts([])).toBe(0);
      });

      it('setLikeCounts ignores unknown post ids and creates nothing', async () => {
        await store().createPost(post('p1', 'alice', T0));
        expect(await store().setLikeCounts([{ postId: 'ghost', count: 4 }, { postId: 'p1', count: 1 }])).toBe(1);
        expect(await store().getPost('ghost')).toBeNull();
        expect(await store().countPosts()).toBe(1);
      });

      it('recordLikes is idempotent, the last change for a post and user wins, and likers lists who liked', async () => {
        await store().recordLikes([
          { postId: 'p1', username: 'bob', liked: true },
          { postId: 'p1', username: 'a.b-c_d', liked: true },
          { postId: 'p1', username: 'carol', liked: true },
          { postId: 'p1', username: 'carol', liked: false },
          { postId: 'p2', username: 'bob', liked: true },
        ]);
        await store().recordLikes([{ postId: 'p1', username: 'bob', liked: true }]);
        expect(await store().likers('p1')).toEqual(['a.b-c_d', 'bob']);
        await store().recordLikes([{ postId: 'p1', username: 'bob', liked: false }, { postId: 'p1', username: 'nobody', liked: false }]);
        expect(await store().likers('p1')).toEqual(['a.b-c_d']);
        expect(await store().likers('p2')).toEqual(['bob']);
        expect(await store().likers('unknown')).toEqual([]);
        await store().recordLikes([]);
      });

      it('likersOf answers likers for several posts at once: every id asked, [] for none, each list in likers order', async () => {
        await store().recordLikes([
          { postId: 'p1', username: 'carol', liked: true },
          { postId: 'p1', username: 'a.b-c_d', liked: true },
          { postId: 'p1', username: 'bob', liked: true },
          { postId: 'p2', username: 'bob', liked: true },
          { postId: 'p2', username: 'zed', liked: true },
          { postId: 'p2', username: 'zed', liked: false },
          { postId: 'p3', username: 'ann', liked: true },
        ]);
        const found = await store().likersOf(['p2', 'none', 'p1', 'p1']);
        expect(found).toEqual(new Map([['p2', ['bob']], ['none', []], ['p1', ['a.b-c_d', 'bob', 'carol']]]));
        expect(found.get('p1')).toEqual(await store().likers('p1'));
        expect([...found.keys()]).toEqual(['p2', 'none', 'p1']);
        expect(await store().likersOf([])).toEqual(new Map());
        // More likers than one page of a cursor, over several posts.
        const many = Array.from({ length: 1200 }, (_, i) => `fan${String(i).padStart(4, '0')}`);
        await store().recordLikes(many.flatMap((username, i) => [{ postId: 'big', username, liked: true }, ...(i % 3 === 0 ? [{ postId: 'p3', username, liked: true }] : [])]));
        const big = await store().likersOf(['big', 'p3']);
        expect(big.get('big')).toEqual(many);
        expect(big.get('p3')).toEqual(['ann', ...many.filter((_, i) => i % 3 === 0)]);
      });

      it('likeStateOf answers, for every id asked, its likes_count (null for no such post) and its likers in likers order', async () => {
        await store().createPosts([post('p1', 'alice', T0, 7), post('p2', 'alice', T0 + 1, 0)]);
        await store().recordLikes([
          { postId: 'p1', username: 'carol', liked: true },
          { postId: 'p1', username: 'a.b-c_d', liked: true },
          { postId: 'p1', username: 'Bob', liked: true },
          { postId: 'gone', username: 'zed', liked: true },
        ]);
        const state = await store().likeStateOf(['p2', 'gone', 'p1', 'nothing', 'p1']);
        expect(state).toEqual(
          new Map([
            ['p2', { count: 0, likers: [] }],
            ['gone', { count: null, likers: ['zed'] }],
            ['p1', { count: 7, likers: ['Bob', 'a.b-c_d', 'carol'] }],
            ['nothing', { count: null, likers: [] }],
          ]),
        );
        expect(state.get('p1')!.likers).toEqual(await store().likers('p1'));
        expect(await store().likeStateOf([])).toEqual(new Map());
      });

      it('likesSince lists like records at or after a time, oldest first; a later like of the same pair keeps the later time', async () => {
        await store().recordLikes([
          { postId: 'p1', username: 'ann', liked: true, at: T0 + 10 },
          { postId: 'p2', username: 'bob', liked: true, at: T0 + 5 },
          { postId: 'p3', username: 'cy', liked: true },
        ]);
        expect(await store().likesSince(T0 + 5)).toEqual([
          { postId: 'p2', username: 'bob', at: T0 + 5 },
          { postId: 'p1', username: 'ann', at: T0 + 10 },
        ]);
        expect(await store().likesSince(T0 + 6)).toEqual([{ postId: 'p1', username: 'ann', at: T0 + 10 }]);
        await store().recordLikes([{ postId: 'p2', username: 'bob', liked: true, at: T0 + 20 }]);
        await store().recordLikes([{ postId: 'p2', username: 'bob', liked: true, at: T0 + 1 }]);
        expect(await store().likesSince(T0 + 11)).toEqual([{ postId: 'p2', username: 'bob', at: T0 + 20 }]);
        // Seeded likes carry no time: 0, outside every window.
        expect((await store().likesSince(0)).find((l) => l.postId === 'p3')).toEqual({ postId: 'p3', username: 'cy', at: 0 });
      });

      it('topLikedPosts ranks posts with likes by likes_count, ties by id, at most `limit`', async () => {
        await store().createPosts([post('p1', 'alice', T0, 3), post('p2', 'bob', T0 + 1, 9), post('p3', 'bob', T0 + 2, 3), post('p4', 'bob', T0 + 3, 0)]);
        expect(await store().topLikedPosts(10)).toEqual([
          { postId: 'p2', likesCount: 9 },
          { postId: 'p1', likesCount: 3 },
          { postId: 'p3', likesCount: 3 },
        ]);
        expect(await store().topLikedPosts(1)).toEqual([{ postId: 'p2', likesCount: 9 }]);
        expect(await store().topLikedPosts(0)).toEqual([]);
        await store().setLikeCounts([{ postId: 'p4', count: 12 }, { postId: 'p2', count: 0 }]);
        expect((await store().topLikedPosts(2)).map((p) => p.postId)).toEqual(['p4', 'p1']);
      });
    });

    describe('comments', () => {
      it('adding a comment twice keeps one; addComments counts only new ids', async () => {
        const c = { id: 'c1', postId: 'p1', author: 'bob', text: 'nice', createdAt: T0 };
        expect(await store().addComment(c)).toBe(true);
        expect(await store().addComment({ ...c, text: 'changed' })).toBe(false);
        expect(await store().addComments([c, { ...c, id: 'c2' }, { ...c, id: 'c2' }])).toBe(1);
        expect(await store().addComments([])).toBe(0);
        expect(await store().listComments('p1', { limit: 10 })).toEqual([{ ...c, id: 'c2' }, c]);
      });

      it('listComments is newest first for one post, paged with `before`; countComments counts that post only', async () => {
        await store().addComments([
          ...Array.from({ length: 4 }, (_, i) => ({ id: `c${i}`, postId: 'p1', author: 'bob', text: `t${i}`, createdAt: T0 + i })),
          { id: 'other', postId: 'p2', author: 'bob', text: 'x', createdAt: T0 + 10 },
        ]);
        const first = await store().listComments('p1', { limit: 3 });
        expect(first.map((c) => c.id)).toEqual(['c3', 'c2', 'c1']);
        expect((await store().listComments('p1', { limit: 3, before: first[2]!.createdAt })).map((c) => c.id)).toEqual(['c0']);
        expect(await store().countComments('p1')).toBe(4);
        expect(await store().countComments('none')).toBe(0);
        expect(await store().countCommentsOf(['p2', 'none', 'p1', 'p1'])).toEqual(new Map([['p2', 1], ['none', 0], ['p1', 4]]));
        expect(await store().countCommentsOf([])).toEqual(new Map());
      });

      it('listComments pages by (createdAt, id) with `beforeId`, so comments that share a time are all returned once', async () => {
        await store().addComments(['k1', 'k2', 'k3', 'k4'].map((id) => ({ id, postId: 'p1', author: 'bob', text: id, createdAt: T0 })));
        await store().addComment({ id: 'k0', postId: 'p1', author: 'bob', text: 'k0', createdAt: T0 - 1 });
        const first = await store().listComments('p1', { limit: 2 });
        expect(first.map((c) => c.id)).toEqual(['k4', 'k3']);
        const rest = await store().listComments('p1', { limit: 10, before: T0, beforeId: 'k3' });
        expect(rest.map((c) => c.id)).toEqual(['k2', 'k1', 'k0']);
      });
    });

    describeConversationContract(store);

    it('usernames with unusual but valid characters round-trip through every collection', async () => {
      const name = 'a.b-c_d';
      expect(await store().createUser(user(name))).toBe(true);
      expect(await store().createUser(user(name))).toBe(false);
      await store().createPost(post('p1', name, T0));
      await store().addComment({ id: 'c1', postId: 'p1', author: name, text: 'hi', createdAt: T0 });
      await store().addMessage({ id: 'm1', from: name, to: 'a_b', text: 'hi', sentAt: T0 });
      expect(await store().getUser(name)).toEqual(user(name));
      expect(ids(await store().postsByAuthors([name], { limit: 5 }))).toEqual(['p1']);
      expect(await store().countPostsBy(name)).toBe(1);
      expect((await store().listComments('p1', { limit: 5 }))[0]?.author).toBe(name);
      expect(await store().conversations('a_b', 5)).toEqual([{ with: name, lastMessageAt: T0 }]);
    });
  });
}
