/**
 * U3: trending rankings. `trending:posts` (all time) follows every like and unlike. The 1 h and
 * 24 h windows must forget old likes, not just expire the key: every current like is kept in a
 * log ZSET scored by when it happened, and the windows are recomputed from it (on a timer, and
 * on read when missing). All keys are global (K4): each is touched only by single-key commands,
 * or by a script with its own ops log, which shares its slot (keys.opLog).
 *
 * A ranking that was built (rebuilt or recomputed whole) holds a '~' member at -inf, so it exists
 * even with no post in it: a ranking that is not there was never built or was wiped, and is
 * rebuilt on read; increments skip it meanwhile. After a cache wipe (or on a cluster that never
 * had them) the all-time ranking is rebuilt from the store's like counts and the log from the
 * store's like records with their times, each once, after this engine's pending write-backs are
 * flushed. What a rebuild cannot see: a like that another
 * step of the same moment has in Redis but not yet in the store (ms around the rebuild).
 */
import type { Cluster } from 'ioredis';
import type { TrendingEntry } from '../../../shared/types';
import { newOpId, type Clock } from '../ids';
import { keys, TTL, type TrendingWindow } from '../keys';
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

export class TrendingCache {
  constructor(
    private readonly redis: Cluster,
    private readonly clock: Clock,
    private readonly source: TrendingSource,
    readonly limit = 10,
  ) {}

  /**
   * The log and the three rankings are separate global keys (K4), and every like touches them:
   * the hottest keys of the cluster. Likes that finish in the same turn of the event loop are
   * applied together (TickBatch): one ZADD and one ZREM on the log for all of them, and one script
   * per ranking with the summed change per post. Each caller still waits until its own change
   * is in Redis, so a read after a like always sees it.
   */
  private readonly batch = new TickBatch<{ postId: string; username: string; liked: boolean }>((changes) => this.apply(changes));

  onLike(postId: string, username: string): Promise<void> {
    return this.batch.add({ postId, username, liked: true });
  }

  onUnlike(postId: string, username: string): Promise<void> {
    return this.batch.add({ postId, username, liked: false });
  }

  private async apply(changes: { postId: string; username: string; liked: boolean }[]): Promise<void> {
    // The log keeps each (post, user)'s last change; the rankings take the sum per post.
    const last = new Map<string, boolean>();
    const delta = new Map<string, number>();
    for (const c of changes) {
      last.set(logMember(c.postId, c.username), c.liked);
      delta.set(c.postId, (delta.get(c.postId) ?? 0) + (c.liked ? 1 : -1));
    }
    const now = this.clock();
    const added = [...last].filter(([, liked]) => liked).flatMap(([member]) => [now, member]);
    const removed = [...last].filter(([, liked]) => !liked).map(([member]) => member);
    const pairs = [...delta].filter(([, by]) => by !== 0).flatMap(([postId, by]) => [by, postId]);
    // One operation id for this batch (R8): ioredis resends exactly this command, and each
    // ranking's script checks it on that ranking's slot. A ranking that is not there skips it.
    const opId = newOpId();
    const bump = (key: string) => runScript(this.redis, 'zincrFloor', [key, keys.opLog(key)], [opId, TTL.ops, ...pairs]);
    await Promise.all([
      added.length > 0 ? this.redis.zadd(keys.trendingLog, ...added) : null,
      removed.length > 0 ? this.redis.zrem(keys.trendingLog, ...removed) : null,
      ...(pairs.length === 0
        ? []
        : [bump(keys.trending('all')), ...WINDOWS.map((w) => bump(keys.trending(w.window)))]),
    ]);
  }

  private async built(key: string): Promise<boolean> {
    return (await this.redis.exists(keys.builtMarker(key))) === 1;
  }

  /**
   * One ZREVRANGE, one more than shown so the BUILT member fits when the ranking is short: an
   * empty answer means the ranking is not there, and it is rebuilt first.
   */
  async get(window: TrendingWindow): Promise<TrendingEntry[]> {
    const key = keys.trending(window);
    const read = () => this.redis.zrevrange(key, 0, this.limit, 'WITHSCORES');
    let flat = await read();
    if (flat.length === 0) {
      await (window === 'all' ? this.rebuildAll() : this.recompute());
      flat = await read();
    }
    const entries: TrendingEntry[] = [];
    for (let i = 0; i < flat.length; i += 2) if (flat[i] !== BUILT) entries.push({ postId: flat[i] as string, score: Number(flat[i + 1]) });
    return entries.slice(0, this.limit);
  }

  /**
   * The all-time ranking from the store's like counts (top REBUILD_TOP), unless it is there
   * already: zrebuild.lua writes it whole with its BUILT member in one step, so two rebuilds, or
   * a rebuild and increments, never add up twice.
   */
  async rebuildAll(): Promise<void> {
    await this.source.settle();
    const top = await this.source.topLiked(REBUILD_TOP);
    await runScript(this.redis, 'zrebuild', [keys.trending('all')], top.flatMap((p) => [p.likesCount, p.postId]));
  }

  /**
   * The like log from the store's like records of the last 24 h, unless it is built. Entries
   * are added with NX: a like already logged since the wipe keeps its own time. Members are
   * idempotent, so batches (and two engines doing it at once) cannot count anything twice.
   */
  private async rebuildLog(since: number): Promise<void> {
    if (await this.built(keys.trendingLog)) return;
    await this.source.settle();
    const likes = await this.source.likesSince(since);
    for (let i = 0; i < likes.length; i += LOG_BATCH) {
      const batch = likes.slice(i, i + LOG_BATCH).flatMap((l) => [l.at, logMember(l.postId, l.username)]);
      await this.redis.zadd(keys.trendingLog, 'NX', ...batch);
    }
    await this.redis.set(keys.builtMarker(keys.trendingLog), '1');
  }

  /** Rebuilds both windows from the likes of the last 24 h and drops older log entries. */
  async recompute(): Promise<void> {
    const now = this.clock();
    const oldest = now - 24 * HOUR;
    await this.rebuildLog(oldest);
    await this.redis.zremrangebyscore(keys.trendingLog, '-inf', `(${oldest}`);
    const flat = await this.redis.zrangebyscore(keys.trendingLog, oldest, '+inf', 'WITHSCORES');
    for (const { window, spanMs } of WINDOWS) {
      const counts = new Map<string, number>();
      for (let i = 0; i < flat.length; i += 2) {
        if (Number(flat[i + 1]) < now - spanMs) continue;
        const postId = (flat[i] as string).split('|')[0] as string;
        counts.set(postId, (counts.get(postId) ?? 0) + 1);
      }
      const key = keys.trending(window);
      // One key, so MULTI is legal: readers never see a half-written ranking. BUILT keeps it
      // there when no post is in the window, until the TTL asks for the next recompute.
      const tx = this.redis.multi().del(key).zadd(key, '-inf', BUILT);
      const args = [...counts].flatMap(([postId, n]) => [n, postId]);
      for (let i = 0; i < args.length; i += 2000) tx.zadd(key, ...args.slice(i, i + 2000));
      tx.expire(key, TTL.trendingWindow);
      await tx.exec();
    }
  }
}
