import type { Collection, Db, Filter, MongoClient } from 'mongodb';
import type { Logger } from '../../log';
import { lastPerKey } from '../batches';
import type { CommentDoc, ConversationDoc, DocumentStore, LikeChange, MessageDoc, Page, PostDoc, UserDoc } from '../ports';
import { guardOutages, redactUrl } from '../unavailable';
import { bulkWriteAll, insertNew, isDuplicateKey } from './bulk';
import { connectMongo, isMongoOutage, type MongoConnectOptions } from './connect';
import { conversationUpdates } from './conversations';
import { ensureIndexes } from './indexes';
import {
  commentDoc, commentRecord, conversationPair, messageDoc, messageRecord, postDoc, postRecord, userDoc, userRecord,
  type CommentRecord, type ConversationRecord, type LikeRecord, type MessageRecord, type PostRecord, type UserRecord,
} from './records';

/** Newest first, with the id as a tie-break so equal timestamps always come back in one order. */
const NEWEST_POSTS = { created_at: -1, _id: -1 } as const;

function olderThan<K extends string>(field: K, page: Page): Partial<Record<K, { $lt: number }>> {
  return page.before === undefined ? {} : ({ [field]: { $lt: page.before } } as Record<K, { $lt: number }>);
}

/**
 * The DocumentStore port on MongoDB (official driver). Queries stay within what MongoDB-wire
 * servers such as FerretDB 1.x and mongo-java-server implement: find/sort/limit, $in, $lt,
 * countDocuments, and bulkWrite with upserts ($setOnInsert, $set, $max). No aggregation.
 */
class MongoDocumentStore implements DocumentStore {
  readonly description: string;
  private readonly users: Collection<UserRecord>;
  private readonly posts: Collection<PostRecord>;
  private readonly comments: Collection<CommentRecord>;
  private readonly messages: Collection<MessageRecord>;
  private readonly likes: Collection<LikeRecord>;
  private readonly conversationsOf: Collection<ConversationRecord>;

  constructor(private readonly client: MongoClient, private readonly db: Db, url: string, private readonly log: Logger) {
    this.description = `mongo ${redactUrl(url)} (database ${db.databaseName})`;
    this.users = db.collection('users');
    this.posts = db.collection('posts');
    this.comments = db.collection('comments');
    this.messages = db.collection('messages');
    this.likes = db.collection('likes');
    this.conversationsOf = db.collection('conversations');
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

  async createUser(user: UserDoc): Promise<boolean> {
    return insertOneIfNew(this.users, userRecord(user));
  }

  createUsers(users: UserDoc[]): Promise<number> {
    return insertNew(this.users, users.map(userRecord));
  }

  async getUser(username: string): Promise<UserDoc | null> {
    const found = await this.users.findOne({ _id: username });
    return found ? userDoc(found) : null;
  }

  async listUsers(limit: number, after?: string): Promise<UserDoc[]> {
    if (limit <= 0) return [];
    const found = await this.users.find({ _id: { $gt: after ?? '' } }).sort({ _id: 1 }).limit(limit).toArray();
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

  async setLikeCounts(counts: { postId: string; count: number }[]): Promise<number> {
    // The $ne filter makes "matched" mean "changed" on every server, whether or not it
    // reports no-op updates as modified.
    const result = await bulkWriteAll(
      this.posts,
      lastPerKey(counts, (c) => c.postId).map((c) => ({
        updateOne: { filter: { _id: c.postId, likes_count: { $ne: c.count } }, update: { $set: { likes_count: c.count } } },
      })),
    );
    return result.matchedCount;
  }

  async recordLikes(changes: LikeChange[]): Promise<void> {
    await bulkWriteAll(
      this.likes,
      lastPerKey(changes, (c) => `${c.postId}\n${c.username}`).map((c) => {
        const key = { post_id: c.postId, username: c.username };
        return c.liked
          ? { updateOne: { filter: key, update: { $setOnInsert: key }, upsert: true } }
          : { deleteOne: { filter: key } };
      }),
    );
  }

  async likers(postId: string): Promise<string[]> {
    const found = await this.likes.find({ post_id: postId }).sort({ username: 1 }).toArray();
    return found.map((l) => l.username);
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
      .find({ post_id: postId, ...olderThan('created_at', page) })
      .sort({ created_at: -1, _id: -1 })
      .limit(page.limit)
      .toArray();
    return found.map(commentDoc);
  }

  countComments(postId: string): Promise<number> {
    return this.comments.countDocuments({ post_id: postId });
  }

  async addMessage(message: MessageDoc): Promise<boolean> {
    const added = await insertOneIfNew(this.messages, messageRecord(message));
    await bulkWriteAll(this.conversationsOf, conversationUpdates([message]));
    return added;
  }

  async addMessages(messages: MessageDoc[]): Promise<number> {
    const added = await insertNew(this.messages, messages.map(messageRecord));
    await bulkWriteAll(this.conversationsOf, conversationUpdates(messages));
    return added;
  }

  async listMessages(a: string, b: string, page: Page): Promise<MessageDoc[]> {
    if (page.limit <= 0) return [];
    const found = await this.messages
      .find({ pair: conversationPair(a, b), ...olderThan('sent_at', page) })
      .sort({ sent_at: -1, _id: -1 })
      .limit(page.limit)
      .toArray();
    return found.map(messageDoc);
  }

  async conversations(username: string, limit: number): Promise<ConversationDoc[]> {
    if (limit <= 0) return [];
    const found = await this.conversationsOf
      .find({ owner: username })
      .sort({ last_message_at: -1, with: 1 })
      .limit(limit)
      .toArray();
    return found.map((c) => ({ with: c.with, lastMessageAt: c.last_message_at }));
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
