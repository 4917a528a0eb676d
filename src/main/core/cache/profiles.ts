/**
 * `{user:<name>}:profile`: a HASH of the profile and its counts, cached 600 s, dropped when a
 * follow count changes. A post only drops the `posts` field: the next read counts the author's
 * posts again and keeps the rest (recounting followers after every post of a large account cost
 * more the more followers it had).
 */
import type { Cluster } from 'ioredis';
import type { User } from '../../../shared/types';
import type { DocumentStore, GraphStore } from '../stores/ports';
import { keys, TTL } from '../keys';
import { runScript } from '../lua/scripts';
import { deleteKeys } from './cached-list';
import { fillUnlessFull } from './memory-relief';

/** The hash's fields, read by name (HMGET): ioredis's command tracing shows HMGET's key in the drawer, HGETALL's not. */
const FIELDS = ['username', 'displayName', 'createdAt', 'followers', 'following', 'posts'] as const;

export class ProfileCache {
  constructor(
    private readonly redis: Cluster,
    private readonly documents: DocumentStore,
    private readonly graph: GraphStore,
  ) {}

  async get(username: string): Promise<User | null> {
    const key = keys.profile(username);
    const [name, displayName, createdAt, followers, following, postCount] = await this.redis.hmget(key, ...FIELDS);
    if (name) {
      let posts = postCount === null ? null : Number(postCount);
      if (posts === null) {
        // Dropped by a post: counted again, and written only into a profile that is still there.
        posts = await this.documents.countPostsBy(username);
        await runScript(this.redis, 'hsetIfExists', [key], ['posts', posts]);
      }
      return {
        username: name,
        displayName: displayName ?? '',
        createdAt: Number(createdAt),
        followers: Number(followers),
        following: Number(following),
        posts,
      };
    }
    const user = await this.documents.getUser(username);
    if (!user) return null;
    const [counts, posts] = await Promise.all([this.graph.counts(username), this.documents.countPostsBy(username)]);
    const profile: User = { ...user, followers: counts.followers, following: counts.following, posts };
    await fillUnlessFull(
      this.redis
        .multi()
        .hset(key, { ...profile })
        .expire(key, TTL.profile)
        .exec(),
    );
    return profile;
  }

  /** Just the follower count (what a post's fan-out needs), null for nobody: the post count is not recounted for it. */
  async followersOf(username: string): Promise<number | null> {
    const [name, followers] = await this.redis.hmget(keys.profile(username), 'username', 'followers');
    if (name) return Number(followers);
    return (await this.get(username))?.followers ?? null;
  }

  /** The author's post count changed: only that field goes (the follow counts stay cached). */
  async postAdded(username: string): Promise<void> {
    await this.redis.hdel(keys.profile(username), 'posts');
  }

  async invalidate(...usernames: string[]): Promise<void> {
    await deleteKeys(this.redis, usernames.map((u) => keys.profile(u)));
  }
}
