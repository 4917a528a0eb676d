/**
 * U3: trending rankings. `trending:posts` (all time) follows every like and unlike. The 1 h and
 * 24 h windows must forget old likes, not just expire the key: every current like is kept in a
 * log ZSET scored by when it happened, and the windows are recomputed from it (on a timer, and
 * on read when missing). All keys are global (K4): each is touched only by single-key commands.
 */
import type { Cluster } from 'ioredis';
import type { TrendingEntry } from '../../../shared/types';
import type { Clock } from '../ids';
import { keys, TTL, type TrendingWindow } from '../keys';
import { runScript } from '../lua/scripts';
import { TickBatch } from '../tick-batch';

const HOUR = 3_600_000;
const WINDOWS: { window: Exclude<TrendingWindow, 'all'>; spanMs: number }[] = [
  { window: '1h', spanMs: HOUR },
  { window: '24h', spanMs: 24 * HOUR },
];
/** How long after a recompute a missing window key is trusted to mean "empty". */
const FRESH_MS = 60_000;
const logMember = (postId: string, username: string) => `${postId}|${username}`;

export class TrendingCache {
  private recomputedAt = 0;

  constructor(
    private readonly redis: Cluster,
    private readonly clock: Clock,
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

  /**
   * Shortly after a recompute a missing window key just means "empty" (Redis drops empty ZSETs),
   * so it may be created by the increment; later it may have expired, and must be rebuilt from
   * the log instead of restarted from one like.
   */
  private windowsFresh(): boolean {
    return this.clock() - this.recomputedAt < FRESH_MS;
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
    const onlyIfExists = this.windowsFresh() ? '0' : '1';
    await Promise.all([
      added.length > 0 ? this.redis.zadd(keys.trendingLog, ...added) : null,
      removed.length > 0 ? this.redis.zrem(keys.trendingLog, ...removed) : null,
      ...(pairs.length === 0
        ? []
        : [
            runScript(this.redis, 'zincrFloor', [keys.trending('all')], ['0', ...pairs]),
            ...WINDOWS.map((w) => runScript(this.redis, 'zincrFloor', [keys.trending(w.window)], [onlyIfExists, ...pairs])),
          ]),
    ]);
  }

  async get(window: TrendingWindow): Promise<TrendingEntry[]> {
    const key = keys.trending(window);
    if (window !== 'all' && !this.windowsFresh() && (await this.redis.exists(key)) === 0) {
      await this.recompute();
    }
    const flat = await this.redis.zrevrange(key, 0, this.limit - 1, 'WITHSCORES');
    const entries: TrendingEntry[] = [];
    for (let i = 0; i < flat.length; i += 2) entries.push({ postId: flat[i] as string, score: Number(flat[i + 1]) });
    return entries;
  }

  /** Rebuilds both windows from the likes of the last 24 h and drops older log entries. */
  async recompute(): Promise<void> {
    const now = this.clock();
    const oldest = now - 24 * HOUR;
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
      // One key, so MULTI is legal: readers never see a half-written ranking.
      const tx = this.redis.multi().del(key);
      const args = [...counts].flatMap(([postId, n]) => [n, postId]);
      for (let i = 0; i < args.length; i += 2000) tx.zadd(key, ...args.slice(i, i + 2000));
      tx.expire(key, TTL.trendingWindow);
      await tx.exec();
    }
    this.recomputedAt = now;
  }
}
