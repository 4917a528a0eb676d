/** `{user:<name>}:profile`: a HASH of the profile and its counts, cached 600 s, dropped when a count changes. */
import type { Cluster } from 'ioredis';
import type { User } from '../../../shared/types';
import type { DocumentStore, GraphStore } from '../stores/ports';
import { keys, TTL } from '../keys';
import { deleteKeys } from './cached-list';

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
      return {
        username: name,
        displayName: displayName ?? '',
        createdAt: Number(createdAt),
        followers: Number(followers),
        following: Number(following),
        posts: Number(postCount),
      };
    }
    const user = await this.documents.getUser(username);
    if (!user) return null;
    const [counts, posts] = await Promise.all([this.graph.counts(username), this.documents.countPostsBy(username)]);
    const profile: User = { ...user, followers: counts.followers, following: counts.following, posts };
    await this.redis
      .multi()
      .hset(key, { ...profile })
      .expire(key, TTL.profile)
      .exec();
    return profile;
  }

  async invalidate(...usernames: string[]): Promise<void> {
    await deleteKeys(this.redis, usernames.map((u) => keys.profile(u)));
  }
}
