/**
 * Every Redis key is built here and nowhere else (K1-K4). Names and ids are checked first (R1):
 * a `{` or `}` would move the hash tag, `*?[` would widen a SCAN pattern, `:` would fake a key
 * family, so two users can never share or break each other's tag.
 *
 * Keys of one family share a hash tag, hence a slot, so multi-key work on them (MULTI, Lua,
 * pipelines) is legal in a cluster (K5). The global keys of K4 (trending, stats) are split into
 * partial keys, each with a tag of its own on its own master (HOT_SHARDS): every like touches
 * them, and one key on one master would make that master the cluster's bottleneck.
 */
import calculateSlot from 'cluster-key-slot';
import { isValidId, isValidUsername } from '../../shared/names';
import { hashTagOf } from './cluster/keyslot';
import { AppError } from './errors';

export type FeedKind = 'all' | 'following' | 'self';
export type TrendingWindow = 'all' | '1h' | '24h';

export function checkUsername(name: string): string {
  if (!isValidUsername(name)) throw new AppError('invalid_username', `"${name.slice(0, 40)}" is not a valid username.`);
  return name;
}

export function checkId(id: string): string {
  if (!isValidId(id)) throw new AppError('invalid_input', `"${id.slice(0, 40)}" is not a valid id.`);
  return id;
}

const user = (name: string) => `{user:${checkUsername(name)}}`;
/** A user's hash tag with its braces: the start of each of the user's keys. */
export const userTag = user;
/** The hash tag of a post's keys, without its braces: its slot is the slot of every key of the post. */
export const postHashTag = (id: string) => `post:${checkId(id)}`;
/** A post's hash tag with its braces: the start of each of its keys. */
export const postTag = (id: string) => `{${postHashTag(id)}}`;
const post = postTag;

/** Both orders of a pair name the same conversation: the usernames are sorted (K3). */
export function conversationPair(a: string, b: string): [string, string] {
  checkUsername(a);
  checkUsername(b);
  return a < b ? [a, b] : [b, a];
}

const conv = (a: string, b: string) => {
  const [x, y] = conversationPair(a, b);
  return `{conv:${x}::${y}}`;
};

/** The text a key hashes by, as Redis picks it: its hash tag, else the whole key. */
const hashedPart = (key: string) => hashTagOf(key) ?? key;

/**
 * Hot keys (the trending rankings and their like log, the stats counters) are touched by every
 * like or every creation. One key lives on one master, so each is split into HOT_SHARDS partial
 * keys, and partial i carries a hash tag whose slot lies in the middle of the i-th equal part of
 * the 16,384 slots: with the default layout (C1: three equal ranges) each partial lands on its own
 * master. Every engine on a cluster must agree on it, so it is fixed, not configured.
 */
export const HOT_SHARDS = 3;
const SLOTS = 16384;

/** The tag of partial `shard` of a family: "<family>:<shard>.<salt>", the first salt whose slot is central in its part. */
export function spreadTag(family: string, shard: number, shards = HOT_SHARDS): string {
  const width = SLOTS / shards;
  const low = shard * width + width / 4;
  const high = shard * width + (3 * width) / 4;
  for (let salt = 0; salt < 100_000; salt++) {
    const tag = `${family}:${shard}.${salt}`;
    const slot = calculateSlot(tag);
    if (slot >= low && slot < high) return tag;
  }
  throw new Error(`no tag for ${family} ${shard}/${shards}`);
}

const trendingTags = Array.from({ length: HOT_SHARDS }, (_, i) => spreadTag('trending', i));
const statsTags = Array.from({ length: HOT_SHARDS }, (_, i) => spreadTag('stats', i));
const feedGenerationTags = Array.from({ length: HOT_SHARDS }, (_, i) => spreadTag('feedgen', i));
const checkShard = (shard: number) => {
  if (!Number.isInteger(shard) || shard < 0 || shard >= HOT_SHARDS) throw new AppError('internal', `hot-key shard ${shard} is not in 0..${HOT_SHARDS - 1}`);
  return shard;
};

/** Which partial of the trending keys holds a post: fixed per post, so its score lives in one partial. */
export const trendingShardOf = (postId: string) => calculateSlot(checkId(postId)) % HOT_SHARDS;
/** Which copy of the feeds' generation a user's feed reads reads: spread by the user's slot. */
export const feedGenerationShardOf = (username: string) => calculateSlot(user(username)) % HOT_SHARDS;

export const keys = {
  feed: (name: string, kind: FeedKind) => `${user(name)}:feed:${kind}`,
  profile: (name: string) => `${user(name)}:profile`,
  suggestions: (name: string) => `${user(name)}:suggestions`,
  conversations: (name: string) => `${user(name)}:conversations`,
  /**
   * F1: "a first page of this feed is being built from the store" (a random token, TTL of a feed).
   * Every invalidation of the feed deletes it too, and the build writes its page only while its
   * token is still there, so a page read from the store before a post never lands after it.
   */
  feedBuild: (name: string, kind: FeedKind) => `${user(name)}:feed:${kind}:build`,
  /** F1: a large account's newest posts (LIST of JSON posts, newest first, capped), on its own slot. */
  recentPosts: (name: string) => `${user(name)}:recent`,
  /** F1: SET of the accounts at or above the fan-out threshold (a global key, K4: small, read whole). */
  largeAccounts: 'feeds:large',
  /**
   * F1: partial `shard` of the feeds' generation (a random token; one copy per hot-key partial,
   * every cached feed read reads the copy of its owner's shard). A cached page carries the token
   * it was built under and is rebuilt once the token has changed: how an account that enters the
   * large set with very many followers reaches all their pages without a DEL per follower.
   */
  feedGeneration: (shard: number) => `{${feedGenerationTags[checkShard(shard)]}}:feeds:generation`,

  likesCount: (id: string) => `${post(id)}:likes:count`,
  likesUsers: (id: string) => `${post(id)}:likes:users`,
  comments: (id: string) => `${post(id)}:comments`,
  commentsCount: (id: string) => `${post(id)}:comments:count`,

  messages: (a: string, b: string) => `${conv(a, b)}:messages`,
  /** HASH username -> unread count for that participant. */
  unread: (a: string, b: string) => `${conv(a, b)}:unread`,

  /**
   * U3, partial `shard` of a ranking (ZSET post id -> likes): every post is in exactly one partial
   * (trendingShardOf), a read merges the partials' tops. The partial's ranking keys, its like log
   * and its ops log share one tag, so one script applies a batch of likes to all of them.
   */
  trending: (window: TrendingWindow, shard: number) => `{${trendingTags[checkShard(shard)]}}:posts${window === 'all' ? '' : `:${window}`}`,
  /** ZSET of current likes of the partial's posts (member "<postId>|<username>", score = time liked), the source of the windows. */
  trendingLog: (shard: number) => `{${trendingTags[checkShard(shard)]}}:likes:log`,
  /** U7, partial `shard` of a count: the count is the sum of its partials; a creation raises one. */
  postsCount: (shard: number) => `{${statsTags[checkShard(shard)]}}:posts_count`,
  usersCount: (shard: number) => `{${statsTags[checkShard(shard)]}}:users_count`,

  /**
   * R8: the operations recently applied to the keys of `key`'s slot (ZSET op id -> time), so the
   * script that writes `key` can check an op id in the same atomic step. One per hash tag: a
   * tagged key keeps its tag; an untagged key becomes the tag itself (`{x}:ops` hashes "x",
   * exactly as the untagged key `x` does).
   */
  opLog: (key: string) => `{${hashedPart(key)}}:ops`,
  /** "This ZSET (the like log) was rebuilt from the store and is complete": on its slot, as opLog. */
  builtMarker: (key: string) => `{${hashedPart(key)}}:built`,
  /**
   * R2: "this post's counter or like set changed since the sync engine last wrote it back": a
   * number raised by every like and unlike, no TTL. While it is there the post's like keys never
   * expire; the write-back deletes it (when unchanged) and gives them their TTL.
   */
  likesDirty: (id: string) => `${post(id)}:likes:dirty`,

  /**
   * A1: one signed-in session of `name` (the user's slot, as the issue's design asks): the key
   * holds the user's name, its TTL is the session's sliding lifetime. `digest` is the SHA-256 of
   * the session's secret (hex): the secret itself is never stored.
   */
  session: (name: string, digest: string) => `${user(name)}:session:${checkDigest(digest)}`,
  /** A1: sign-in attempts for a name (folded to lower case, so "Alice" and "alice" count together), TTL = the window. */
  signInAttempts: (name: string) => `${user(foldName(name))}:signin:attempts`,
  /** A1: sign-in attempts from one client (its address, hashed: `digest`), on a tag of its own. */
  clientSignInAttempts: (digest: string) => `{signin:${checkDigest(digest)}}:attempts`,
} as const;

function checkDigest(digest: string): string {
  if (!/^[0-9a-f]{16,64}$/.test(digest)) throw new AppError('internal', 'a key digest is 16 to 64 lowercase hex digits');
  return digest;
}

const foldName = (name: string) => checkUsername(name).toLowerCase();

/** SCAN pattern for every like counter; ids cannot contain pattern characters, so nothing else matches. */
export const LIKE_COUNT_PATTERN = '{post:*}:likes:count';

/** The post id inside a like-counter key, or null for any other key. */
export function postIdOfLikeCountKey(key: string): string | null {
  const match = /^\{post:([A-Za-z0-9_-]{1,64})\}:likes:count$/.exec(key);
  return match ? (match[1] as string) : null;
}

/** Cache lifetimes of the seed (U1-U6), in seconds. */
export const TTL = {
  feed: 60,
  trendingWindow: 300,
  comments: 120,
  messages: 300,
  conversations: 600,
  suggestions: 600,
  profile: 600,
  /**
   * How long an op id is remembered. ioredis resends a command within seconds of its connection
   * closing (a failover takes node-timeout plus a vote); two minutes covers that with room.
   */
  ops: 120,
} as const;
