/**
 * Model-based coherence: random sequences of create/follow/unfollow/post/like/unlike/comment/
 * message/read go to the engine (through the contract router, against the real cluster and the
 * embedded store) and to a plain in-memory model; after every step every view the app shows
 * (feeds, counts, profiles, trending, unread, suggestions, stats) must equal the model's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Conversation, LikeOutcome, Post, Stats, Suggestion, TrendingEntry, User } from '../../src/shared/types';
import { Engine } from '../../src/main/core/engine';
import { silentLogger } from '../../src/main/core/log';
import { suiteConfig } from '../helpers/cluster';
import { flushCluster } from '../helpers/flush';
import { countFanoutPaths, SocialModel } from '../helpers/social-model';
import { seededRandom } from '../../src/main/core/seed/random';
import { tempDir } from '../helpers/temp-dirs';

// 1,500 in npm test (it checks every view after every step, the reads of a check concurrently), 10,000 with
// `npm run test:faults -- --long`.
const STEPS = Number(process.env.REDK_MODEL_STEPS ?? 1500);
const SEED = Number(process.env.REDK_MODEL_SEED ?? Date.now() % 1_000_000);
/** F1: so small, the model's accounts take both fan-out paths and cross the threshold both ways. */
const FANOUT_THRESHOLD = Number(process.env.REDK_MODEL_FANOUT_THRESHOLD ?? 2);

describe('coherence: the engine against an in-memory model', () => {
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
  const fails = async (method: string, input: unknown) => {
    const res = await engine.router.dispatch(method, input);
    return res.body.ok ? null : res.body.error.code;
  };

  beforeAll(async () => {
    const config = suiteConfig();
    config.stores.embeddedDir = tempDir('redk-model-store');
    config.feeds.fanoutThreshold = FANOUT_THRESHOLD;
    engine = await Engine.start(config, { log: silentLogger, shell: 'web', clock: () => (now += 7), trendingIntervalMs: 3_600_000 });
    await flushCluster(engine.redis);
    // Which fan-out path each post took, to show both were checked against the model.
    countFanoutPaths(engine, fanout);
  });
  afterAll(async () => {
    await engine?.stop();
  });

  /** Every view of every user, read concurrently (reads only, after the step has finished), then compared in order. */
  async function checkViews(step: number, op: string) {
    const where = `step ${step} (${op}), seed ${SEED}`;
    const kinds = ['all', 'following', 'self'] as const;
    const [views, trending, stats] = await Promise.all([
      Promise.all(
        [...model.users].map(async (u) => {
          const [feeds, profile, follows, suggestions, conversations] = await Promise.all([
            Promise.all(kinds.map((kind) => call<Post[]>('feeds.get', { username: u, kind }))),
            call<User>('users.get', { username: u }),
            call<{ following: string[] }>('follows.list', { username: u }),
            call<Suggestion[]>('suggestions.get', { username: u }),
            call<Conversation[]>('conversations.list', { username: u }),
          ]);
          return { u, feeds, profile, follows, suggestions, conversations };
        }),
      ),
      Promise.all((['all', '1h', '24h'] as const).map((window) => call<TrendingEntry[]>('trending.get', { window }))),
      call<Stats>('stats.get', {}),
    ]);
    for (const { u, feeds, profile, follows, suggestions, conversations } of views) {
      kinds.forEach((kind, k) => {
        const expected = model.feed(u, kind).map((p) => ({ id: p.id, likesCount: p.likers.size, commentsCount: p.comments }));
        expect(feeds[k]!.map((p) => ({ id: p.id, likesCount: p.likesCount, commentsCount: p.commentsCount })), `${where}: ${kind} feed of ${u}`).toEqual(expected);
      });
      expect([profile.followers, profile.following, profile.posts], `${where}: profile of ${u}`).toEqual([
        model.followers(u).length,
        model.following(u).length,
        model.posts.filter((p) => p.author === u).length,
      ]);
      expect(follows, `${where}: whom ${u} follows`).toEqual({ following: [...model.following(u)].sort(), truncated: false });
      expect(suggestions, `${where}: suggestions of ${u}`).toEqual(model.suggestions(u));
      expect(conversations, `${where}: conversations of ${u}`).toEqual(model.conversations(u));
    }
    for (const [w, window] of (['all', '1h', '24h'] as const).entries()) {
      expect(trending[w], `${where}: trending ${window}`).toEqual(model.trending());
    }
    expect(stats, `${where}: stats`).toEqual({ postsCount: model.posts.length, usersCount: model.users.size });
  }

  it(`${STEPS} random steps leave zero divergences`, async () => {
    const users = () => [...model.users];
    let divergences = 0;
    let stepsRun = 0;
    const counts: Record<string, number> = {};
    try {
      for (let step = 1; step <= STEPS; step++) {
        stepsRun = step;
        const roll = random();
        let op: string;
        if (model.users.size < 2 || (roll < 0.06 && model.users.size < 7)) {
          op = 'users.create';
          const name = `u${model.users.size}${pick(['', '.x', '-y', '_z'])}`;
          await call('users.create', { username: name, displayName: `User ${name}`, password: 'password1' });
          model.users.add(name);
        } else if (roll < 0.1) {
          op = 'users.create(invalid)';
          const bad = pick(['a}b{c', 'x*', 'has space', 'col:on', 'q?', 'br[']);
          expect(await fails('users.create', { username: bad, displayName: 'Bad', password: 'password1' })).toBe('invalid_username');
        } else if (roll < 0.25) {
          const [a, b] = [pick(users()), pick(users())];
          const follow = !model.follows.has(`${a}>${b}`) || random() < 0.3;
          op = follow ? 'follows.follow' : 'follows.unfollow';
          if (a === b) {
            expect(await fails(op, { follower: a, followee: b })).toBe('invalid_input');
          } else {
            const res = await call<{ changed: boolean }>(op, { follower: a, followee: b });
            expect(res.changed).toBe(follow !== model.follows.has(`${a}>${b}`));
            if (follow) model.follows.add(`${a}>${b}`);
            else model.follows.delete(`${a}>${b}`);
          }
        } else if (roll < 0.4 || model.posts.length === 0) {
          op = 'posts.create';
          const author = pick(users());
          const { id } = await call<{ id: string }>('posts.create', { author, text: `post ${step} by ${author}` });
          model.posts.push({ id, author, createdAt: now, likers: new Set(), comments: 0 });
        } else if (roll < 0.65) {
          const post = pick(model.posts.slice(-30));
          const user = pick(users());
          const like = !post.likers.has(user) || random() < 0.2;
          op = like ? 'likes.like' : 'likes.unlike';
          const res = await call<LikeOutcome>(op, { postId: post.id, username: user });
          expect(res.changed).toBe(like !== post.likers.has(user));
          if (like) post.likers.add(user);
          else post.likers.delete(user);
          expect(res.count).toBe(post.likers.size);
        } else if (roll < 0.75) {
          op = 'comments.add';
          const post = pick(model.posts.slice(-30));
          await call('comments.add', { postId: post.id, author: pick(users()), text: `comment ${step}` });
          post.comments++;
          expect((await call<unknown[]>('comments.list', { postId: post.id })).length).toBe(Math.min(post.comments, 100));
        } else if (roll < 0.9) {
          const [from, to] = [pick(users()), pick(users())];
          op = 'messages.send';
          if (from === to) {
            expect(await fails(op, { from, to, text: 'hi' })).toBe('invalid_input');
          } else {
            const sent = await call<{ sentAt: number }>(op, { from, to, text: `dm ${step}` });
            model.lastMessage.set(`${from}|${to}`, sent.sentAt);
            model.lastMessage.set(`${to}|${from}`, sent.sentAt);
            model.unread.set(`${to}|${from}`, (model.unread.get(`${to}|${from}`) ?? 0) + 1);
          }
        } else {
          op = 'messages.read';
          const [u, other] = [pick(users()), pick(users())];
          if (u !== other) {
            await call(op, { username: u, other });
            if (model.unread.has(`${u}|${other}`) || model.lastMessage.has(`${u}|${other}`)) model.unread.set(`${u}|${other}`, 0);
          }
        }
        counts[op] = (counts[op] ?? 0) + 1;
        // After a first divergence model and engine no longer describe the same world: stop there.
        divergences = 1;
        await checkViews(step, op);
        divergences = 0;
      }
    } finally {
      process.stderr.write(`coherence: ${stepsRun} of ${STEPS} steps against the real cluster, ${divergences} divergences, seed ${SEED}, ops ${JSON.stringify(counts)}, posts by fan-out path (threshold ${FANOUT_THRESHOLD}) ${JSON.stringify(fanout)}\n`);
    }
    expect(divergences).toBe(0);
    if (STEPS >= 500) expect(fanout.small > 0 && fanout.large > 0, `both fan-out paths taken: ${JSON.stringify(fanout)}`).toBe(true);
  }, 600_000);
});
