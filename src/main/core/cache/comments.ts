/** U4: a post's comments (newest first) and their count, cached 120 s; an add updates both atomically. */
import type { Cluster } from 'ioredis';
import type { CommentDoc, DocumentStore } from '../stores/ports';
import { keys, TTL } from '../keys';
import { runScript } from '../lua/scripts';
import { readGrowingList, rebuildGrowingList } from './cached-list';
import { fillUnlessFull } from './memory-relief';

export const COMMENTS_LENGTH = 100;

export class CommentCache {
  constructor(
    private readonly redis: Cluster,
    private readonly documents: DocumentStore,
  ) {}

  async list(postId: string): Promise<CommentDoc[]> {
    if ((await this.count(postId)) === 0) return [];
    const key = keys.comments(postId);
    const cached = await readGrowingList<CommentDoc>(this.redis, key);
    if (cached) return cached;
    // Newest first: the snapshot's newest is its first item.
    return rebuildGrowingList(
      this.redis, key, TTL.comments,
      () => this.documents.listComments(postId, { limit: COMMENTS_LENGTH }),
      async () => (await this.documents.listComments(postId, { limit: 1 }))[0]?.id ?? null,
      (items) => items[0]?.id ?? null,
    );
  }

  async count(postId: string): Promise<number> {
    const key = keys.commentsCount(postId);
    const cached = await this.redis.get(key);
    if (cached !== null) return Number(cached);
    const count = await this.documents.countComments(postId);
    await fillUnlessFull(this.redis.set(key, count, 'EX', TTL.comments, 'NX'));
    return count;
  }

  /**
   * The counts of posts whose counter is not cached (a feed's, after its one script per post said
   * so): one store query for all of them instead of one per post, then each cached as count() does.
   */
  async countOf(postIds: string[]): Promise<Map<string, number>> {
    const counts = await this.documents.countCommentsOf(postIds);
    await Promise.all([...counts].map(([postId, count]) => fillUnlessFull(this.redis.set(keys.commentsCount(postId), count, 'EX', TTL.comments, 'NX'))));
    return counts;
  }

  /**
   * After the store has the comment: push onto the cached list and raise the count in one step,
   * once (R8): the comment's id is its operation id, so a resent script finds it in the post's
   * ops.
   */
  async onAdded(comment: CommentDoc): Promise<void> {
    const count = keys.commentsCount(comment.postId);
    await runScript(this.redis, 'commentAdd', [keys.comments(comment.postId), count, keys.opLog(count)], [JSON.stringify(comment), COMMENTS_LENGTH, TTL.comments, comment.id, TTL.ops]);
  }
}
