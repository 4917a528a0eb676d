/** `{user:<name>}:profile`: a HASH of the profile and its counts, cached 600 s, dropped when a count changes. */
import type { Cluster } from 'ioredis';
import type { User } from '../../../shared/types';
import type { DocumentStore, GraphStore } from '../stores/ports';
import { keys, TTL } from '../keys';
import { deleteKeys } from './cached-list';

export class ProfileCache {
  constructor(
    private readonly redis: Cluster,
    private readonly documents: DocumentStore,
    private readonly graph: GraphStore,
  ) {}

  async get(username: string): Promise<User | null> {
    const key = keys.profile(username);
    const cached = await this.redis.hgetall(key);
    if (cached.username) {
      return {
        username: cached.username,
        displayName: cached.displayName ?? '',
        createdAt: Number(cached.createdAt),
        followers: Number(cached.followers),
        following: Number(cached.following),
        posts: Number(cached.posts),
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
