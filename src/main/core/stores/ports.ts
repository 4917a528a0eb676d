/**
 * The two ports of the systems of record (S1). Adapters: mongo/ + neo4j/ (official drivers) and
 * embedded/ (PGlite, zero install, serves both). The cache layer and the sync engine see only
 * these interfaces; one contract test suite (test/stores/) runs against every adapter.
 *
 * Times are epoch milliseconds. Ids are strings made by the caller (the engine), so writes are
 * idempotent: creating what exists reports `false` and changes nothing.
 */

export interface UserDoc {
  username: string;
  displayName: string;
  createdAt: number;
}

export interface PostDoc {
  id: string;
  author: string;
  text: string;
  createdAt: number;
  /** Written back by the sync engine from the Redis counter (L2). */
  likesCount: number;
}

export interface CommentDoc {
  id: string;
  postId: string;
  author: string;
  text: string;
  createdAt: number;
}

export interface MessageDoc {
  id: string;
  from: string;
  to: string;
  text: string;
  sentAt: number;
}

export interface ConversationDoc {
  /** The other participant. */
  with: string;
  lastMessageAt: number;
}

export interface LikeChange {
  postId: string;
  username: string;
  liked: boolean;
  /** When it was liked (epoch ms): the trending windows are rebuilt from it. Unknown (imported, seeded) is 0. */
  at?: number;
}

export interface LikeRecord {
  postId: string;
  username: string;
  at: number;
}

export interface Page {
  limit: number;
  /** Return only items strictly older than this createdAt/sentAt (keyset pagination). */
  before?: number;
  /**
   * With `before`, items at exactly `before` whose id is lower are returned too: the keyset is
   * (time, id), the order the lists are sorted by, so items that share a time (several engines
   * on one store) are neither skipped nor repeated. Comments and messages only.
   */
  beforeId?: string;
}

export interface DocumentStore {
  /** "mongo mongodb://…" or "embedded <folder>": shown at startup and in engine.info. */
  readonly description: string;
  /** Creates collections/tables and every index the queries below need. Idempotent. */
  init(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;

  /** `passwordHash`: from accounts/passwords.ts; never returned by the reads below, only by credentials(). */
  createUser(user: UserDoc, passwordHash?: string): Promise<boolean>;
  /** Bulk insert for the seeder (every user of the batch gets `passwordHash`); existing usernames are skipped. Returns how many were new. */
  createUsers(users: UserDoc[], passwordHash?: string): Promise<number>;
  getUser(username: string): Promise<UserDoc | null>;
  /**
   * A1: the user whose name is `username` ignoring case (the exact name first, where an older
   * store holds names that differ only in case), with its password hash; null when there is none.
   * `passwordHash` is null for an account made before passwords existed: it cannot sign in.
   */
  credentials(username: string): Promise<{ username: string; passwordHash: string | null } | null>;
  /** Usernames in ascending order after `after`, for pickers and scans. */
  listUsers(limit: number, after?: string): Promise<UserDoc[]>;
  /**
   * Users whose username starts with `prefix` ignoring ASCII case ("" matches everybody), ordered
   * by foldUsername(username) then username (code points), at most `limit`. Every character of
   * the prefix is literal: `_`, `%`, `.`, `*` never act as wildcards. An index range in PGlite
   * and MongoDB (see each adapter).
   */
  searchUsers(prefix: string, limit: number): Promise<UserDoc[]>;
  countUsers(): Promise<number>;

  createPost(post: PostDoc): Promise<boolean>;
  createPosts(posts: PostDoc[]): Promise<number>;
  getPost(id: string): Promise<PostDoc | null>;
  getPosts(ids: string[]): Promise<PostDoc[]>;
  /** Newest first. `authors` empty means nobody (not everybody). */
  postsByAuthors(authors: string[], page: Page): Promise<PostDoc[]>;
  /** Newest first, everybody. */
  recentPosts(page: Page): Promise<PostDoc[]>;
  countPosts(): Promise<number>;
  countPostsBy(author: string): Promise<number>;
  /** Sets (never adds to) likes_count; unknown post ids are ignored. Returns how many posts changed. */
  setLikeCounts(counts: { postId: string; count: number }[]): Promise<number>;
  /**
   * Who liked what, so a counter and its like set can be rebuilt after loss (R2). Idempotent; a
   * like recorded again with a later `at` keeps the later time.
   */
  recordLikes(changes: LikeChange[]): Promise<void>;
  likers(postId: string): Promise<string[]>;
  /**
   * likers of several posts in one query (a feed's page whose like counters must be rebuilt):
   * every id asked is in the map ([] when nobody liked it), each list in likers' order.
   */
  likersOf(postIds: string[]): Promise<Map<string, string[]>>;
  /**
   * What the store has of several posts' likes, for the full sync pass to compare with Redis and
   * write only what differs: for every id asked, its likes_count (null when there is no such
   * post) and its likers in likers' order (as likersOf). One query in PGlite.
   */
  likeStateOf(postIds: string[]): Promise<Map<string, { count: number | null; likers: string[] }>>;
  /** Like records with a time at or after `since`, oldest first (the trending windows' source). */
  likesSince(since: number): Promise<LikeRecord[]>;
  /** Posts with likes_count > 0, most liked first (ties by id), at most `limit`. */
  topLikedPosts(limit: number): Promise<{ postId: string; likesCount: number }[]>;

  addComment(comment: CommentDoc): Promise<boolean>;
  addComments(comments: CommentDoc[]): Promise<number>;
  /** Newest first. */
  listComments(postId: string, page: Page): Promise<CommentDoc[]>;
  countComments(postId: string): Promise<number>;
  /** countComments of several posts in one query: every id asked is in the map (0 when none). */
  countCommentsOf(postIds: string[]): Promise<Map<string, number>>;

  addMessage(message: MessageDoc): Promise<boolean>;
  addMessages(messages: MessageDoc[]): Promise<number>;
  /** Between a and b in either direction, newest first. */
  listMessages(a: string, b: string, page: Page): Promise<MessageDoc[]>;
  /** Everyone `username` has exchanged messages with, most recent first. */
  conversations(username: string, limit: number): Promise<ConversationDoc[]>;
  /**
   * A read receipt: `reader` has read what `other` sent up to time `at` (a later receipt wins),
   * so unread counts can be rebuilt after a cache wipe.
   */
  markRead(reader: string, other: string, at: number): Promise<void>;
  /** Messages from `other` to `reader` sent after reader's receipt (all of them without one). */
  countUnread(reader: string, other: string): Promise<number>;
}

export interface SuggestionDoc {
  username: string;
  /** Friends-of-friends ranking: mutual connections weigh most, popularity breaks ties. */
  score: number;
  mutualConnections: number;
  followersCount: number;
}

export interface GraphStore {
  readonly description: string;
  /** Constraints/indexes (unique username). Idempotent. */
  init(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;

  addUser(username: string): Promise<void>;
  addUsers(usernames: string[]): Promise<void>;
  /** false when a already follows b (or a === b, which is refused by the service before). */
  follow(follower: string, followee: string): Promise<boolean>;
  /** Bulk, for the seeder; existing edges are skipped. */
  followMany(edges: { follower: string; followee: string }[]): Promise<number>;
  unfollow(follower: string, followee: string): Promise<boolean>;
  isFollowing(follower: string, followee: string): Promise<boolean>;
  followers(username: string, limit: number): Promise<string[]>;
  following(username: string, limit: number): Promise<string[]>;
  counts(username: string): Promise<{ followers: number; following: number }>;
  /**
   * Who `username` might follow: people followed by people they follow, excluding themselves
   * and people they already follow. score = mutualConnections * 10 + log10(1 + followersCount)
   * rounded to 2 decimals; ordered by score desc, then username asc.
   */
  suggestions(username: string, limit: number): Promise<SuggestionDoc[]>;
}

/**
 * The case-insensitive form of a username the search compares and orders by: ASCII letters
 * lowercased, nothing else touched (usernames are ASCII; this is what Postgres lower() does
 * under COLLATE "C", so both stores fold alike).
 */
export function foldUsername(value: string): string {
  return value.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

export function suggestionScore(mutualConnections: number, followersCount: number): number {
  return Math.round((mutualConnections * 10 + Math.log10(1 + followersCount)) * 100) / 100;
}
