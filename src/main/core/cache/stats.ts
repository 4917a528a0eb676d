/** U7: global counts of users and posts, counters without TTL, loaded from the store when missing. */
import type { Cluster } from 'ioredis';
import type { Stats } from '../../../shared/types';
import type { DocumentStore } from '../stores/ports';
import { keys } from '../keys';
import { runScript } from '../lua/scripts';

export class StatsCache {
  constructor(
    private readonly redis: Cluster,
    private readonly documents: DocumentStore,
  ) {}

  private async read(key: string, load: () => Promise<number>): Promise<number> {
    const cached = await this.redis.get(key);
    if (cached !== null) return Number(cached);
    const value = await load();
    await this.redis.set(key, value, 'NX');
    return Number((await this.redis.get(key)) ?? value);
  }

  async get(): Promise<Stats> {
    const [postsCount, usersCount] = await Promise.all([
      this.read(keys.postsCount, () => this.documents.countPosts()),
      this.read(keys.usersCount, () => this.documents.countUsers()),
    ]);
    return { postsCount, usersCount };
  }

  /** After the store counted the new item: raise the counter if it is loaded (else the next read loads it). */
  async onCreated(what: 'post' | 'user'): Promise<void> {
    await runScript(this.redis, 'incrIfExists', [what === 'post' ? keys.postsCount : keys.usersCount], [1]);
  }
}
