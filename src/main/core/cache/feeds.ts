/**
 * U1: the three feeds of a user, cached 60 s as lists of posts. Counts are read live (likes and
 * comments change far more often than the feed); each post keeps the store's likes_count as of
 * caching for where its like counter is not in Redis (seeded, or never liked through this
 * cluster): then nothing has liked it since, so that count is still the answer.
 */
import type { Cluster } from 'ioredis';
import type { DocumentStore, GraphStore, PostDoc } from '../stores/ports';
import { keys, TTL, type FeedKind } from '../keys';
import { cachedList, deleteKeys } from './cached-list';

export const FEED_LENGTH = 50;
/**
 * How many authors one store query of a feed names. Someone who follows more is read in several
 * such queries whose newest posts are merged: no followed account is left out (it used to be the
 * first 2,000 by name, so a user following more silently missed posts).
 */
export const FEED_AUTHORS_PER_QUERY = 2000;
/** Upper bound on the accounts a feed reads from at all (far above any real follow list). */
export const FEED_MAX_SOURCES = 1_000_000;
/** Upper bound on followers whose feeds a post invalidates; beyond it their 60 s TTL does the job. */
export const FANOUT_LIMIT = 100_000;

export type FeedPost = PostDoc;

export class FeedCache {
  constructor(
    private readonly redis: Cluster,
    private readonly documents: DocumentStore,
    private readonly graph: GraphStore,
  ) {}

  /** The first page (newest FEED_LENGTH posts), cached as U1 says. */
  async get(username: string, kind: FeedKind): Promise<FeedPost[]> {
    return cachedList(this.redis, keys.feed(username, kind), TTL.feed, () => this.read(username, kind));
  }

  /**
   * Later pages, read from the store: keyset pagination on createdAt (engine times are strictly
   * increasing, so no post is skipped or repeated between pages). Scrolling back is rare and the
   * pages behind it move as posts arrive, so they are not cached.
   */
  older(username: string, kind: FeedKind, before: number): Promise<FeedPost[]> {
    return this.read(username, kind, before);
  }

  private async read(username: string, kind: FeedKind, before?: number): Promise<FeedPost[]> {
    const authors = kind === 'self' ? [username] : await this.graph.following(username, FEED_MAX_SOURCES);
    if (kind === 'all') authors.push(username);
    const page = before === undefined ? { limit: FEED_LENGTH } : { limit: FEED_LENGTH, before };
    // Each query's newest FEED_LENGTH, merged: the newest FEED_LENGTH of all of them.
    const chunks: string[][] = [];
    for (let i = 0; i < authors.length; i += FEED_AUTHORS_PER_QUERY) chunks.push(authors.slice(i, i + FEED_AUTHORS_PER_QUERY));
    const found = chunks.length <= 1 ? await this.documents.postsByAuthors(authors, page) : (await Promise.all(chunks.map((c) => this.documents.postsByAuthors(c, page)))).flat();
    if (chunks.length > 1) found.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    return found.slice(0, FEED_LENGTH).map(({ id, author, text, createdAt, likesCount }) => ({ id, author, text, createdAt, likesCount }));
  }

  /** A new post shows in the author's self and all feeds and in every follower's following and all feeds. */
  async invalidateForPost(author: string): Promise<number> {
    const followers = await this.graph.followers(author, FANOUT_LIMIT);
    // One DEL per user: a user's feeds share the {user:<name>} tag, so one slot.
    const stale = [[keys.feed(author, 'self'), keys.feed(author, 'all')], ...followers.map((f) => [keys.feed(f, 'following'), keys.feed(f, 'all')])];
    await deleteKeys(this.redis, stale);
    return stale.length * 2;
  }

  /** A follow or unfollow changes what the follower's following and all feeds show. */
  async invalidateForFollow(follower: string): Promise<void> {
    await deleteKeys(this.redis, [[keys.feed(follower, 'following'), keys.feed(follower, 'all')]]);
  }
}
