/**
 * U1 + F1: the three feeds of a user, cached 60 s as lists of posts, with hybrid fan-out (the
 * Twitter timelines design).
 *
 * - A post by an account below the fan-out threshold deletes its followers' cached following and
 *   all feeds (fan-out on write, one DEL per follower).
 * - An account at or above it ("large") does no work per follower: its post goes into a capped
 *   list of its recent posts on its own slot, and a follower's cached page is merged with the
 *   recent lists of the large accounts they follow when it is read (fan-out on read). Which
 *   accounts are large is a small global SET; a cached page stores, next to its posts, the large
 *   accounts its owner followed when it was built.
 * - An account that becomes large (or finds itself missing from the SET, after a cache wipe)
 *   must reach the pages built before, which do not merge its recent list. With up to
 *   `generationAbove` followers (10x the threshold: an account that just crossed it) it deletes
 *   their pages once. With more (the SET was wiped or evicted, or a network was imported) it
 *   starts a new feeds generation instead: every cached page carries the generation it was built
 *   in and is rebuilt on its next read once that changed, so no request does a DEL per follower
 *   (a 1M-user network has accounts with 340k followers). An account that drops below deletes its
 *   recent list and is fanned out on write again.
 *
 * A page is built from the store under a build token (keys.feedBuild) that every invalidation
 * deletes with the page: a build whose store read may predate a post or a follow does not write
 * its page (feed_write.lua). Counts are read live (likes and comments change far more often than
 * the feed); each post keeps the store's likes_count as of caching for where its like counter is
 * not in Redis (seeded, or never liked through this cluster): then nothing has liked it since, so
 * that count is still the answer.
 */
import calculateSlot from 'cluster-key-slot';
import type { Cluster } from 'ioredis';
import type { DocumentStore, GraphStore, PostDoc } from '../stores/ports';
import { newOpId } from '../ids';
import { feedGenerationShardOf, HOT_SHARDS, keys, TTL, userTag, type FeedKind } from '../keys';
import { runScript } from '../lua/scripts';
import { deleteKeys } from './cached-list';
import { groupByMaster } from './post-groups';

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
/** Followers above which an account entering the large set starts a new generation, as a multiple of the threshold. */
export const GENERATION_ABOVE_THRESHOLDS = 10;
/** F1 default: accounts with at least this many followers are merged into feeds at read time. */
export const DEFAULT_FANOUT_THRESHOLD = 1000;
/**
 * Followers' DELs in flight at once over every post of this engine. Each post used to send up to
 * 200 of its own: a burst of posts by accounts with many followers then queued tens of thousands
 * of DELs on the masters, and the last ones waited past the command timeout (a post failed with
 * cluster_unavailable). Past the cap, a post's DELs wait here, where nothing times out. A batch
 * of FANOUT_BATCH users is now one del_many.lua on their master, one DEL of its four keys per user
 * inside it (200 DELs when it fails).
 */
export const FANOUT_DELS_IN_FLIGHT = 1000;
const FANOUT_BATCH = 200;

export type FeedPost = PostDoc;

/**
 * Element 0 of a cached page: the format (4: with the large accounts and the generation; a page
 * cached by an older engine reads as not cached), the large accounts whose recent lists are
 * merged into it, and the feeds generation it was built in ('' before the first one).
 */
interface FeedHeader {
  redk: 4;
  large: string[];
  generation: string;
}
const HEADER_PREFIX = '{"redk":4,';

/** What a post did to the feeds: which path it took and how many followers' feeds it dropped. */
export interface FanoutOutcome {
  large: boolean;
  /** Followers whose cached feeds were deleted (0 for a large account that was known as large). */
  invalidatedFollowers: number;
  /** A new feeds generation was started (a large account with very many followers entered the set). */
  newGeneration: boolean;
}

/** A user's cached feeds of these kinds and their build tokens: one hash tag, so one DEL (K5). */
const feedKeys = (name: string, ...kinds: FeedKind[]) => kinds.flatMap((kind) => [keys.feed(name, kind), keys.feedBuild(name, kind)]);

const newestFirst = (a: FeedPost, b: FeedPost) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
const slim = ({ id, author, text, createdAt, likesCount }: FeedPost): FeedPost => ({ id, author, text, createdAt, likesCount });

export class FeedCache {
  constructor(
    private readonly redis: Cluster,
    private readonly documents: DocumentStore,
    private readonly graph: GraphStore,
    readonly fanoutThreshold = DEFAULT_FANOUT_THRESHOLD,
    readonly generationAbove = GENERATION_ABOVE_THRESHOLDS * fanoutThreshold,
  ) {}

  /**
   * The first page (newest FEED_LENGTH posts), cached as U1 says, with the large accounts' recent
   * posts merged in. A page of an older feeds generation is rebuilt.
   */
  async get(username: string, kind: FeedKind): Promise<FeedPost[]> {
    const [cached, generation] = await Promise.all([this.readPage(keys.feed(username, kind)), this.generationOf(username)]);
    if (cached && cached.header.generation === generation) {
      return cached.header.large.length === 0 ? cached.posts : this.mergeRecent(cached.posts, cached.header.large);
    }
    return this.build(username, kind);
  }

  private async generationOf(username: string): Promise<string> {
    return (await this.redis.get(keys.feedGeneration(feedGenerationShardOf(username)))) ?? '';
  }

  /**
   * Later pages, read from the store: keyset pagination on createdAt (engine times are strictly
   * increasing, so no post is skipped or repeated between pages). Scrolling back is rare and the
   * pages behind it move as posts arrive, so they are not cached.
   */
  async older(username: string, kind: FeedKind, before: number): Promise<FeedPost[]> {
    return this.read(await this.authorsOf(username, kind), before);
  }

  private async readPage(key: string): Promise<{ header: FeedHeader; posts: FeedPost[] } | null> {
    const raw = await this.redis.lrange(key, 0, -1);
    const first = raw[0];
    if (first === undefined || !first.startsWith(HEADER_PREFIX)) return null;
    const header = JSON.parse(first) as FeedHeader;
    return { header, posts: raw.slice(1).map((item) => JSON.parse(item) as FeedPost) };
  }

  /**
   * A page from the store, cached unless an invalidation came in meanwhile. The token is set
   * before anything is read (the large accounts, the follow list, the posts), so whatever a
   * concurrent post or follow wrote before its invalidation either is in what this build read or
   * has deleted the token.
   */
  private async build(username: string, kind: FeedKind): Promise<FeedPost[]> {
    const key = keys.feed(username, kind);
    const marker = keys.feedBuild(username, kind);
    const token = newOpId();
    // The generation is read before the large set: a new generation is started after its
    // account is in the set, so a page that records the new one has read the set with it.
    const [generation] = await Promise.all([this.generationOf(username), this.redis.set(marker, token, 'EX', TTL.feed)]);
    const [registry, authors] = await Promise.all([kind === 'self' ? [] : this.redis.smembers(keys.largeAccounts), this.authorsOf(username, kind)]);
    const posts = await this.read(authors);
    // The owner's own posts drop the owner's feeds whatever the owner's size: only the followed count.
    const followed = new Set(authors);
    followed.delete(username);
    const large = registry.filter((name) => followed.has(name)).sort();
    const header: FeedHeader = { redk: 4, large, generation };
    await runScript(this.redis, 'feedWrite', [key, marker], [token, TTL.feed, JSON.stringify(header), ...posts.map((p) => JSON.stringify(p))]);
    return posts;
  }

  /**
   * The cached page and the large accounts' recent posts, newest first, each post once (the
   * page's copy wins: its likes_count was read from the store when the page was built).
   */
  private async mergeRecent(page: FeedPost[], large: string[]): Promise<FeedPost[]> {
    const lists = await Promise.all(large.map((name) => this.redis.lrange(keys.recentPosts(name), 0, FEED_LENGTH - 1)));
    const seen = new Set(page.map((p) => p.id));
    const merged = [...page];
    for (const list of lists) {
      for (const item of list) {
        const post = JSON.parse(item) as FeedPost;
        if (seen.has(post.id)) continue;
        seen.add(post.id);
        merged.push(post);
      }
    }
    if (merged.length === page.length) return page;
    return merged.sort(newestFirst).slice(0, FEED_LENGTH);
  }

  private async authorsOf(username: string, kind: FeedKind): Promise<string[]> {
    const authors = kind === 'self' ? [username] : await this.graph.following(username, FEED_MAX_SOURCES);
    if (kind === 'all') authors.push(username);
    return authors;
  }

  private async read(authors: string[], before?: number): Promise<FeedPost[]> {
    const page = before === undefined ? { limit: FEED_LENGTH } : { limit: FEED_LENGTH, before };
    // Each query's newest FEED_LENGTH, merged: the newest FEED_LENGTH of all of them.
    const chunks: string[][] = [];
    for (let i = 0; i < authors.length; i += FEED_AUTHORS_PER_QUERY) chunks.push(authors.slice(i, i + FEED_AUTHORS_PER_QUERY));
    const found = chunks.length <= 1 ? await this.documents.postsByAuthors(authors, page) : (await Promise.all(chunks.map((c) => this.documents.postsByAuthors(c, page)))).flat();
    if (chunks.length > 1) found.sort(newestFirst);
    return found.slice(0, FEED_LENGTH).map(slim);
  }

  /**
   * A new post (already in the store): the author's own self and all feeds are dropped; then
   * either every follower's following and all feeds (a small account), or nothing per follower
   * (a large one: the post goes into its recent list, which followers' feeds merge when read).
   * `followers` is the author's follower count as the profile has it.
   */
  async onPost(post: FeedPost, followers: number): Promise<FanoutOutcome> {
    const { author } = post;
    const recent = keys.recentPosts(author);
    const own = feedKeys(author, 'self', 'all');
    if (followers >= this.fanoutThreshold) {
      // One MULTI on the author's slot (K5): its own feeds, and the post on its capped recent list.
      await this.redis
        .multi()
        .del(...own)
        .lpush(recent, JSON.stringify(slim(post)))
        .ltrim(recent, 0, FEED_LENGTH - 1)
        .exec();
      // New in the set (it just crossed the threshold, or the set was wiped): the followers'
      // pages built before do not merge its recent list. A few followers' pages are dropped this
      // one time; past generationAbove, every page is rebuilt on its next read instead.
      const added = await this.redis.sadd(keys.largeAccounts, author);
      if (added !== 1) return { large: true, invalidatedFollowers: 0, newGeneration: false };
      if (followers > this.generationAbove) {
        await this.newGeneration();
        return { large: true, invalidatedFollowers: 0, newGeneration: true };
      }
      return { large: true, invalidatedFollowers: await this.invalidateFollowers(author), newGeneration: false };
    }
    const [, wasLarge] = (await this.redis.multi().del(...own).exists(recent).exec()) ?? [];
    if (wasLarge?.[1] !== 1) return { large: false, invalidatedFollowers: await this.invalidateFollowers(author), newGeneration: false };
    // Dropped below the threshold: out of the set first (a page built after that reads the
    // store for it), then the followers' pages, and its recent list last, once no cached page
    // merges it any more.
    await this.redis.srem(keys.largeAccounts, author);
    const invalidated = await this.invalidateFollowers(author);
    await this.redis.del(recent);
    return { large: false, invalidatedFollowers: invalidated, newGeneration: false };
  }

  /**
   * Every copy gets one new random token (never a counter: a counter lost to a wipe or an
   * eviction would count up to values that old pages carry). Awaited before the post answers,
   * so any read after it rebuilds.
   */
  private async newGeneration(): Promise<void> {
    const token = newOpId();
    await Promise.all(Array.from({ length: HOT_SHARDS }, (_, shard) => this.redis.set(keys.feedGeneration(shard), token)));
  }

  private async invalidateFollowers(author: string): Promise<number> {
    const followers = await this.graph.followers(author, FANOUT_LIMIT);
    // A user's feeds and their build tokens share the {user:<name>} tag, so one slot: the users
    // are grouped by the master serving it, and each group is one del_many.lua, which builds each
    // user's four keys from the tag (a group whose script fails, a slot having moved, is one DEL
    // per user, which follows redirects).
    if (followers.length === 0) return 0;
    const tags = followers.map(userTag);
    const firstKeys = feedKeys(followers[0]!, 'following', 'all');
    const suffixes = firstKeys.map((key) => key.slice(tags[0]!.length));
    const { groups, single } = groupByMaster(this.redis, tags.map((tag) => calculateSlot(tag)), FANOUT_BATCH);
    const oneByOne = (places: number[]) => deleteKeys(this.redis, places.map((i) => feedKeys(followers[i]!, 'following', 'all')), FANOUT_BATCH);
    await Promise.all([
      ...(single.length > 0 ? [this.fanoutSlots.run(() => oneByOne(single))] : []),
      ...groups.map((group) =>
        this.fanoutSlots.run(async () => {
          try {
            await runScript(this.redis, 'delMany', [tags[group[0]!]! + suffixes[0]!], [suffixes.length, ...suffixes, ...group.map((i) => tags[i]!)]);
          } catch {
            await oneByOne(group);
          }
        }),
      ),
    ]);
    return followers.length;
  }

  private readonly fanoutSlots = new Limiter(Math.max(1, Math.floor(FANOUT_DELS_IN_FLIGHT / FANOUT_BATCH)));

  /** A follow or unfollow changes what the follower's following and all feeds show (and which large accounts they merge). */
  async invalidateForFollow(follower: string): Promise<void> {
    await deleteKeys(this.redis, [feedKeys(follower, 'following', 'all')]);
  }
}

/** At most `max` tasks running at once; the others wait in arrival order. */
class Limiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly max: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
