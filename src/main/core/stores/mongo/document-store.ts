import type { Collection, Db, Filter, MongoClient } from 'mongodb';
import type { Logger } from '../../log';
import { chunks, lastPerKey } from '../batches';
import { foldUsername, type CommentDoc, type ConversationDoc, type DocumentStore, type LikeChange, type LikeRecord as LikeRow, type MessageDoc, type Page, type PostDoc, type UserDoc } from '../ports';
import { guardOutages, redactUrl } from '../unavailable';
import { insertNew, isDuplicateKey } from './bulk';
import { connectMongo, isMongoOutage, type MongoConnectOptions } from './connect';
import { ensureIndexes } from './indexes';
import {
  commentDoc, commentRecord, conversationPair, likeId, likeRecord, readId, messageDoc, messageRecord, postDoc, postRecord, userDoc, userRecord,
  type CommentRecord, type LikeRecord, type MessageRecord, type PostRecord, type ReadRecord, type UserRecord,
} from './records';

/** Newest first, with the id as a tie-break so equal timestamps always come back in one order. */
const NEWEST_POSTS = { created_at: -1, _id: -1 } as const;
/** Ids per $in list in one updateMany/deleteMany. */
const ID_BATCH = 1000;
/**
 * The highest code point: in MongoDB's (binary UTF-8) string order, `p + MAX_CHAR` is above
 * every username that starts with `p` (usernames are ASCII), so [p, p + MAX_CHAR) is the prefix.
 */
const MAX_CHAR = '\u{10FFFF}';

function olderThan<K extends string>(field: K, page: Page): Partial<Record<K, { $lt: number }>> {
  return page.before === undefined ? {} : ({ [field]: { $lt: page.before } } as Record<K, { $lt: number }>);
}

/** olderThan on the keyset (time, _id): with `beforeId`, also the items at `before` with a lower id. */
function olderThanKey(field: string, page: Page): Record<string, unknown> {
  if (page.before === undefined || page.beforeId === undefined) return olderThan(field, page);
  return { $or: [{ [field]: { $lt: page.before } }, { [field]: page.before, _id: { $lt: page.beforeId } }] };
}

/**
 * The DocumentStore port on MongoDB (official driver). Queries stay within what MongoDB-wire
 * servers such as FerretDB 1.x and mongo-java-server implement: find/sort/limit, $in, $lt/$gte, $or,
 * countDocuments, insertMany, updateMany and deleteMany, and one aggregation ($match + $group in
 * countCommentsOf), which the contract suite runs on FerretDB 1.24.
 */
class MongoDocumentStore implements DocumentStore {
  readonly description: string;
  private readonly users: Collection<UserRecord>;
  private readonly posts: Collection<PostRecord>;
  private readonly comments: Collection<CommentRecord>;
  private readonly messages: Collection<MessageRecord>;
  private readonly likes: Collection<LikeRecord>;
  private readonly reads: Collection<ReadRecord>;

  constructor(private readonly client: MongoClient, private readonly db: Db, url: string, private readonly log: Logger) {
    this.description = `mongo ${redactUrl(url)} (database ${db.databaseName})`;
    this.users = db.collection('users');
    this.posts = db.collection('posts');
    this.comments = db.collection('comments');
    this.messages = db.collection('messages');
    this.likes = db.collection('likes');
    this.reads = db.collection('reads');
  }

  async init(): Promise<void> {
    await ensureIndexes(this.db, this.log);
  }

  async ping(): Promise<void> {
    await this.db.command({ ping: 1 });
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  async createUser(user: UserDoc, passwordHash?: string): Promise<boolean> {
    return insertOneIfNew(this.users, userRecord(user, passwordHash));
  }

  createUsers(users: UserDoc[], passwordHash?: string): Promise<number> {
    return insertNew(this.users, users.map((u) => userRecord(u, passwordHash)));
  }

  async getUser(username: string): Promise<UserDoc | null> {
    const found = await this.users.findOne({ _id: username }, { projection: { password_hash: 0 } });
    return found ? userDoc(found) : null;
  }

  /** The exact name by _id, else the one name of its case through the one_name_per_case index. */
  async credentials(username: string): Promise<{ username: string; passwordHash: string | null } | null> {
    const projection = { _id: 1, password_hash: 1 } as const;
    const found = (await this.users.findOne({ _id: username }, { projection })) ?? (await this.users.findOne({ username_lower: foldUsername(username) }, { projection }));
    return found ? { username: found._id, passwordHash: found.password_hash ?? null } : null;
  }

  async listUsers(limit: number, after?: string): Promise<UserDoc[]> {
    if (limit <= 0) return [];
    const found = await this.users.find({ _id: { $gt: after ?? '' } }, { projection: { password_hash: 0 } }).sort({ _id: 1 }).limit(limit).toArray();
    return found.map(userDoc);
  }

  /**
   * A range on the stored lowercase name (records.ts), not a regex: nothing in the prefix can
   * act as a wildcard, and MongoDB reads it from by_folded_name in order (indexes.ts).
   */
  async searchUsers(prefix: string, limit: number): Promise<UserDoc[]> {
    if (limit <= 0) return [];
    const folded = foldUsername(prefix);
    const filter: Filter<UserRecord> = folded === '' ? {} : { username_lower: { $gte: folded, $lt: folded + MAX_CHAR } };
    const found = await this.users.find(filter, { projection: { password_hash: 0 } }).sort({ username_lower: 1, _id: 1 }).limit(limit).toArray();
    return found.map(userDoc);
  }

  countUsers(): Promise<number> {
    return this.users.countDocuments({});
  }

  createPost(post: PostDoc): Promise<boolean> {
    return insertOneIfNew(this.posts, postRecord(post));
  }

  createPosts(posts: PostDoc[]): Promise<number> {
    return insertNew(this.posts, posts.map(postRecord));
  }

  async getPost(id: string): Promise<PostDoc | null> {
    const found = await this.posts.findOne({ _id: id });
    return found ? postDoc(found) : null;
  }

  async getPosts(ids: string[]): Promise<PostDoc[]> {
    const wanted = [...new Set(ids)];
    if (wanted.length === 0) return [];
    const byId = new Map((await this.posts.find({ _id: { $in: wanted } }).toArray()).map((r) => [r._id, postDoc(r)]));
    return wanted.flatMap((id) => byId.get(id) ?? []);
  }

  postsByAuthors(authors: string[], page: Page): Promise<PostDoc[]> {
    if (authors.length === 0) return Promise.resolve([]);
    return this.findPosts({ author: { $in: authors }, ...olderThan('created_at', page) }, page.limit);
  }

  recentPosts(page: Page): Promise<PostDoc[]> {
    return this.findPosts(olderThan('created_at', page), page.limit);
  }

  private async findPosts(filter: Filter<PostRecord>, limit: number): Promise<PostDoc[]> {
    // limit(0) means "no limit" to MongoDB; the port means "nothing".
    if (limit <= 0) return [];
    return (await this.posts.find(filter).sort(NEWEST_POSTS).limit(limit).toArray()).map(postDoc);
  }

  countPosts(): Promise<number> {
    return this.posts.countDocuments({});
  }

  countPostsBy(author: string): Promise<number> {
    return this.posts.countDocuments({ author });
  }

  /**
   * Posts that get the same count share one updateMany: counts are small numbers that repeat a
   * lot, so a sync of thousands of posts is a few dozen round trips. The $ne filter makes
   * "matched" mean "changed" on every server, whatever it reports as modified.
   */
  async setLikeCounts(counts: { postId: string; count: number }[]): Promise<number> {
    const idsByCount = new Map<number, string[]>();
    for (const { postId, count } of lastPerKey(counts, (c) => c.postId)) {
      const ids = idsByCount.get(count) ?? [];
      ids.push(postId);
      idsByCount.set(count, ids);
    }
    let changed = 0;
    for (const [count, ids] of idsByCount) {
      for (const batch of chunks(ids, ID_BATCH)) {
        const result = await this.posts.updateMany({ _id: { $in: batch }, likes_count: { $ne: count } }, { $set: { likes_count: count } });
        changed += result.matchedCount;
      }
    }
    return changed;
  }

  /**
   * Inserts and deletes by key rather than upserts: one statement per batch on every server.
   * Likes that were there already (rare: a replay, or unlike + like coalesced) get the later time.
   */
  async recordLikes(changes: LikeChange[]): Promise<void> {
    const final = lastPerKey(changes, (c) => likeId(c.postId, c.username));
    const liked = final.filter((c) => c.liked);
    const inserted = await insertNew(this.likes, liked.map(likeRecord));
    if (inserted < liked.length) {
      const later = liked.filter((c) => (c.at ?? 0) > 0);
      for (const batch of chunks(later, ID_BATCH)) {
        await this.likes.bulkWrite(
          batch.map((c) => ({ updateOne: { filter: { _id: likeId(c.postId, c.username), liked_at: { $lt: c.at ?? 0 } }, update: { $set: { liked_at: c.at ?? 0 } } } })),
          { ordered: false },
        );
      }
    }
    for (const ids of chunks(final.filter((c) => !c.liked).map((c) => likeId(c.postId, c.username)), ID_BATCH)) {
      await this.likes.deleteMany({ _id: { $in: ids } });
    }
  }

  async likers(postId: string): Promise<string[]> {
    const found = await this.likes.find({ post_id: postId }).sort({ username: 1 }).toArray();
    return found.map((l) => l.username);
  }

  /** One find on the one_like_per_user index (post_id, username), in likers' order. */
  async likersOf(postIds: string[]): Promise<Map<string, string[]>> {
    const likers = new Map(postIds.map((id) => [id, [] as string[]]));
    if (likers.size === 0) return likers;
    const found = await this.likes
      .find({ post_id: { $in: [...likers.keys()] } }, { projection: { post_id: 1, username: 1 } })
      .sort({ post_id: 1, username: 1 })
      .toArray();
    for (const l of found) likers.get(l.post_id)?.push(l.username);
    return likers;
  }

  /** Per post asked, its likes_count (one find with a projection) and its likers (likersOf). */
  async likeStateOf(postIds: string[]): Promise<Map<string, { count: number | null; likers: string[] }>> {
    const ids = [...new Set(postIds)];
    if (ids.length === 0) return new Map();
    const [found, likers] = await Promise.all([this.posts.find({ _id: { $in: ids } }, { projection: { likes_count: 1 } }).toArray(), this.likersOf(ids)]);
    const counts = new Map(found.map((p) => [p._id, p.likes_count]));
    return new Map(ids.map((id) => [id, { count: counts.get(id) ?? null, likers: likers.get(id) ?? [] }]));
  }

  async likesSince(since: number): Promise<LikeRow[]> {
    const found = await this.likes.find({ liked_at: { $gte: since } }).sort({ liked_at: 1, post_id: 1, username: 1 }).toArray();
    return found.map((l) => ({ postId: l.post_id, username: l.username, at: l.liked_at ?? 0 }));
  }

  async topLikedPosts(limit: number): Promise<{ postId: string; likesCount: number }[]> {
    if (limit <= 0) return [];
    const found = await this.posts.find({ likes_count: { $gt: 0 } }, { projection: { likes_count: 1 } }).sort({ likes_count: -1, _id: 1 }).limit(limit).toArray();
    return found.map((p) => ({ postId: p._id, likesCount: p.likes_count }));
  }

  addComment(comment: CommentDoc): Promise<boolean> {
    return insertOneIfNew(this.comments, commentRecord(comment));
  }

  addComments(comments: CommentDoc[]): Promise<number> {
    return insertNew(this.comments, comments.map(commentRecord));
  }

  async listComments(postId: string, page: Page): Promise<CommentDoc[]> {
    if (page.limit <= 0) return [];
    const found = await this.comments
      .find({ post_id: postId, ...olderThanKey('created_at', page) })
      .sort({ created_at: -1, _id: -1 })
      .limit(page.limit)
      .toArray();
    return found.map(commentDoc);
  }

  countComments(postId: string): Promise<number> {
    return this.comments.countDocuments({ post_id: postId });
  }

  async countCommentsOf(postIds: string[]): Promise<Map<string, number>> {
    const counts = new Map(postIds.map((id) => [id, 0]));
    if (postIds.length === 0) return counts;
    const grouped = await this.comments
      .aggregate<{ _id: string; n: number }>([{ $match: { post_id: { $in: [...counts.keys()] } } }, { $group: { _id: '$post_id', n: { $sum: 1 } } }])
      .toArray();
    for (const row of grouped) counts.set(row._id, Number(row.n));
    return counts;
  }

  addMessage(message: MessageDoc): Promise<boolean> {
    return insertOneIfNew(this.messages, messageRecord(message));
  }

  addMessages(messages: MessageDoc[]): Promise<number> {
    return insertNew(this.messages, messages.map(messageRecord));
  }

  async listMessages(a: string, b: string, page: Page): Promise<MessageDoc[]> {
    if (page.limit <= 0) return [];
    const found = await this.messages
      .find({ pair: conversationPair(a, b), ...olderThanKey('sent_at', page) })
      .sort({ sent_at: -1, _id: -1 })
      .limit(page.limit)
      .toArray();
    return found.map(messageDoc);
  }

  /**
   * Computed from the messages, newest first, stopping once `limit` partners are known (and no
   * later message could tie with the last one). FerretDB 1.x has no $max accumulator for
   * $group, and a per-message upsert of a summary costs a commit each there; the cache (U5)
   * keeps this off the hot path.
   */
  async conversations(username: string, limit: number): Promise<ConversationDoc[]> {
    if (limit <= 0) return [];
    const latest = new Map<string, number>();
    let cutoff: number | undefined;
    const cursor = this.messages
      .find({ $or: [{ from: username }, { to: username }] }, { projection: { from: 1, to: 1, sent_at: 1 } })
      .sort({ sent_at: -1, _id: -1 })
      .batchSize(500);
    try {
      for await (const m of cursor) {
        if (cutoff !== undefined && m.sent_at < cutoff) break;
        const other = m.from === username ? m.to : m.from;
        if (!latest.has(other)) latest.set(other, m.sent_at);
        if (latest.size === limit) cutoff = m.sent_at;
      }
    } finally {
      await cursor.close();
    }
    return [...latest]
      .map(([other, at]) => ({ with: other, lastMessageAt: at }))
      .sort((a, b) => b.lastMessageAt - a.lastMessageAt || (a.with < b.with ? -1 : a.with > b.with ? 1 : 0))
      .slice(0, limit);
  }

  /** Insert by key, or raise an older receipt: no upsert, no $max (plain $set runs everywhere). */
  async markRead(reader: string, other: string, at: number): Promise<void> {
    const _id = readId(reader, other);
    if (await insertOneIfNew(this.reads, { _id, read_at: at })) return;
    await this.reads.updateOne({ _id, read_at: { $lt: at } }, { $set: { read_at: at } });
  }

  async countUnread(reader: string, other: string): Promise<number> {
    const receipt = await this.reads.findOne({ _id: readId(reader, other) });
    return this.messages.countDocuments({ pair: conversationPair(reader, other), to: reader, sent_at: { $gt: receipt?.read_at ?? -1 } });
  }
}

async function insertOneIfNew<T extends { _id: string }>(collection: Collection<T>, doc: T): Promise<boolean> {
  try {
    await collection.insertOne(doc as Parameters<Collection<T>['insertOne']>[0]);
    return true;
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}

/**
 * Connects to MongoDB (throws store_unavailable naming the URL when it can't) and returns the
 * DocumentStore; call init() to create the indexes.
 */
export async function createMongoDocumentStore(url: string, log: Logger, opts: MongoConnectOptions = {}): Promise<DocumentStore> {
  const { client, db } = await connectMongo(url, opts);
  log.debug(`connected to MongoDB at ${redactUrl(url)}, database ${db.databaseName}`);
  return guardOutages(new MongoDocumentStore(client, db, url, log), isMongoOutage, 'MongoDB', url);
}
