/**
 * U2 + L1 + R3: like counters and like sets, the truth until the sync engine writes them back.
 * One Lua script per operation on the post's slot makes "refuse a second like" atomic; trending
 * is updated in a separate, single-key step (global keys live on other slots, K5). A like is
 * reported durable only after WAIT confirms a replica has it.
 */
import type { Cluster } from 'ioredis';
import { waitForReplica } from '../cluster/replica-ack';
import type { DocumentStore } from '../stores/ports';
import { AppError } from '../errors';
import { newOpId } from '../ids';
import { keys, postTag, TTL } from '../keys';
import { runScript } from '../lua/scripts';
import { withMemoryRelief } from './memory-relief';
import { keySuffixes, perMaster } from './post-groups';

export interface LikeResult {
  changed: boolean;
  count: number;
  /** A replica acknowledged the write (WAIT 1), so a failover cannot lose it (R3). */
  durable: boolean;
}

/** What post_counts.lua says of a post: null where a counter is not cached (or the like set must be rebuilt). */
export interface PostCountsView {
  likes: number | null;
  comments: number | null;
  liked: boolean | null;
}

/** The three numbers post_counts.lua (and post_counts_many.lua, per post) answers, -1 for "not cached". */
function countsView(likes: number, comments: number, liked: number): PostCountsView {
  return { likes: likes < 0 ? null : likes, comments: comments < 0 ? null : comments, liked: liked < 0 ? null : liked === 1 };
}

export class LikeCache {
  constructor(
    private readonly redis: Cluster,
    private readonly documents: DocumentStore,
    /** How long WAIT may block for a replica acknowledgement. */
    private readonly waitMs = 200,
    /** R2: TTL of a post's like keys once written back (what a rebuild from the store gets). */
    readonly ttlSeconds = 86_400,
    /** Makes like keys evictable now (write-back, then TTLs): called when Redis is out of memory. */
    private readonly relieve?: () => Promise<void>,
  ) {}

  /** The keys of a post's like scripts, in their order: counter, like set, ops log, dirty number. */
  static keysOf(postId: string): string[] {
    return [keys.likesCount(postId), keys.likesUsers(postId), keys.opLog(keys.likesCount(postId)), keys.likesDirty(postId)];
  }

  /**
   * The Lua like or unlike alone, through the cluster client so MOVED and ASK (a slot being
   * migrated) are followed. A missing counter is rebuilt from the store first. One operation id
   * for every attempt (R8): a command ioredis resends after a lost reply answers what its first
   * run did, so the caller's side effects (trending, the write-back) happen exactly once.
   */
  async write(op: 'like' | 'unlike', postId: string, username: string, opId = newOpId()): Promise<{ changed: boolean; count: number }> {
    const scriptKeys = LikeCache.keysOf(postId);
    for (let attempt = 0; attempt < 3; attempt++) {
      const [changed, count] = await withMemoryRelief(`a like of post ${postId}`, () => runScript<[number, number]>(this.redis, op === 'like' ? 'likeOnce' : 'unlikeOnce', scriptKeys, [username, opId, TTL.ops, attempt > 0 ? '1' : '0']), this.relieve);
      if (changed === -1) {
        // Rebuilt, and gone again before the like ran: memory is so full that a key just written
        // with a TTL was the one evicted. Written back and settled, older keys go first.
        if (attempt > 0) await this.relieve?.();
        await this.hydrate(postId);
        continue;
      }
      return { changed: changed === 1, count: Number(count) };
    }
    throw new AppError('cluster_unavailable', `The like counter of post ${postId} was evicted each time it was rebuilt: Redis is short of memory (maxmemory); try again in a moment.`);
  }

  /** R3: whether a replica has the post's counter as written so far (WAIT 1, shared per tick). */
  async confirm(postId: string): Promise<boolean> {
    return (await waitForReplica(this.redis, keys.likesCount(postId), this.waitMs)) >= 1;
  }

  /**
   * Rebuilds a missing counter and like set from the store (R2: never restarted at 0; a post with
   * changes not yet written back is never overwritten, see hydrate_likes.lua). What it writes
   * equals the store, so it gets the written-back TTL.
   */
  async hydrate(postId: string): Promise<string[]> {
    const post = await this.documents.getPost(postId);
    if (!post) throw new AppError('not_found', `Post ${postId} does not exist.`);
    const likers = await this.documents.likers(postId);
    await this.restore(postId, likers, post.likesCount);
    return likers;
  }

  /**
   * hydrate() for many posts (a feed's page) from one store read of who liked them. Each post's
   * store likes_count comes with it, as a feed caches it: it is only used for a post without like
   * records, and such a post's likes_count never changes through the engine (a counter rebuilt
   * from it plus likes that were all taken back is written back as the same number; any like kept
   * leaves a like record), so the feed's copy is as good as a fresh read.
   */
  async hydrateMany(posts: readonly { id: string; likesCount: number }[]): Promise<Map<string, string[]>> {
    if (posts.length === 0) return new Map();
    const likers = await this.documents.likersOf(posts.map((p) => p.id));
    await Promise.all(posts.map((p) => this.restore(p.id, likers.get(p.id) ?? [], p.likesCount)));
    return likers;
  }

  private async restore(postId: string, likers: string[], storeCount: number): Promise<void> {
    // The like records are the better witness (likes_count is written back in batches); a store
    // that only has counts (imported data) still gives the right number.
    const count = likers.length > 0 ? likers.length : storeCount;
    await withMemoryRelief(`the like keys of post ${postId}`, () => runScript(this.redis, 'hydrateLikes', LikeCache.keysOf(postId), [this.ttlSeconds, count, ...likers]), this.relieve);
  }

  /**
   * The counts a post shows (likes, comments) and whether `viewer` liked it, in one script on the
   * post's slot. Counters that are not cached come back as null for the caller to fill in; a
   * viewer's flag is null when the like set must be rebuilt first.
   */
  async view(postId: string, viewer?: string): Promise<PostCountsView> {
    const [likes, comments, liked] = await runScript<[number, number, number]>(
      this.redis,
      'postCounts',
      [keys.likesCount(postId), keys.commentsCount(postId), keys.likesUsers(postId)],
      [viewer ?? '', this.ttlSeconds],
    );
    return countsView(likes, comments, liked);
  }

  /**
   * view() for the posts of a feed page: one script per master serving some of them (a page of 50
   * posts spread over 3 masters is 3 round trips and 3 commands, not 50). Posts are grouped by the
   * master the client's slot table names; a group whose script fails (a slot moved or open in a
   * move since, so a key is not on that master) is asked post by post, which follows redirects.
   */
  async viewMany(postIds: string[], viewer?: string): Promise<PostCountsView[]> {
    const out: PostCountsView[] = new Array<PostCountsView>(postIds.length);
    await perMaster(
      this.redis,
      postIds,
      Infinity,
      async (i) => {
        out[i] = await this.view(postIds[i]!, viewer);
      },
      async (group) => {
        const first = postIds[group[0]!]!;
        const args: (string | number)[] = [viewer ?? '', this.ttlSeconds, ...keySuffixes(first, [keys.likesCount(first), keys.commentsCount(first), keys.likesUsers(first)])];
        for (const i of group) args.push(postTag(postIds[i]!));
        const flat = await runScript<number[]>(this.redis, 'postCountsMany', [keys.likesCount(first)], args);
        for (let k = 0; k < group.length; k++) out[group[k]!] = countsView(flat[3 * k]!, flat[3 * k + 1]!, flat[3 * k + 2]!);
      },
    );
    return out;
  }

  /** Current count for display; falls back to the store's likes_count when not cached. */
  async count(postId: string, storeCount: number): Promise<number> {
    const value = await this.redis.get(keys.likesCount(postId));
    return value === null ? storeCount : Number(value);
  }

  /**
   * Whether `username` liked the post; the counter and like set are rebuilt from the store first
   * when the counter is missing or its like set was evicted apart from it.
   */
  async likedBy(postId: string, username: string): Promise<boolean> {
    const [count, setThere] = await Promise.all([this.redis.get(keys.likesCount(postId)), this.redis.exists(keys.likesUsers(postId))]);
    if (count === null || (Number(count) > 0 && setThere === 0)) {
      const likers = await this.hydrate(postId);
      // Still no set: the store has a count without like records (imported), so nobody is in it.
      if ((await this.redis.exists(keys.likesUsers(postId))) === 0) return likers.includes(username);
    }
    return (await this.redis.sismember(keys.likesUsers(postId), username)) === 1;
  }
}
