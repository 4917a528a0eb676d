/**
 * S4: deterministic demo data. The same size and seed always make the same users, follows,
 * posts, likes, comments and messages with the same ids, so running the seeder again inserts
 * nothing new (the stores skip what exists). It writes only to the stores: caches warm on use.
 *
 * Shapes are social-network-like: who gets followed and liked follows a Zipf law (a few stars,
 * a long tail), how many accounts a user follows is heavy-tailed too.
 */
import { hashPassword } from '../accounts/passwords';
import type { CommentDoc, DocumentStore, GraphStore, LikeChange, MessageDoc, PostDoc, UserDoc } from '../stores/ports';
import { seededRandom } from './random';

/**
 * A1: every demo user signs in with this password (README). They share one hash, made once per
 * run: hashing each of 100,000 users with scrypt would take hours.
 */
export const DEMO_PASSWORD = 'redk-demo';

const FIRST = ['ana', 'ben', 'carla', 'dev', 'eli', 'fatima', 'gus', 'hana', 'ivan', 'jade', 'kofi', 'lena', 'mateo', 'nora', 'omar', 'pia', 'quinn', 'rosa', 'sami', 'tara', 'uma', 'vic', 'wen', 'xavi', 'yara', 'zoe'];
const LAST = ['lopez', 'kim', 'smith', 'garcia', 'ito', 'novak', 'silva', 'okafor', 'rossi', 'müller', 'chen', 'dubois', 'haddad', 'berg', 'patel'];
const TOPICS = ['redis', 'hash slots', 'failover drills', 'coffee', 'the weekend', 'my cat', 'TypeScript', 'cluster bus gossip', 'Lua scripts', 'replicas', 'trending', 'MongoDB', 'Neo4j', 'the commute', 'a new album'];
const OPENERS = ['Thinking about', 'Just learned about', 'Hot take on', 'Loving', 'Can we talk about', 'Finally fixed', 'Day 3 of'];

export interface SeedSize {
  users: number;
  followsPerUser: number;
  postsPerUser: number;
  likesPerPost: number;
  commentsPerPost: number;
  messagesPerUser: number;
}

export function seedSize(users: number): SeedSize {
  return { users, followsPerUser: 8, postsPerUser: 2, likesPerPost: 3, commentsPerPost: 0.5, messagesPerUser: 0.5 };
}

export interface SeedProgress {
  phase: string;
  done: number;
  total: number;
}

/** Zipf-like rank in [0, n): rank r is chosen with weight about 1/(r+1). */
function zipf(random: () => number, n: number): number {
  return Math.min(n - 1, Math.floor(Math.exp(random() * Math.log(n + 1)) - 1));
}

export function usernameOf(i: number): string {
  const first = FIRST[i % FIRST.length] as string;
  const last = (LAST[Math.floor(i / FIRST.length) % LAST.length] as string).replace('ü', 'u');
  return `${first}.${last}${i}`;
}

const BATCH = 2000;
/** How far back the demo network's activity reaches from the moment it is seeded. */
export const SEED_SPAN_MS = 7 * 24 * 3600_000;
/** The first users of a network (also its most followed: Zipf rank 0, 1, ...) follow at least this many, so their feeds page. */
const DEMO_ACCOUNT_FOLLOWS = 40;
export const DEMO_ACCOUNTS = 5;

/** The well-connected demo accounts a first run offers to sign in with. */
export function demoAccounts(users: number): string[] {
  return Array.from({ length: Math.min(DEMO_ACCOUNTS, users) }, (_, i) => usernameOf(i));
}

export interface SeedStores {
  documents: DocumentStore;
  graph: GraphStore;
}

export interface SeedResult {
  users: number;
  follows: number;
  posts: number;
  likes: number;
  comments: number;
  messages: number;
  /** Rows that were new this run (0 everywhere on a re-run). */
  inserted: number;
}

/** Writes the demo data in batches, reporting progress after each batch. */
export async function seedDemoData(
  stores: SeedStores,
  size: SeedSize,
  onProgress: (p: SeedProgress) => void,
  seed = 42,
  /**
   * `now`: the network's activity ends here and reaches SEED_SPAN_MS back (posts, likes, comments
   * and messages spread over those days, the newest within the last hour, so every trending
   * window has likes). `signal`: stops between batches (an engine that is stopping).
   */
  opts: { scryptCost?: number; now?: number; signal?: AbortSignal } = {},
): Promise<SeedResult> {
  const random = seededRandom(seed);
  const demoHash = await hashPassword(DEMO_PASSWORD, opts.scryptCost);
  const n = size.users;
  const result: SeedResult = { users: n, follows: 0, posts: 0, likes: 0, comments: 0, messages: 0, inserted: 0 };
  const now = opts.now ?? Date.now();
  const start = now - SEED_SPAN_MS;
  /** The k-th of `total` events of a phase, evenly over the span (the last one at `now`). */
  const spread = (k: number, total: number) => start + Math.round(((k + 1) / Math.max(1, total)) * SEED_SPAN_MS);
  /** A moment between `from` and now, nearer `from` more often (most activity follows a post soon, some keeps coming). */
  const after = (from: number) => from + Math.floor((now - from) * random() ** 2);

  const phase = async <T>(name: string, total: number, make: (i: number) => T | null, write: (batch: T[]) => Promise<number>) => {
    let batch: T[] = [];
    let done = 0;
    onProgress({ phase: name, done, total });
    for (let i = 0; i < total; i++) {
      opts.signal?.throwIfAborted();
      const item = make(i);
      if (item) batch.push(item);
      if (batch.length >= BATCH || i === total - 1) {
        if (batch.length > 0) result.inserted += await write(batch);
        batch = [];
        done = i + 1;
        onProgress({ phase: name, done, total });
      }
    }
  };

  await phase<UserDoc>('users', n, (i) => {
    const username = usernameOf(i);
    const [first, last] = username.split('.');
    return { username, displayName: `${cap(first)} ${cap((last ?? '').replace(/\d+$/, ''))}`, createdAt: start - SEED_SPAN_MS + Math.round((i / n) * SEED_SPAN_MS) };
  }, async (batch) => {
    const added = await stores.documents.createUsers(batch, demoHash);
    await stores.graph.addUsers(batch.map((u) => u.username));
    return added;
  });

  // Follows: each user follows a heavy-tailed number of accounts, chosen by Zipf popularity.
  await phase<{ follower: string; followee: string }[]>('follows', n, (i) => {
    const drawn = Math.max(1, Math.round(size.followsPerUser * -Math.log(1 - random() * 0.999)));
    const count = Math.min(n - 1, i < DEMO_ACCOUNTS ? Math.max(drawn, DEMO_ACCOUNT_FOLLOWS) : drawn);
    const edges = new Map<string, { follower: string; followee: string }>();
    for (let k = 0; k < count * 2 && edges.size < count; k++) {
      const j = zipf(random, n);
      if (j !== i) edges.set(usernameOf(j), { follower: usernameOf(i), followee: usernameOf(j) });
    }
    result.follows += edges.size;
    return [...edges.values()];
  }, (batches) => stores.graph.followMany(batches.flat()));

  const postCount = Math.round(n * size.postsPerUser);
  const postId = (p: number) => `seed-post-${p}`;
  const authorOf = () => usernameOf(zipf(random, n));
  const likesOf: { postId: string; likers: string[]; postedAt: number }[] = [];
  const postedAt = (p: number) => spread(p, postCount);
  await phase<PostDoc>('posts', postCount, (p) => {
    const likers = new Set<string>();
    const want = Math.round(size.likesPerPost * -Math.log(1 - random() * 0.999));
    for (let k = 0; k < want; k++) likers.add(usernameOf(zipf(random, n)));
    likesOf.push({ postId: postId(p), likers: [...likers], postedAt: postedAt(p) });
    const topic = TOPICS[Math.floor(random() * TOPICS.length)];
    const opener = OPENERS[Math.floor(random() * OPENERS.length)];
    return { id: postId(p), author: authorOf(), text: `${opener} ${topic}. #${p % 97}`, createdAt: postedAt(p), likesCount: likers.size };
  }, (batch) => stores.documents.createPosts(batch));
  result.posts = postCount;

  await phase<{ postId: string; likers: string[]; postedAt: number }>('likes', likesOf.length, (i) => likesOf[i] ?? null, async (batch) => {
    const changes: LikeChange[] = batch.flatMap((b) => b.likers.map((username) => ({ postId: b.postId, username, liked: true, at: after(b.postedAt) })));
    result.likes += changes.length;
    // likes_count was written with each post; only who liked what is left to record.
    await stores.documents.recordLikes(changes);
    return 0;
  });
  likesOf.length = 0;

  const commentCount = Math.round(postCount * size.commentsPerPost);
  await phase<CommentDoc>('comments', commentCount, (c) => {
    const p = zipf(random, postCount);
    return { id: `seed-comment-${c}`, postId: postId(p), author: usernameOf(Math.floor(random() * n)), text: `Nice point about ${TOPICS[c % TOPICS.length]}!`, createdAt: after(postedAt(p)) };
  }, (batch) => stores.documents.addComments(batch));
  result.comments = commentCount;

  const messageCount = n > 1 ? Math.round(n * size.messagesPerUser) : 0;
  await phase<MessageDoc>('messages', messageCount, (m) => {
    const from = Math.floor(random() * n);
    let to = zipf(random, n);
    if (to === from) to = (to + 1) % n;
    return { id: `seed-message-${m}`, from: usernameOf(from), to: usernameOf(to), text: `Hey! Did you see the post about ${TOPICS[m % TOPICS.length]}?`, sentAt: spread(m, messageCount) };
  }, (batch) => stores.documents.addMessages(batch));
  result.messages = messageCount;
  return result;
}

function cap(word: string | undefined): string {
  return word ? word[0]!.toUpperCase() + word.slice(1) : '';
}
