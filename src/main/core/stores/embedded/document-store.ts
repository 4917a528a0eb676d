import { chunks, lastPerKey } from '../batches';
import { foldUsername, type CommentDoc, type ConversationDoc, type DocumentStore, type LikeChange, type LikeRecord, type MessageDoc, type Page, type PostDoc, type UserDoc } from '../ports';
import type { Logger } from '../../log';
import { caseUniqueUsernames, documentSchema } from './schema';
import type { SqlDb, SqlTx } from './sql-db';
import type { PlannerStatistics } from './statistics';

/** Rows per INSERT ... SELECT FROM unnest(...): one statement, a handful of array parameters. */
const BATCH = 5000;
/** "No upper bound" for keyset pagination, so every page query has the same index-friendly shape. */
const NO_BEFORE = '9223372036854775807';

interface UserRow { username: string; display_name: string; created_at: number }
interface PostRow { id: string; author: string; text: string; created_at: number; likes_count: number }
interface CommentRow { id: string; post_id: string; author: string; text: string; created_at: number }
interface MessageRow { id: string; sender: string; recipient: string; text: string; sent_at: number }

const toUser = (r: UserRow): UserDoc => ({ username: r.username, displayName: r.display_name, createdAt: r.created_at });
const toPost = (r: PostRow): PostDoc => ({ id: r.id, author: r.author, text: r.text, createdAt: r.created_at, likesCount: r.likes_count });
const toComment = (r: CommentRow): CommentDoc => ({ id: r.id, postId: r.post_id, author: r.author, text: r.text, createdAt: r.created_at });
const toMessage = (r: MessageRow): MessageDoc => ({ id: r.id, from: r.sender, to: r.recipient, text: r.text, sentAt: r.sent_at });

const before = (page: Page) => page.before ?? NO_BEFORE;

/** A LIKE pattern matching values that start with `prefix` literally ("\\" is LIKE's default escape). */
const startsWithPattern = (prefix: string) => `${prefix.replace(/[\\%_]/g, '\\$&')}%`;

/** The DocumentStore port on the embedded PGlite database (tables in schema.ts). */
export class EmbeddedDocumentStore implements DocumentStore {
  readonly description: string;

  constructor(
    private readonly db: SqlDb,
    private readonly stats: PlannerStatistics,
    dataDir: string,
    private readonly log?: Logger,
  ) {
    this.description = `embedded ${dataDir}`;
  }

  async init(): Promise<void> {
    await this.db.exec(documentSchema);
    await this.makeNamesUniqueRegardlessOfCase();
  }

  /**
   * One account per name regardless of case ("Alice" and "alice" cannot both exist; each name
   * keeps the case its owner typed): a unique index on lower(username), which createUsers' ON
   * CONFLICT DO NOTHING honours like the primary key. A store made by an older version that
   * already holds two such names keeps them both and says so; new names are still checked
   * by the folded-name lookup below in that case.
   */
  private async makeNamesUniqueRegardlessOfCase(): Promise<void> {
    try {
      await this.db.exec(caseUniqueUsernames);
    } catch (err) {
      const { rows } = await this.db.query<{ name: string }>(
        `SELECT lower(username) AS name FROM users GROUP BY lower(username) HAVING count(*) > 1 ORDER BY 1 LIMIT 5`,
      );
      if (rows.length === 0) throw err;
      this.log?.warn(
        `embedded store: usernames that differ only in case exist already (${rows.map((r) => r.name).join(', ')}${rows.length === 5 ? ', ...' : ''}); ` +
          'they stay, and new names are checked against them before they are inserted',
      );
    }
  }

  async ping(): Promise<void> {
    await this.db.query('SELECT 1');
  }

  /** The database is shared with the graph store; EmbeddedStores.close() closes it. */
  async close(): Promise<void> {}

  private async insertBatches<T>(table: string, items: readonly T[], sql: string, columns: (batch: T[]) => unknown[]): Promise<number> {
    let inserted = 0;
    for (const batch of chunks(items, BATCH)) {
      const result = await this.db.query(sql, columns(batch));
      inserted += result.affectedRows ?? 0;
    }
    await this.stats.noteChanges(table, inserted);
    return inserted;
  }

  async createUser(user: UserDoc, passwordHash?: string): Promise<boolean> {
    return (await this.createUsers([user], passwordHash)) === 1;
  }

  createUsers(users: UserDoc[], passwordHash?: string): Promise<number> {
    return this.insertBatches(
      'users',
      users,
      // DISTINCT ON + NOT EXISTS: one name per case even where the unique index could not be made
      // (an older store holding case duplicates); with the index they only cost an index probe.
      `INSERT INTO users (username, display_name, created_at, password_hash)
       SELECT DISTINCT ON (lower(u.username)) u.username, u.display_name, u.created_at, $4::text
       FROM unnest($1::text[], $2::text[], $3::bigint[]) WITH ORDINALITY AS u(username, display_name, created_at, n)
       WHERE NOT EXISTS (SELECT 1 FROM users WHERE lower(users.username) = lower(u.username))
       ORDER BY lower(u.username), u.n
       ON CONFLICT DO NOTHING`,
      (b) => [b.map((u) => u.username), b.map((u) => u.displayName), b.map((u) => u.createdAt), passwordHash ?? null],
    );
  }

  /** lower(username) = lower($1) is a probe of users_one_name_per_case (or of users_by_folded_name on an older store). */
  async credentials(username: string): Promise<{ username: string; passwordHash: string | null } | null> {
    const { rows } = await this.db.query<{ username: string; password_hash: string | null }>(
      `SELECT username, password_hash FROM users WHERE lower(username) = lower($1) ORDER BY (username = $1) DESC, username LIMIT 1`,
      [username],
    );
    return rows[0] ? { username: rows[0].username, passwordHash: rows[0].password_hash } : null;
  }

  async getUser(username: string): Promise<UserDoc | null> {
    const { rows } = await this.db.query<UserRow>('SELECT username, display_name, created_at FROM users WHERE username = $1', [username]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  async listUsers(limit: number, after?: string): Promise<UserDoc[]> {
    const { rows } = await this.db.query<UserRow>(
      `SELECT username, display_name, created_at FROM users WHERE username > $1 ORDER BY username LIMIT $2`,
      [after ?? '', limit],
    );
    return rows.map(toUser);
  }

  /** A range scan of users_by_folded_name (schema.ts), already in the order asked for. */
  async searchUsers(prefix: string, limit: number): Promise<UserDoc[]> {
    if (limit <= 0) return [];
    const { rows } = await this.db.query<UserRow>(
      `SELECT username, display_name, created_at FROM users WHERE lower(username) LIKE $1 ORDER BY lower(username), username LIMIT $2`,
      [startsWithPattern(foldUsername(prefix)), limit],
    );
    return rows.map(toUser);
  }

  async countUsers(): Promise<number> {
    return this.count('SELECT count(*) AS n FROM users', []);
  }

  async createPost(post: PostDoc): Promise<boolean> {
    return (await this.createPosts([post])) === 1;
  }

  createPosts(posts: PostDoc[]): Promise<number> {
    return this.insertBatches(
      'posts',
      posts,
      `INSERT INTO posts (id, author, text, created_at, likes_count)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::int[]) ON CONFLICT DO NOTHING`,
      (b) => [b.map((p) => p.id), b.map((p) => p.author), b.map((p) => p.text), b.map((p) => p.createdAt), b.map((p) => p.likesCount)],
    );
  }

  async getPost(id: string): Promise<PostDoc | null> {
    const { rows } = await this.db.query<PostRow>('SELECT * FROM posts WHERE id = $1', [id]);
    return rows[0] ? toPost(rows[0]) : null;
  }

  async getPosts(ids: string[]): Promise<PostDoc[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.db.query<PostRow>('SELECT * FROM posts WHERE id = ANY($1::text[])', [[...new Set(ids)]]);
    const byId = new Map(rows.map((r) => [r.id, toPost(r)]));
    return [...new Set(ids)].flatMap((id) => byId.get(id) ?? []);
  }

  async postsByAuthors(authors: string[], page: Page): Promise<PostDoc[]> {
    if (authors.length === 0) return [];
    // One index range per author, each cut at the limit, then merged: a plan that stays cheap
    // however many posts the rest of the network has (filtering the global time index does not).
    const { rows } = await this.db.query<PostRow>(
      `SELECT p.* FROM unnest($1::text[]) AS a(author)
       CROSS JOIN LATERAL (
         SELECT * FROM posts
         WHERE posts.author = a.author AND created_at < $2::bigint
         ORDER BY created_at DESC, id DESC LIMIT $3
       ) p
       ORDER BY p.created_at DESC, p.id DESC LIMIT $3`,
      [[...new Set(authors)], before(page), page.limit],
    );
    return rows.map(toPost);
  }

  async recentPosts(page: Page): Promise<PostDoc[]> {
    const { rows } = await this.db.query<PostRow>(
      'SELECT * FROM posts WHERE created_at < $1::bigint ORDER BY created_at DESC, id DESC LIMIT $2',
      [before(page), page.limit],
    );
    return rows.map(toPost);
  }

  countPosts(): Promise<number> {
    return this.count('SELECT count(*) AS n FROM posts', []);
  }

  countPostsBy(author: string): Promise<number> {
    return this.count('SELECT count(*) AS n FROM posts WHERE author = $1', [author]);
  }

  async setLikeCounts(counts: { postId: string; count: number }[]): Promise<number> {
    let changed = 0;
    for (const batch of chunks(lastPerKey(counts, (c) => c.postId), BATCH)) {
      const result = await this.db.query(
        `UPDATE posts p SET likes_count = c.count
         FROM unnest($1::text[], $2::int[]) AS c(id, count)
         WHERE p.id = c.id AND p.likes_count <> c.count`,
        [batch.map((c) => c.postId), batch.map((c) => c.count)],
      );
      changed += result.affectedRows ?? 0;
    }
    return changed;
  }

  async recordLikes(changes: LikeChange[]): Promise<void> {
    const final = lastPerKey(changes, (c) => `${c.postId}\n${c.username}`);
    await this.db.transaction(async (tx) => {
      for (const batch of chunks(final, BATCH)) {
        await applyLikes(tx, batch.filter((c) => c.liked), batch.filter((c) => !c.liked));
      }
    });
    await this.stats.noteChanges('likes', final.length);
  }

  async likers(postId: string): Promise<string[]> {
    const { rows } = await this.db.query<{ username: string }>(
      'SELECT username FROM likes WHERE post_id = $1 ORDER BY username',
      [postId],
    );
    return rows.map((r) => r.username);
  }

  /** One range of the likes primary key (post_id, username) per post, already in likers' order. */
  async likersOf(postIds: string[]): Promise<Map<string, string[]>> {
    const likers = new Map(postIds.map((id) => [id, [] as string[]]));
    if (likers.size === 0) return likers;
    const { rows } = await this.db.query<{ post_id: string; username: string }>(
      'SELECT post_id, username FROM likes WHERE post_id = ANY($1::text[]) ORDER BY post_id, username',
      [[...likers.keys()]],
    );
    for (const row of rows) likers.get(row.post_id)?.push(row.username);
    return likers;
  }

  /** Per post asked, its likes_count and one range of the likes primary key (already in likers' order). */
  async likeStateOf(postIds: string[]): Promise<Map<string, { count: number | null; likers: string[] }>> {
    const ids = [...new Set(postIds)];
    if (ids.length === 0) return new Map();
    const { rows } = await this.db.query<{ id: string; likes_count: number | null; likers: string[] }>(
      `SELECT i.id, p.likes_count, array(SELECT l.username FROM likes l WHERE l.post_id = i.id ORDER BY l.username) AS likers
       FROM unnest($1::text[]) AS i(id) LEFT JOIN posts p ON p.id = i.id`,
      [ids],
    );
    const byId = new Map(rows.map((r) => [r.id, { count: r.likes_count === null ? null : Number(r.likes_count), likers: r.likers }]));
    return new Map(ids.map((id) => [id, byId.get(id) ?? { count: null, likers: [] }]));
  }

  async likesSince(since: number): Promise<LikeRecord[]> {
    const { rows } = await this.db.query<{ post_id: string; username: string; liked_at: number }>(
      'SELECT post_id, username, liked_at FROM likes WHERE liked_at >= $1::bigint ORDER BY liked_at, post_id, username',
      [since],
    );
    return rows.map((r) => ({ postId: r.post_id, username: r.username, at: Number(r.liked_at) }));
  }

  async topLikedPosts(limit: number): Promise<{ postId: string; likesCount: number }[]> {
    if (limit <= 0) return [];
    const { rows } = await this.db.query<{ id: string; likes_count: number }>(
      'SELECT id, likes_count FROM posts WHERE likes_count > 0 ORDER BY likes_count DESC, id LIMIT $1',
      [limit],
    );
    return rows.map((r) => ({ postId: r.id, likesCount: Number(r.likes_count) }));
  }

  async addComment(comment: CommentDoc): Promise<boolean> {
    return (await this.addComments([comment])) === 1;
  }

  addComments(comments: CommentDoc[]): Promise<number> {
    return this.insertBatches(
      'comments',
      comments,
      `INSERT INTO comments (id, post_id, author, text, created_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[]) ON CONFLICT DO NOTHING`,
      (b) => [b.map((c) => c.id), b.map((c) => c.postId), b.map((c) => c.author), b.map((c) => c.text), b.map((c) => c.createdAt)],
    );
  }

  async listComments(postId: string, page: Page): Promise<CommentDoc[]> {
    const { rows } = await this.db.query<CommentRow>(
      `SELECT * FROM comments WHERE post_id = $1 AND (created_at < $2::bigint OR (created_at = $2::bigint AND id < $4))
       ORDER BY created_at DESC, id DESC LIMIT $3`,
      [postId, before(page), page.limit, page.beforeId ?? ''],
    );
    return rows.map(toComment);
  }

  countComments(postId: string): Promise<number> {
    return this.count('SELECT count(*) AS n FROM comments WHERE post_id = $1', [postId]);
  }

  async countCommentsOf(postIds: string[]): Promise<Map<string, number>> {
    const counts = new Map(postIds.map((id) => [id, 0]));
    if (postIds.length === 0) return counts;
    const { rows } = await this.db.query<{ post_id: string; n: number }>(
      'SELECT post_id, count(*) AS n FROM comments WHERE post_id = ANY($1::text[]) GROUP BY post_id',
      [[...counts.keys()]],
    );
    for (const row of rows) counts.set(row.post_id, Number(row.n));
    return counts;
  }

  async addMessage(message: MessageDoc): Promise<boolean> {
    return (await this.addMessages([message])) === 1;
  }

  addMessages(messages: MessageDoc[]): Promise<number> {
    return this.insertBatches(
      'messages',
      messages,
      `INSERT INTO messages (id, sender, recipient, text, sent_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[]) ON CONFLICT DO NOTHING`,
      (b) => [b.map((m) => m.id), b.map((m) => m.from), b.map((m) => m.to), b.map((m) => m.text), b.map((m) => m.sentAt)],
    );
  }

  async listMessages(a: string, b: string, page: Page): Promise<MessageDoc[]> {
    const [lo, hi] = a < b ? [a, b] : [b, a];
    const { rows } = await this.db.query<MessageRow>(
      `SELECT * FROM messages
       WHERE LEAST(sender, recipient) = $1 AND GREATEST(sender, recipient) = $2
         AND (sent_at < $3::bigint OR (sent_at = $3::bigint AND id < $5))
       ORDER BY sent_at DESC, id DESC LIMIT $4`,
      [lo, hi, before(page), page.limit, page.beforeId ?? ''],
    );
    return rows.map(toMessage);
  }

  async conversations(username: string, limit: number): Promise<ConversationDoc[]> {
    const { rows } = await this.db.query<{ other: string; last: number }>(
      `SELECT other, max(sent_at) AS last FROM (
         SELECT recipient AS other, sent_at FROM messages WHERE sender = $1
         UNION ALL
         SELECT sender AS other, sent_at FROM messages WHERE recipient = $1
       ) exchanged
       GROUP BY other ORDER BY last DESC, other LIMIT $2`,
      [username, limit],
    );
    return rows.map((r) => ({ with: r.other, lastMessageAt: r.last }));
  }

  async markRead(reader: string, other: string, at: number): Promise<void> {
    await this.db.query(
      `INSERT INTO reads (reader, other, read_at) VALUES ($1, $2, $3::bigint)
       ON CONFLICT (reader, other) DO UPDATE SET read_at = EXCLUDED.read_at WHERE reads.read_at < EXCLUDED.read_at`,
      [reader, other, at],
    );
  }

  /** A range of messages_by_pair after the receipt, filtered to one direction. */
  countUnread(reader: string, other: string): Promise<number> {
    const [lo, hi] = reader < other ? [reader, other] : [other, reader];
    return this.count(
      `SELECT count(*) AS n FROM messages
       WHERE LEAST(sender, recipient) = $1 AND GREATEST(sender, recipient) = $2 AND recipient = $3
         AND sent_at > COALESCE((SELECT read_at FROM reads WHERE reader = $3 AND other = $4), -1)`,
      [lo, hi, reader, other],
    );
  }

  private async count(sql: string, params: unknown[]): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(sql, params);
    return Number(rows[0]?.n ?? 0);
  }
}

async function applyLikes(tx: SqlTx, liked: LikeChange[], unliked: LikeChange[]): Promise<void> {
  if (liked.length > 0) {
    await tx.query(
      `INSERT INTO likes (post_id, username, liked_at) SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
       ON CONFLICT (post_id, username) DO UPDATE SET liked_at = EXCLUDED.liked_at WHERE likes.liked_at < EXCLUDED.liked_at`,
      [liked.map((c) => c.postId), liked.map((c) => c.username), liked.map((c) => c.at ?? 0)],
    );
  }
  if (unliked.length > 0) {
    await tx.query(
      `DELETE FROM likes l USING unnest($1::text[], $2::text[]) AS u(post_id, username)
       WHERE l.post_id = u.post_id AND l.username = u.username`,
      [unliked.map((c) => c.postId), unliked.map((c) => c.username)],
    );
  }
}
