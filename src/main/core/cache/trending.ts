/**
 * U3: trending rankings. The all-time ranking follows every like and unlike. The 1 h and 24 h
 * windows must forget old likes, not just expire the key: every current like is kept in a log
 * ZSET scored by when it happened, and the windows are recomputed from it (on a timer, and on
 * read when missing).
 *
 * Every like touches these keys, so they are split into HOT_SHARDS partials (keys.trending),
 * each on its own hash tag and its own master: a post's likes go to one partial
 * (trendingShardOf), and one script per partial applies a tick's likes to its log, windows and
 * ranking at once (trending_apply.lua). A read merges the partials' tops.
 *
 * A ranking that was built (rebuilt or recomputed whole) holds a '~' member at -inf, so it exists
 * even with no post in it: a ranking that is not there was never built or was wiped, and is
 * rebuilt on read; changes skip it meanwhile. After a cache wipe (or on a cluster that never had
 * them) the all-time ranking is rebuilt from the store's like counts and the log from the store's
 * like records with their times, each once, after this engine's pending write-backs are flushed.
 * What a rebuild cannot see: a like that another step of the same moment has in Redis but not
 * yet in the store (ms around the rebuild).
 *
 * R2, bounded memory: the all-time partials keep their top REBUILD_TOP posts (a post's score is
 * its count, set rather than added, so a post that fell out comes back with its true count), and
 * the log keeps the last 24 h.
 */
import type { Cluster } from 'ioredis';
import type { TrendingEntry } from '../../../shared/types';
import { newOpId, type Clock } from '../ids';
import { HOT_SHARDS, keys, trendingShardOf, TTL, type TrendingWindow } from '../keys';
import { runScript } from '../lua/scripts';
import { TickBatch } from '../tick-batch';

const HOUR = 3_600_000;
const WINDOWS: { window: Exclude<TrendingWindow, 'all'>; spanMs: number }[] = [
  { window: '1h', spanMs: HOUR },
  { window: '24h', spanMs: 24 * HOUR },
];
/** The member that says "built": never a post id (ids have no '~'), at -inf, so last in any top. */
const BUILT = '~';
/** How many top posts a rebuild of the all-time ranking writes (the ranking shows `limit`). */
export const REBUILD_TOP = 1000;
/** Log entries per ZADD while the log is rebuilt. */
const LOG_BATCH = 2000;
const logMember = (postId: string, username: string) => `${postId}|${username}`;

/** Where rankings are rebuilt from: the store, once this engine's pending write-backs are in it. */
export interface TrendingSource {
  topLiked(limit: number): Promise<{ postId: string; likesCount: number }[]>;
  likesSince(since: number): Promise<{ postId: string; username: string; at: number }[]>;
  /** Writes this engine's pending like changes to the store (SyncEngine.flush). */
  settle(): Promise<void>;
}

const SHARDS = Array.from({ length: HOT_SHARDS }, (_, i) => i);

interface Change {
  postId: string;
  username: string;
  liked: boolean;
  /** The post's like count right after the change (like.lua's answer). */
  count: number;
}

export class TrendingCache {
  constructor(
    private readonly redis: Cluster,
    private readonly clock: Clock,
    private readonly source: TrendingSource,
    readonly limit = 10,
  ) {}

  /**
   * Likes that finish in the same turn of the event loop are applied together (TickBatch): one
   * script per partial for all of them. Each caller still waits until its own change is in Redis,
   * so a read after a like always sees it.
   */
  private readonly batch = new TickBatch<Change>((changes) => this.apply(changes));

  /** A like (liked) or unlike of `postId` by `username` took effect; `count` is the post's count after it. */
  onChange(postId: string, username: string, liked: boolean, count: number): Promise<void> {
    return this.batch.add({ postId, username, liked, count });
  }

  private async apply(changes: Change[]): Promise<void> {
    // The log keeps each (post, user)'s last change; the ranking each post's last count.
    const byShard = new Map<number, Map<string, Change>>();
    for (const c of changes) {
      const shard = trendingShardOf(c.postId);
      let last = byShard.get(shard);
      if (!last) byShard.set(shard, (last = new Map()));
      last.delete(`${c.postId}|${c.username}`);
      last.set(`${c.postId}|${c.username}`, c);
    }
    const now = this.clock();
    // One operation id per partial's batch (R8): ioredis resends exactly that command.
    await Promise.all(
      [...byShard].map(([shard, last]) =>
        runScript(this.redis, 'trendingApply', this.shardKeys(shard), [
          newOpId(),
          TTL.ops,
          now,
          REBUILD_TOP,
          ...[...last.values()].flatMap((c) => [c.postId, c.username, c.liked ? 1 : 0, c.count]),
        ]),
      ),
    );
  }

  private shardKeys(shard: number): string[] {
    return [keys.trending('all', shard), keys.trending('1h', shard), keys.trending('24h', shard), keys.trendingLog(shard), keys.opLog(keys.trendingLog(shard))];
  }

  private async built(key: string): Promise<boolean> {
    return (await this.redis.exists(keys.builtMarker(key))) === 1;
  }

  /**
   * One ZREVRANGE per partial, one more than shown so the BUILT member fits when the ranking is
   * short: an empty answer means that partial is not there, and it is rebuilt first. The top of
   * the merge is the top of all: every post is in one partial.
   */
  async get(window: TrendingWindow): Promise<TrendingEntry[]> {
    const read = (shard: number) => this.redis.zrevrange(keys.trending(window, shard), 0, this.limit, 'WITHSCORES');
    let flats = await Promise.all(SHARDS.map(read));
    const missing = SHARDS.filter((shard) => flats[shard]!.length === 0);
    if (missing.length > 0) {
      await (window === 'all' ? this.rebuildAll() : this.recompute());
      flats = await Promise.all(SHARDS.map(read));
    }
    const entries: TrendingEntry[] = [];
    for (const flat of flats) {
      for (let i = 0; i < flat.length; i += 2) if (flat[i] !== BUILT) entries.push({ postId: flat[i] as string, score: Number(flat[i + 1]) });
    }
    // As one ZREVRANGE orders them: score, then member, both descending.
    entries.sort((a, b) => b.score - a.score || (a.postId < b.postId ? 1 : a.postId > b.postId ? -1 : 0));
    return entries.slice(0, this.limit);
  }

  /**
   * The all-time partials from the store's like counts, those that are not there already:
   * zrebuild.lua writes one whole with its BUILT member in one step, so two rebuilds, or a
   * rebuild and changes, never add up twice. The store's top REBUILD_TOP x partials covers each
   * partial's top REBUILD_TOP.
   */
  async rebuildAll(): Promise<void> {
    await this.source.settle();
    const top = await this.source.topLiked(REBUILD_TOP * HOT_SHARDS);
    await Promise.all(
      SHARDS.map((shard) => {
        const mine = top.filter((p) => trendingShardOf(p.postId) === shard).slice(0, REBUILD_TOP);
        return runScript(this.redis, 'zrebuild', [keys.trending('all', shard)], mine.flatMap((p) => [p.likesCount, p.postId]));
      }),
    );
  }

  /**
   * The like log partials from the store's like records of the last 24 h, those that are not
   * built. Entries are added with NX: a like already logged since the wipe keeps its own time.
   * Members are idempotent, so batches (and two engines doing it at once) count nothing twice.
   */
  private async rebuildLog(since: number): Promise<void> {
    const unbuilt = (await Promise.all(SHARDS.map(async (shard) => ((await this.built(keys.trendingLog(shard))) ? null : shard)))).filter((s): s is number => s !== null);
    if (unbuilt.length === 0) return;
    await this.source.settle();
    const likes = await this.source.likesSince(since);
    for (const shard of unbuilt) {
      const mine = likes.filter((l) => trendingShardOf(l.postId) === shard);
      for (let i = 0; i < mine.length; i += LOG_BATCH) {
        const batch = mine.slice(i, i + LOG_BATCH).flatMap((l) => [l.at, logMember(l.postId, l.username)]);
        await this.redis.zadd(keys.trendingLog(shard), 'NX', ...batch);
      }
      await this.redis.set(keys.builtMarker(keys.trendingLog(shard)), '1');
    }
  }

  /** Drops every partial, its like log and the log's built marker: the next read rebuilds them from the store. */
  async forget(): Promise<void> {
    await Promise.all(SHARDS.flatMap((shard) => [...this.shardKeys(shard), keys.builtMarker(keys.trendingLog(shard))].map((key) => this.redis.del(key))));
  }

  /** Rebuilds both windows of every partial from its likes of the last 24 h and drops older log entries. */
  async recompute(): Promise<void> {
    const now = this.clock();
    const oldest = now - 24 * HOUR;
    await this.rebuildLog(oldest);
    await Promise.all(SHARDS.map((shard) => this.recomputeShard(shard, now)));
  }

  private async recomputeShard(shard: number, now: number): Promise<void> {
    const oldest = now - 24 * HOUR;
    const log = keys.trendingLog(shard);
    await this.redis.zremrangebyscore(log, '-inf', `(${oldest}`);
    const flat = await this.redis.zrangebyscore(log, oldest, '+inf', 'WITHSCORES');
    // The partial's keys share its tag, so one MULTI writes both windows: readers never see a
    // half-written one. BUILT keeps a window there when no post is in it, until the TTL asks for
    // the next recompute.
    const tx = this.redis.multi();
    for (const { window, spanMs } of WINDOWS) {
      const counts = new Map<string, number>();
      for (let i = 0; i < flat.length; i += 2) {
        if (Number(flat[i + 1]) < now - spanMs) continue;
        const postId = (flat[i] as string).split('|')[0] as string;
        counts.set(postId, (counts.get(postId) ?? 0) + 1);
      }
      const key = keys.trending(window, shard);
      tx.del(key).zadd(key, '-inf', BUILT);
      const args = [...counts].flatMap(([postId, n]) => [n, postId]);
      for (let i = 0; i < args.length; i += 2000) tx.zadd(key, ...args.slice(i, i + 2000));
      tx.expire(key, TTL.trendingWindow);
    }
    await tx.exec();
  }
}
