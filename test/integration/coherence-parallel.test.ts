/**
 * Model-based coherence, in parallel: each round, several clients call the engine at once (likes,
 * unlikes, comments, DMs, reads, posts, follows), then every view is compared with an in-memory
 * model. The operations of one round are chosen to commute per key family (one (post, user) pair
 * per like, one (follower, followee) pair per follow, no read of a conversation a message of the
 * round goes to), so the model's state after the round is known; each answer is checked against
 * the outcomes a linearization allows (a like's count lies between the counts before and after
 * the others of the round on that post).
 *
 * It also races the append-only caches: a post's comment list or a conversation is dropped from
 * the cache (as its TTL would) and read while an append to it lands, so a list rebuilt from an
 * older store snapshot must not hide the append.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Comment, Conversation, LikeOutcome, Message, Post, Stats, TrendingEntry, User } from '../../src/shared/types';
import { Engine } from '../../src/main/core/engine';
import { keys } from '../../src/main/core/keys';
import { silentLogger } from '../../src/main/core/log';
import { seededRandom } from '../../src/main/core/seed/random';
import { suiteConfig } from '../helpers/cluster';
import { flushCluster } from '../helpers/flush';
import { countFanoutPaths, SocialModel } from '../helpers/social-model';
import { tempDir } from '../helpers/temp-dirs';

const STEPS = Number(process.env.REDK_MODEL_PARALLEL_STEPS ?? 2000);
const CLIENTS = 4;
const SEED = Number(process.env.REDK_MODEL_SEED ?? Date.now() % 1_000_000);
/** F1: so small, the model's accounts take both fan-out paths and cross the threshold both ways. */
const FANOUT_THRESHOLD = Number(process.env.REDK_MODEL_FANOUT_THRESHOLD ?? 3);

type Op = { kind: string; run: () => Promise<void>; apply: () => void };

describe('coherence in parallel: several clients against the model', () => {
  let engine: Engine;
  let now = Date.UTC(2026, 10, 25, 12);
  const model = new SocialModel();
  const fanout = { small: 0, large: 0 };
  const random = seededRandom(SEED);
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)] as T;

  const call = async <T>(method: string, input: unknown): Promise<T> => {
    const res = await engine.router.dispatch(method, input);
    if (!res.body.ok) throw new Error(`${method} ${JSON.stringify(input)}: ${res.body.error.code} ${res.body.error.message}`);
    return res.body.data as T;
  };

  beforeAll(async () => {
    const config = suiteConfig();
    config.stores.embeddedDir = tempDir('redk-model-par');
    config.feeds.fanoutThreshold = FANOUT_THRESHOLD;
    engine = await Engine.start(config, { log: silentLogger, shell: 'web', clock: () => (now += 7), trendingIntervalMs: 3_600_000 });
    await flushCluster(engine.redis);
    // Which fan-out path each post took, to show both were checked against the model.
    countFanoutPaths(engine, fanout);
    for (let i = 0; i < 6; i++) {
      await call('users.create', { username: `p${i}`, displayName: `P ${i}`, password: 'password1' });
      model.users.add(`p${i}`);
    }
  });
  afterAll(async () => {
    await engine?.stop();
  });

  /** Every view, read concurrently once the round has finished (reads only), then compared in order. */
  async function checkViews(where: string) {
    const kinds = ['all', 'following'] as const;
    const [views, trending, stats] = await Promise.all([
      Promise.all(
        [...model.users].map(async (u) => {
          const [feeds, profile, conversations] = await Promise.all([
            Promise.all(kinds.map((kind) => call<Post[]>('feeds.get', { username: u, kind, viewer: u }))),
            call<User>('users.get', { username: u }),
            call<Conversation[]>('conversations.list', { username: u }),
          ]);
          return { u, feeds, profile, conversations };
        }),
      ),
      call<TrendingEntry[]>('trending.get', { window: 'all' }),
      call<Stats>('stats.get', {}),
    ]);
    for (const { u, feeds, profile, conversations } of views) {
      kinds.forEach((kind, k) => {
        const expected = model.feed(u, kind).map((p) => ({ id: p.id, likesCount: p.likers.size, commentsCount: p.comments, likedByMe: p.likers.has(u) }));
        expect(feeds[k]!.map((p) => ({ id: p.id, likesCount: p.likesCount, commentsCount: p.commentsCount, likedByMe: p.likedByMe })), `${where}: ${kind} feed of ${u}`).toEqual(expected);
      });
      expect([profile.followers, profile.following, profile.posts], `${where}: profile of ${u}`).toEqual([model.followers(u).length, model.following(u).length, model.posts.filter((p) => p.author === u).length]);
      expect(conversations, `${where}: conversations of ${u}`).toEqual(model.conversations(u));
    }
    expect(trending, `${where}: trending`).toEqual(model.trending());
    expect(stats, `${where}: stats`).toEqual({ postsCount: model.posts.length, usersCount: model.users.size });
  }

  /** Up to CLIENTS operations that commute per key family, with their checks and model updates. */
  /** Messages per conversation ("a|b", names sorted), for the DM lists after the races. */
  const messageCounts = new Map<string, number>();
  const conv = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);

  function planRound(step: number): { ops: Op[]; drops: (() => Promise<unknown>)[]; reads: (() => Promise<unknown>)[] } {
    const users = [...model.users];
    const ops: Op[] = [];
    const drops: (() => Promise<unknown>)[] = [];
    const racingReads: (() => Promise<unknown>)[] = [];
    const pairs = new Set<string>();
    const sendsTo = new Set<string>();
    const reads = new Set<string>();
    /** post id -> the ±1 changes of this round's likes on it */
    const likeDeltas = new Map<string, number[]>();
    const recent = model.posts.slice(-12);
    for (let c = 0; c < CLIENTS; c++) {
      const roll = random();
      if (roll < 0.5 && recent.length > 0) {
        const post = pick(recent);
        const user = pick(users);
        if (pairs.has(`${post.id}|${user}`)) continue;
        pairs.add(`${post.id}|${user}`);
        const like = !post.likers.has(user);
        const deltas = likeDeltas.get(post.id) ?? [];
        deltas.push(like ? 1 : -1);
        likeDeltas.set(post.id, deltas);
        const base = post.likers.size;
        ops.push({
          kind: like ? 'likes.like' : 'likes.unlike',
          run: async () => {
            const res = await call<LikeOutcome>(like ? 'likes.like' : 'likes.unlike', { postId: post.id, username: user });
            expect(res.changed, `${like ? 'like' : 'unlike'} ${post.id} by ${user}`).toBe(true);
            // Linearizable: the others on this post may land before or after this one.
            const others = (likeDeltas.get(post.id) ?? []).slice();
            others.splice(others.indexOf(like ? 1 : -1), 1);
            const lo = base + (like ? 1 : -1) + others.filter((d) => d < 0).length * -1;
            const hi = base + (like ? 1 : -1) + others.filter((d) => d > 0).length;
            expect(res.count, `count after ${like ? 'like' : 'unlike'} of ${post.id}`).toBeGreaterThanOrEqual(lo);
            expect(res.count).toBeLessThanOrEqual(hi);
          },
          apply: () => (like ? post.likers.add(user) : post.likers.delete(user)),
        });
      } else if (roll < 0.62 && recent.length > 0) {
        const post = pick(recent);
        const author = pick(users);
        ops.push({
          kind: 'comments.add',
          run: async () => void (await call<Comment>('comments.add', { postId: post.id, author, text: `c${step}.${c}` })),
          apply: () => post.comments++,
        });
        // The append-only race: the list is not cached (as after its TTL) and is read, so rebuilt
        // from the store, while the comment lands.
        if (random() < 0.5) {
          drops.push(() => engine.redis.del(keys.comments(post.id)));
          racingReads.push(() => call<Comment[]>('comments.list', { postId: post.id }));
        }
      } else if (roll < 0.8) {
        const from = pick(users);
        const to = pick(users.filter((u) => u !== from));
        if (reads.has(`${to}|${from}`)) continue;
        sendsTo.add(`${to}|${from}`);
        let sentAt = 0;
        ops.push({
          kind: 'messages.send',
          run: async () => {
            sentAt = (await call<Message>('messages.send', { from, to, text: `m${step}.${c}` })).sentAt;
          },
          apply: () => {
            for (const k of [`${from}|${to}`, `${to}|${from}`]) model.lastMessage.set(k, Math.max(model.lastMessage.get(k) ?? 0, sentAt));
            model.unread.set(`${to}|${from}`, (model.unread.get(`${to}|${from}`) ?? 0) + 1);
            messageCounts.set(conv(from, to), (messageCounts.get(conv(from, to)) ?? 0) + 1);
          },
        });
        if (random() < 0.4) {
          drops.push(() => engine.redis.del(keys.messages(from, to)));
          racingReads.push(() => call<Message[]>('messages.list', { a: from, b: to }));
        }
      } else if (roll < 0.86) {
        const u = pick(users);
        const other = pick(users.filter((x) => x !== u));
        if (sendsTo.has(`${u}|${other}`) || reads.has(`${u}|${other}`)) continue;
        reads.add(`${u}|${other}`);
        ops.push({
          kind: 'messages.read',
          run: async () => void (await call('messages.read', { username: u, other })),
          apply: () => {
            if (model.unread.has(`${u}|${other}`) || model.lastMessage.has(`${u}|${other}`)) model.unread.set(`${u}|${other}`, 0);
          },
        });
      } else if (roll < 0.94 || model.posts.length < 3) {
        const author = pick(users);
        let id = '';
        ops.push({
          kind: 'posts.create',
          run: async () => {
            id = (await call<{ id: string }>('posts.create', { author, text: `post ${step}.${c}` })).id;
          },
          apply: () => model.posts.push({ id, author, createdAt: 0, likers: new Set(), comments: 0 }),
        });
      } else {
        const a = pick(users);
        const b = pick(users.filter((x) => x !== a));
        if (pairs.has(`${a}>${b}`)) continue;
        pairs.add(`${a}>${b}`);
        const follow = !model.follows.has(`${a}>${b}`);
        ops.push({
          kind: follow ? 'follows.follow' : 'follows.unfollow',
          run: async () => expect((await call<{ changed: boolean }>(follow ? 'follows.follow' : 'follows.unfollow', { follower: a, followee: b })).changed).toBe(true),
          apply: () => (follow ? model.follows.add(`${a}>${b}`) : model.follows.delete(`${a}>${b}`)),
        });
      }
    }
    return { ops, drops, reads: racingReads };
  }

  it(`${STEPS} operations in rounds of ${CLIENTS} parallel clients leave zero divergences`, async () => {
    let done = 0;
    let rounds = 0;
    let races = 0;
    const counts: Record<string, number> = {};
    try {
      while (done < STEPS) {
        const round = planRound(done);
        rounds++;
        // Cache drops first (they stand for an expiry), then every client and every racing read at once.
        for (const drop of round.drops) await drop();
        races += round.reads.length;
        await Promise.all([...round.ops.map((o) => o.run()), ...round.reads.map((r) => r())]);
        for (const o of round.ops) {
          o.apply();
          counts[o.kind] = (counts[o.kind] ?? 0) + 1;
        }
        // New posts: their createdAt is the engine's, read back (feeds sort by it).
        for (const p of model.posts) if (p.createdAt === 0) p.createdAt = (await call<Post>('posts.get', { id: p.id })).createdAt;
        done += round.ops.length;
        const where = `round ${rounds} (${round.ops.map((o) => o.kind).join(', ')}), seed ${SEED}`;
        await checkViews(where);
        // Every comment list shows every comment, and every conversation every message, after the races.
        const recent = model.posts.slice(-12);
        const pairs = [...messageCounts];
        const [commentLists, messageLists] = await Promise.all([
          Promise.all(recent.map((post) => call<Comment[]>('comments.list', { postId: post.id }))),
          Promise.all(pairs.map(([pair]) => call<Message[]>('messages.list', { a: pair.split('|')[0], b: pair.split('|')[1] }))),
        ]);
        recent.forEach((post, i) => expect(commentLists[i]!.length, `${where}: comments of ${post.id}`).toBe(Math.min(post.comments, 100)));
        pairs.forEach(([pair, n], i) => expect(messageLists[i]!.length, `${where}: messages of ${pair}`).toBe(Math.min(n, 200)));
      }
    } finally {
      process.stderr.write(`coherence (parallel): ${done} operations in ${rounds} rounds of up to ${CLIENTS} clients, ${races} racing cache rebuilds, seed ${SEED}, ops ${JSON.stringify(counts)}, posts by fan-out path (threshold ${FANOUT_THRESHOLD}) ${JSON.stringify(fanout)}\n`);
    }
    expect(done).toBeGreaterThanOrEqual(STEPS);
    if (STEPS >= 500) expect(fanout.small > 0 && fanout.large > 0, `both fan-out paths taken: ${JSON.stringify(fanout)}`).toBe(true);
  }, 900_000);

  it('a comment list or a conversation rebuilt from a store snapshot older than an append does not hide the append', async () => {
    for (const u of ['race_a', 'race_b']) await call('users.create', { username: u, displayName: u, password: 'password1' });
    const post = (await call<{ id: string }>('posts.create', { author: 'race_a', text: 'race' })).id;
    await call('comments.add', { postId: post, author: 'race_b', text: 'first' });
    await call('messages.send', { from: 'race_a', to: 'race_b', text: 'first' });
    const documents = engine.stores.documents;
    // The rebuild's store read returns its snapshot only after the append has fully landed:
    // the worst interleaving, made certain instead of waited for.
    let appended!: () => void;
    const appendDone = new Promise<void>((r) => (appended = r));
    const slow = <A extends unknown[], R>(fn: (...args: A) => Promise<R>) => async (...args: A): Promise<R> => {
      const snapshot = await fn(...args);
      await appendDone;
      return snapshot;
    };
    const { listComments, listMessages } = documents;
    documents.listComments = slow(listComments.bind(documents));
    documents.listMessages = slow(listMessages.bind(documents));
    try {
      await engine.redis.del(keys.comments(post), keys.commentsCount(post));
      await engine.redis.del(keys.messages('race_a', 'race_b'));
      const rebuilds = Promise.all([call<Comment[]>('comments.list', { postId: post }), call<Message[]>('messages.list', { a: 'race_a', b: 'race_b' })]);
      // Both rebuilds have read their snapshot (one comment, one message) before the appends.
      await new Promise((r) => setTimeout(r, 300));
      await call('comments.add', { postId: post, author: 'race_a', text: 'second' });
      await call('messages.send', { from: 'race_b', to: 'race_a', text: 'second' });
      appended();
      await rebuilds;
    } finally {
      documents.listComments = listComments;
      documents.listMessages = listMessages;
    }
    expect((await call<Comment[]>('comments.list', { postId: post })).map((c) => c.text)).toEqual(['second', 'first']);
    expect((await call<Message[]>('messages.list', { a: 'race_a', b: 'race_b' })).map((m) => m.text)).toEqual(['first', 'second']);
  });
});
