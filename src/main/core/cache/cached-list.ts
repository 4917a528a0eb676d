/**
 * A cached list of JSON values in one Redis LIST. Element 0 is a small header, so an empty
 * result is cached too (Redis has no empty lists) and a stale format is recognised.
 */
import type { Cluster } from 'ioredis';
import { fillUnlessFull } from './memory-relief';

/** 2: feed posts carry likesCount (a list cached by an older engine reads as not cached). */
const HEADER = '{"redk":2}';

export async function readCachedList<T>(redis: Cluster, key: string): Promise<T[] | null> {
  const raw = await redis.lrange(key, 0, -1);
  if (raw.length === 0 || raw[0] !== HEADER) return null;
  return raw.slice(1).map((item) => JSON.parse(item) as T);
}

/** Replaces the list atomically (one key, so MULTI is legal in a cluster) and sets its TTL. */
export async function writeCachedList<T>(redis: Cluster, key: string, items: T[], ttlSeconds: number): Promise<void> {
  await redis
    .multi()
    .del(key)
    .rpush(key, HEADER, ...items.map((item) => JSON.stringify(item)))
    .expire(key, ttlSeconds)
    .exec();
}

/** Read-through: the cached list, or `load()` written to the cache and returned. */
export async function cachedList<T>(redis: Cluster, key: string, ttlSeconds: number, load: () => Promise<T[]>): Promise<T[]> {
  const cached = await readCachedList<T>(redis, key);
  if (cached) return cached;
  const fresh = await load();
  await fillUnlessFull(writeCachedList(redis, key, fresh, ttlSeconds));
  return fresh;
}

/** Deletes many single keys (each on its own slot), a bounded number in flight at a time. */
/**
 * Deletes keys, bounded in flight. Pass groups of keys that share one hash tag (one slot) to
 * delete each group with one DEL (K5 allows multi-key commands within a slot).
 */
export async function deleteKeys(redis: Cluster, keyList: (string | string[])[], concurrency = 200): Promise<void> {
  for (let i = 0; i < keyList.length; i += concurrency) {
    await Promise.all(keyList.slice(i, i + concurrency).map((key) => (typeof key === 'string' ? redis.del(key) : redis.del(...key))));
  }
}

/**
 * Lists that grow at one end (comments, messages) carry no header, since a trim would cut it:
 * a missing key means "not cached", and an empty result is simply not cached.
 */
export async function readGrowingList<T>(redis: Cluster, key: string): Promise<T[] | null> {
  const raw = await redis.lrange(key, 0, -1);
  return raw.length === 0 ? null : raw.map((item) => JSON.parse(item) as T);
}

export async function writeGrowingList<T>(redis: Cluster, key: string, items: T[], ttlSeconds: number): Promise<void> {
  if (items.length === 0) return;
  await redis
    .multi()
    .del(key)
    .rpush(key, ...items.map((item) => JSON.stringify(item)))
    .expire(key, ttlSeconds)
    .exec();
}

/**
 * Rebuilds a growing list from the store without hiding an append that lands meanwhile. An
 * append writes the store first, then pushes onto the cached list only if the list exists; a
 * rebuild that read the store before that write but wrote the list after that push would cache
 * a list without the append for a whole TTL. So once the list is written, the store is asked
 * for its newest item again: if it is not the snapshot's newest, an append came in between and
 * the list is dropped (the next read rebuilds it). An append whose store write comes after that
 * check pushes onto the list written before it: nothing is missed either way.
 */
export async function rebuildGrowingList<T extends { id: string }>(
  redis: Cluster,
  key: string,
  ttlSeconds: number,
  load: () => Promise<T[]>,
  newestInStore: () => Promise<string | null>,
  newestOf: (items: T[]) => string | null,
): Promise<T[]> {
  const fresh = await load();
  if (fresh.length === 0) return fresh;
  await writeGrowingList(redis, key, fresh, ttlSeconds);
  if ((await newestInStore()) !== newestOf(fresh)) await redis.del(key);
  return fresh;
}
