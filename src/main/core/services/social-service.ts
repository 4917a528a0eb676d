/**
 * SocialService: what the social contract methods call. The stores are the systems of record
 * and are written first; the caches follow with the seed's invalidation rules. Likes are the
 * exception: the Redis counter is the truth until the sync engine writes it back (U2, L2).
 */
import type { Cluster } from 'ioredis';
import type { Comment, Conversation, Message, Post, Suggestion, TrendingEntry, User, UserSummary } from '../../../shared/types';
import { CommentCache } from '../cache/comments';
import { FeedCache } from '../cache/feeds';
import { LikeCache, type LikeResult, type PostCountsView } from '../cache/likes';
import { withMemoryRelief } from '../cache/memory-relief';
import { MessageCache } from '../cache/messages';
import { ProfileCache } from '../cache/profiles';
import { StatsCache } from '../cache/stats';
import { SuggestionCache } from '../cache/suggestions';
import { TrendingCache } from '../cache/trending';
import { AppError } from '../errors';
import type { EventBus } from '../events';
import { newId, type Clock } from '../ids';
import { checkUsername, type FeedKind, type TrendingWindow } from '../keys';
import type { DocumentStore, GraphStore, PostDoc } from '../stores/ports';
import type { SyncEngine } from '../sync/sync-engine';

/** Pages of history older than the cached window (comments.list / messages.list with `before`). */
export const COMMENTS_PAGE = 50;
export const MESSAGES_PAGE = 100;

export interface SocialDeps {
  redis: Cluster;
  documents: DocumentStore;
  graph: GraphStore;
  events: EventBus;
  sync: SyncEngine;
  clock: Clock;
  likeWaitMs?: number;
  /** R2: TTL of a post's like keys once written back (config sync.likesTtlSeconds). */
  likesTtlSeconds?: number;
  /** For the trending updates: a client whose connections never hold a WAIT (default: redis). */
  unwaited?: Cluster;
  /** F1: accounts with at least this many followers are merged into feeds at read time (config feeds.fanoutThreshold). */
  fanoutThreshold?: number;
}

export class SocialService {
  readonly likes: LikeCache;
  readonly trending: TrendingCache;
  readonly feeds: FeedCache;
  readonly comments: CommentCache;
  readonly messages: MessageCache;
  readonly profiles: ProfileCache;
  readonly suggestions: SuggestionCache;
  readonly stats: StatsCache;
  private readonly documents: DocumentStore;
  private readonly graph: GraphStore;

  constructor(private readonly deps: SocialDeps) {
    const { redis, documents, graph, clock } = deps;
    this.documents = documents;
    this.graph = graph;
    this.likes = new LikeCache(redis, documents, deps.likeWaitMs, deps.likesTtlSeconds, () => deps.sync.relieveMemory());
    this.trending = new TrendingCache(deps.unwaited ?? redis, clock, {
      topLiked: (limit) => documents.topLikedPosts(limit),
      likesSince: (since) => documents.likesSince(since),
      settle: () => deps.sync.flush(),
    });
    this.feeds = new FeedCache(redis, documents, graph, deps.fanoutThreshold);
    this.comments = new CommentCache(redis, documents);
    this.messages = new MessageCache(redis, documents);
    this.profiles = new ProfileCache(redis, documents, graph);
    this.suggestions = new SuggestionCache(redis, graph, this.profiles);
    this.stats = new StatsCache(redis, documents);
  }

  private async requireUser(username: string): Promise<User> {
    const user = await this.profiles.get(checkUsername(username));
    if (!user) throw new AppError('not_found', `There is no user "${username}".`);
    return user;
  }

  /**
   * Existence only, for the hot paths (a like): users are never deleted, so a name seen once
   * stays valid for the life of the engine. Concurrent first calls for one name share one lookup.
   * Bounded: the set starts over when it is full.
   */
  private readonly knownUsers = new Set<string>();
  private readonly userLookups = new Map<string, Promise<User>>();

  private async ensureUser(username: string): Promise<void> {
    if (this.knownUsers.has(username)) return;
    let lookup = this.userLookups.get(username);
    if (!lookup) {
      lookup = this.requireUser(username).finally(() => this.userLookups.delete(username));
      this.userLookups.set(username, lookup);
    }
    await lookup;
    if (this.knownUsers.size >= 100_000) this.knownUsers.clear();
    this.knownUsers.add(username);
  }

  private async requirePost(id: string): Promise<PostDoc> {
    const post = await this.documents.getPost(id);
    if (!post) throw new AppError('not_found', `There is no post ${id}.`);
    return post;
  }

  /**
   * `passwordHash` from Accounts.hash (accounts/passwords.ts): the password itself never reaches
   * here. Without one (the drill's writers) nobody can sign in to the account.
   */
  async createUser(username: string, displayName: string, passwordHash?: string): Promise<User> {
    const createdAt = this.deps.clock();
    const created = await this.stats.created('user', () => this.documents.createUser({ username, displayName, createdAt }, passwordHash));
    if (!created) throw new AppError('conflict', `The username "${username}" is taken (names are unique regardless of case).`);
    await this.graph.addUser(username);
    return { username, displayName, createdAt, followers: 0, following: 0, posts: 0 };
  }

  async getUser(username: string, viewer?: string): Promise<User> {
    const user = await this.requireUser(username);
    if (viewer === undefined) return user;
    await this.requireUser(viewer);
    return { ...user, followedByViewer: viewer !== username && (await this.graph.isFollowing(viewer, username)) };
  }

  /** Straight from the store (an index range there); nothing about a search is cached. */
  async searchUsers(prefix: string, limit: number): Promise<UserSummary[]> {
    const found = await this.documents.searchUsers(prefix, limit);
    return found.map(({ username, displayName }) => ({ username, displayName }));
  }

  async createPost(author: string, text: string): Promise<{ id: string }> {
    // The profile's follower count decides the fan-out (F1): on write below the threshold, on read above.
    const followers = await this.profiles.followersOf(checkUsername(author));
    if (followers === null) throw new AppError('not_found', `There is no user "${author}".`);
    const createdAt = this.deps.clock();
    const id = newId(createdAt);
    const post: PostDoc = { id, author, text, createdAt, likesCount: 0 };
    await this.stats.created('post', () => this.documents.createPost(post), id);
    await Promise.all([this.feeds.onPost(post, followers), this.profiles.postAdded(author)]);
    this.deps.events.emit('posts.new', { id, author, createdAt });
    return { id };
  }

  private async withCounts(
    post: Omit<PostDoc, 'likesCount'> & { likesCount?: number },
    viewer?: string,
    view?: PostCountsView,
  ): Promise<Post> {
    // One script per post in the common case; only what is not cached takes the slower path.
    const cached = view ?? (await this.likes.view(post.id, viewer));
    let likedByMe = viewer === undefined ? undefined : cached.liked;
    // A missing like set is rebuilt from the store first, so the count read after it agrees.
    if (likedByMe === null && viewer !== undefined) likedByMe = await this.likes.likedBy(post.id, viewer);
    const [likesCount, commentsCount] = await Promise.all([
      // Not cached and nothing rebuilt it: the store's count is the answer (what count() reads).
      cached.likes ?? (likedByMe === undefined ? post.likesCount ?? 0 : this.likes.count(post.id, post.likesCount ?? 0)),
      cached.comments ?? this.comments.count(post.id),
    ]);
    const out: Post = { id: post.id, author: post.author, text: post.text, createdAt: post.createdAt, likesCount, commentsCount };
    if (likedByMe !== undefined && likedByMe !== null) out.likedByMe = likedByMe;
    return out;
  }

  async getPost(id: string, viewer?: string): Promise<Post> {
    if (viewer !== undefined) await this.requireUser(viewer);
    return this.withCounts(await this.requirePost(id), viewer);
  }

  async feed(username: string, kind: FeedKind, viewer?: string, before?: number): Promise<Post[]> {
    // Existence only (users are never deleted): a name seen once costs no profile read again.
    await Promise.all([this.ensureUser(username), viewer === undefined || viewer === username ? null : this.ensureUser(viewer)]);
    const posts = before === undefined ? await this.feeds.get(username, kind) : await this.feeds.older(username, kind, before);
    let views = await this.likes.viewMany(posts.map((p) => p.id), viewer);
    // Like counters that are not cached, with a viewer: rebuilt for the whole page from one store
    // read of who liked what (not a post read and a likers read per post), then read again.
    const unliked = viewer === undefined ? [] : posts.filter((_, i) => views[i]!.liked === null);
    if (unliked.length > 0) {
      const likers = await this.likes.hydrateMany(unliked);
      const again = new Map(await Promise.all(unliked.map(async (p) => [p.id, await this.likes.view(p.id, viewer)] as const)));
      // A count with no like set after the rebuild is a store count without like records
      // (imported): nobody is in it, the viewer included.
      views = views.map((v, i) => {
        const view = again.get(posts[i]!.id);
        if (!view) return v;
        return view.liked === null && view.likes !== null ? { ...view, liked: (likers.get(posts[i]!.id) ?? []).includes(viewer!) } : view;
      });
    }
    // Comment counters expire (U4): a feed read after that asks the store once for all of them.
    const uncounted = posts.filter((_, i) => views[i]!.comments === null).map((p) => p.id);
    const comments = uncounted.length > 0 ? await this.comments.countOf(uncounted) : new Map<string, number>();
    return Promise.all(
      posts.map((p, i) => {
        const view = { ...views[i]!, comments: views[i]!.comments ?? comments.get(p.id) ?? null };
        // Everything cached, or nothing left to read (no viewer: an uncached like counter shows the
        // store's count, as in withCounts): the common case, with no promise chain per post.
        if (view.comments !== null && (viewer === undefined || (view.likes !== null && view.liked !== null))) {
          const out: Post = { id: p.id, author: p.author, text: p.text, createdAt: p.createdAt, likesCount: view.likes ?? p.likesCount ?? 0, commentsCount: view.comments };
          if (viewer !== undefined) out.likedByMe = view.liked!;
          return out;
        }
        return this.withCounts(p, viewer, view);
      }),
    );
  }

  async like(postId: string, username: string, liked: boolean): Promise<LikeResult> {
    // The post is not looked up in the store here: a like counter only exists for a post that
    // does, and a missing counter is rebuilt from the store (which refuses an unknown post).
    await this.ensureUser(username);
    // From before the script runs until the change is queued for the write-back, the sync engine
    // knows a change of this post is on its way and gives its keys no TTL meanwhile (R2).
    const release = this.deps.sync.hold(postId);
    try {
      const written = await this.likes.write(liked ? 'like' : 'unlike', postId, username);
      if (!written.changed) return { ...written, durable: true };
      // Once the post's own slot has it, the rest is independent: the replica's acknowledgement
      // (R3), trending (partial keys on other slots) and the background write-back (L2).
      const [durable] = await Promise.all([
        this.likes.confirm(postId),
        withMemoryRelief(`the trending update of post ${postId}`, () => this.trending.onChange(postId, username, liked, written.count), () => this.deps.sync.relieveMemory()),
        this.deps.sync.notify({ postId, username, liked, at: this.deps.clock() }),
      ]);
      return { ...written, durable };
    } finally {
      release();
    }
  }

  async follow(follower: string, followee: string, follow: boolean): Promise<{ changed: boolean }> {
    if (follower === followee) throw new AppError('invalid_input', 'Nobody can follow or unfollow themselves.');
    await Promise.all([this.requireUser(follower), this.requireUser(followee)]);
    const changed = follow ? await this.graph.follow(follower, followee) : await this.graph.unfollow(follower, followee);
    if (changed) {
      await Promise.all([
        this.feeds.invalidateForFollow(follower),
        this.suggestions.invalidateForFollow(follower),
        this.profiles.invalidate(follower, followee),
      ]);
    }
    return { changed };
  }

  /** Straight from the graph store (one index range); the app reads it once per sign-in. */
  async followingOf(username: string, limit: number): Promise<{ following: string[]; truncated: boolean }> {
    await this.requireUser(username);
    const names = await this.graph.following(username, limit + 1);
    return { following: names.slice(0, limit), truncated: names.length > limit };
  }

  async suggestionsFor(username: string): Promise<Suggestion[]> {
    await this.requireUser(username);
    return this.suggestions.get(username);
  }

  async addComment(postId: string, author: string, text: string): Promise<Comment> {
    await Promise.all([this.requirePost(postId), this.requireUser(author)]);
    const createdAt = this.deps.clock();
    const comment = { id: newId(createdAt), postId, author, text, createdAt };
    await this.documents.addComment(comment);
    await this.comments.onAdded(comment);
    return comment;
  }

  /** The cached newest comments, or with `before` a keyset page of older ones from the store. */
  async listComments(postId: string, before?: number, beforeId?: string): Promise<Comment[]> {
    await this.requirePost(postId);
    if (before === undefined) return this.comments.list(postId);
    return this.documents.listComments(postId, { limit: COMMENTS_PAGE, before, beforeId });
  }

  async sendMessage(from: string, to: string, text: string): Promise<Message> {
    if (from === to) throw new AppError('invalid_input', 'Messages go to someone else.');
    await Promise.all([this.requireUser(from), this.requireUser(to)]);
    const sentAt = this.deps.clock();
    const message = { id: newId(sentAt), from, to, text, sentAt };
    await this.documents.addMessage(message);
    await this.messages.onSent(message);
    this.deps.events.emit('messages.new', message);
    return message;
  }

  /** The cached newest messages (oldest first), or with `before` a keyset page of older ones from the store. */
  async listMessages(a: string, b: string, before?: number, beforeId?: string): Promise<Message[]> {
    await Promise.all([this.requireUser(a), this.requireUser(b)]);
    if (before === undefined) return this.messages.list(a, b);
    return (await this.documents.listMessages(a, b, { limit: MESSAGES_PAGE, before, beforeId })).reverse();
  }

  async readMessages(username: string, other: string): Promise<{ unread: number }> {
    await Promise.all([this.requireUser(username), this.requireUser(other)]);
    await this.documents.markRead(username, other, this.deps.clock());
    await this.messages.markRead(username, other);
    return { unread: 0 };
  }

  async conversations(username: string): Promise<Conversation[]> {
    await this.requireUser(username);
    const list = await this.messages.conversations(username);
    return Promise.all(list.map(async (c) => ({ ...c, unread: await this.messages.unread(username, c.with) })));
  }

  /**
   * After rows were written to the stores behind the caches' back (a demo network loaded by the
   * running engine): the counters and rankings built from the store before are dropped, so the
   * next read builds them from what it holds now. Feeds, profiles and like keys of the new rows
   * were never cached.
   */
  async afterBulkLoad(): Promise<void> {
    await Promise.all([this.stats.forget(), this.trending.forget()]);
  }

  trendingPosts(window: TrendingWindow): Promise<TrendingEntry[]> {
    return this.trending.get(window);
  }
}
