/**
 * The fault suite's clients and checker. Several clients call the engine's contract at once
 * (likes, unlikes, comments, DMs, posts, follows) while a nemesis breaks something; every answer
 * is recorded. The checker then compares what was acknowledged with what Redis and the store
 * hold. Each client owns one user, so the (post, user) pairs of different clients never race
 * and the expected end state of each pair is the client's last acknowledged durable operation.
 */
import type { Engine } from '../../src/main/core/engine';
import { HOT_SHARDS, keys } from '../../src/main/core/keys';
import type { Comment, LikeOutcome, Message, Post } from '../../src/shared/types';

export interface CallRecord {
  method: string;
  ms: number;
  ok: boolean;
  code?: string;
}

type PairState = { expected: boolean | null; lastOk: boolean };

export interface Workload {
  users: string[];
  posts: string[];
  calls: CallRecord[];
  /** "<post>|<user>" -> what the last answered durable like/unlike says (null: unknown since). */
  pairs: Map<string, PairState>;
  /** DMs acknowledged, per "<from>|<to>". */
  dmsAcked: Map<string, number>;
  dmsFailed: Map<string, number>;
  commentsAcked: Map<string, number>;
  likes: { durable: number; notDurable: number; failed: number };
  stop(): Promise<void>;
}

export async function setupNetwork(engine: Engine, clients: number, postCount: number, tag: string) {
  const users = Array.from({ length: clients }, (_, i) => `${tag}_u${i}`);
  for (const u of users) await dispatchOk(engine, 'users.create', { username: u, displayName: `Client ${u}`, password: 'password1' });
  const posts: string[] = [];
  for (let i = 0; i < postCount; i++) posts.push((await dispatchOk<{ id: string }>(engine, 'posts.create', { author: users[i % clients], text: `fault post ${i}` })).id);
  return { users, posts };
}

export async function dispatchOk<T>(engine: Engine, method: string, input: unknown): Promise<T> {
  const res = await engine.router.dispatch(method, input);
  if (!res.body.ok) throw new Error(`${method}: ${res.body.error.code} ${res.body.error.message}`);
  return res.body.data as T;
}

/** Starts `users.length` clients; bounded by `maxOps` per client and by stop(). */
export function startWorkload(engine: Engine, users: string[], posts: string[], maxOps = 20_000): Workload {
  const w: Workload = {
    users, posts, calls: [], pairs: new Map(), dmsAcked: new Map(), dmsFailed: new Map(), commentsAcked: new Map(),
    likes: { durable: 0, notDurable: 0, failed: 0 },
    stop: async () => {
      stopped = true;
      await running;
    },
  };
  let stopped = false;
  const call = async (method: string, input: unknown) => {
    const began = performance.now();
    const res = await engine.router.dispatch(method, input);
    const rec: CallRecord = { method, ms: performance.now() - began, ok: res.body.ok };
    if (!res.body.ok) rec.code = res.body.error.code;
    w.calls.push(rec);
    return res.body;
  };
  const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  const client = async (c: number) => {
    const me = users[c]!;
    const peer = users[(c + 1) % users.length]!;
    // mulberry32: a small PRNG whose low bits are as good as its high ones.
    let seed = c * 7919 + 17;
    const rand = (n: number) => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return (((t ^ (t >>> 14)) >>> 0) % n);
    };
    for (let i = 0; !stopped && i < maxOps; i++) {
      const roll = rand(100);
      if (roll < 65) {
        const postId = posts[rand(posts.length)]!;
        const pair = `${postId}|${me}`;
        const state = w.pairs.get(pair) ?? { expected: false, lastOk: true };
        // Toggle from what this client believes; after an unknown outcome, just try a like.
        const like = state.expected === null ? rand(2) === 0 : !state.expected;
        const body = await call(like ? 'likes.like' : 'likes.unlike', { postId, username: me });
        if (body.ok && (body.data as LikeOutcome).durable) {
          w.likes.durable++;
          w.pairs.set(pair, { expected: like, lastOk: true });
        } else {
          if (body.ok) w.likes.notDurable++;
          else w.likes.failed++;
          // Not durable, or failed: it may or may not be there now.
          w.pairs.set(pair, { expected: null, lastOk: false });
        }
      } else if (roll < 82) {
        const body = await call('messages.send', { from: me, to: peer, text: `m${i} from ${me}` });
        bump(body.ok ? w.dmsAcked : w.dmsFailed, `${me}|${peer}`);
      } else if (roll < 92) {
        const postId = posts[rand(posts.length)]!;
        const body = await call('comments.add', { postId, author: me, text: `c${i}` });
        if (body.ok) bump(w.commentsAcked, postId);
      } else if (roll < 96) {
        await call('posts.create', { author: me, text: `p${i} by ${me}` });
      } else {
        const other = users[rand(users.length)]!;
        if (other !== me) await call(rand(2) === 0 ? 'follows.follow' : 'follows.unfollow', { follower: me, followee: other });
      }
    }
  };
  const running = Promise.all(users.map((_, c) => client(c))).then(() => undefined);
  return w;
}

export interface Findings {
  lostLikes: string[];
  undoneUnlikes: string[];
  countMismatches: string[];
  unreadMismatches: string[];
  commentMismatches: string[];
  trendingMismatches: string[];
  storeMismatches: string[];
  slowCalls: CallRecord[];
}

/** Compares what was acknowledged with what Redis and the store hold now. */
export async function check(engine: Engine, w: Workload, opts: { store: boolean; trending: boolean }): Promise<Findings> {
  const redis = engine.redis;
  const f: Findings = { lostLikes: [], undoneUnlikes: [], countMismatches: [], unreadMismatches: [], commentMismatches: [], trendingMismatches: [], storeMismatches: [], slowCalls: [] };
  for (const [pair, state] of w.pairs) {
    if (state.expected === null) continue;
    const [postId, user] = pair.split('|') as [string, string];
    // Through the contract, as a user would see it (a missing set is rebuilt from the store).
    const post = await dispatchOk<Post>(engine, 'posts.get', { id: postId, viewer: user });
    if (state.expected && post.likedByMe !== true) f.lostLikes.push(pair);
    if (!state.expected && post.likedByMe !== false) f.undoneUnlikes.push(pair);
  }
  const counts = new Map<string, number>();
  for (const postId of w.posts) {
    const [count, members] = await Promise.all([redis.get(keys.likesCount(postId)), redis.scard(keys.likesUsers(postId))]);
    counts.set(postId, Number(count ?? 0));
    if (count !== null && Number(count) !== members) f.countMismatches.push(`${postId}: count ${count}, set ${members}`);
    const comments = await dispatchOk<Comment[]>(engine, 'comments.list', { postId });
    const shown = await dispatchOk<Post>(engine, 'posts.get', { id: postId });
    const stored = await engine.stores.documents.countComments(postId);
    if (shown.commentsCount !== stored || Math.min(comments.length, 100) !== Math.min(stored, 100)) {
      f.commentMismatches.push(`${postId}: shown ${shown.commentsCount}, listed ${comments.length}, stored ${stored}`);
    }
    if ((w.commentsAcked.get(postId) ?? 0) > stored) f.commentMismatches.push(`${postId}: ${w.commentsAcked.get(postId)} acknowledged, ${stored} stored`);
    if (opts.store) {
      const likers = new Set(await engine.stores.documents.likers(postId));
      const members = new Set(await redis.smembers(keys.likesUsers(postId)));
      const missing = [...members].filter((m) => !likers.has(m));
      const extra = [...likers].filter((m) => !members.has(m));
      if (missing.length + extra.length > 0) f.storeMismatches.push(`${postId}: store lacks ${missing.join(',') || '-'}, store has extra ${extra.join(',') || '-'}`);
    }
  }
  if (opts.trending) {
    // Read through the app first: a ranking missing from Redis (a new or wiped cluster) is rebuilt
    // from the store on its first read; then every post's score, not only the top shown.
    await dispatchOk(engine, 'trending.get', { window: 'all' });
    const scores = new Map<string, number>();
    for (let shard = 0; shard < HOT_SHARDS; shard++) {
      const flat = await redis.zrange(keys.trending('all', shard), '0', '-1', 'WITHSCORES');
      for (let i = 0; i < flat.length; i += 2) scores.set(flat[i]!, Number(flat[i + 1]));
    }
    for (const [postId, count] of counts) {
      if ((scores.get(postId) ?? 0) !== count) f.trendingMismatches.push(`${postId}: trending ${scores.get(postId) ?? 0}, count ${count}`);
    }
  }
  for (const key of new Set([...w.dmsAcked.keys(), ...w.dmsFailed.keys()])) {
    const [from, to] = key.split('|') as [string, string];
    // Nobody reads in this workload: the recipient's unread is every message delivered to them.
    const list = await dispatchOk<Message[]>(engine, 'messages.list', { a: from, b: to });
    const stored = (await engine.stores.documents.listMessages(from, to, { limit: 100_000 })).filter((m) => m.to === to).length;
    // What the recipient's app shows (a missing unread count is rebuilt from the store's read receipts).
    const convs = await dispatchOk<{ with: string; unread: number }[]>(engine, 'conversations.list', { username: to });
    const unread = convs.find((c) => c.with === from)?.unread ?? 0;
    const acked = w.dmsAcked.get(key) ?? 0;
    if (unread !== stored || acked > stored) f.unreadMismatches.push(`${key}: unread ${unread}, stored ${stored}, acknowledged ${acked}, listed ${list.filter((m) => m.to === to).length}`);
  }
  f.slowCalls = w.calls.filter((c) => c.ms > 3000);
  return f;
}
