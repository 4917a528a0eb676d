/**
 * U7: global counts of users and posts, counters without TTL, loaded from the store when missing.
 * Each count is the sum of HOT_SHARDS partial counters on their own masters (keys.postsCount); a
 * creation raises one of them, chosen by its operation id, so creations spread over the masters.
 */
import calculateSlot from 'cluster-key-slot';
import type { Cluster } from 'ioredis';
import type { Stats } from '../../../shared/types';
import type { DocumentStore } from '../stores/ports';
import { newOpId } from '../ids';
import { HOT_SHARDS, keys, TTL } from '../keys';
import { runScript } from '../lua/scripts';

type What = 'post' | 'user';
const counterOf = (what: What, shard: number) => (what === 'post' ? keys.postsCount(shard) : keys.usersCount(shard));
const SHARDS = Array.from({ length: HOT_SHARDS }, (_, i) => i);
/** The partial an operation raises: any fixed function of its id spreads them (CRC16, as for post ids). */
const shardOfOp = (opId: string) => calculateSlot(opId) % HOT_SHARDS;

export class StatsCache {
  /** Creations between their store insert and their increment, per counter. */
  private readonly inFlight = { post: 0, user: 0 };
  private readonly drained = { post: [] as (() => void)[], user: [] as (() => void)[] };
  /** A load of the counter from the store in progress: new creations wait for it. */
  private readonly loading: Record<What, Promise<number> | null> = { post: null, user: null };

  constructor(
    private readonly redis: Cluster,
    private readonly documents: DocumentStore,
  ) {}

  /**
   * A missing counter is loaded from the store's count. A creation whose store insert came after
   * that count but whose increment ran before the load's SET NX would be lost for good (the
   * increment skips a missing counter, the load does not see the insert). So the load waits for
   * creations in flight to finish, and holds new ones back until it is written (in this engine;
   * the engine owns its store, R6).
   */
  private read(what: What, load: () => Promise<number>): Promise<number> {
    return (async () => {
      const parts = await Promise.all(SHARDS.map((shard) => this.redis.get(counterOf(what, shard))));
      if (parts.every((p) => p !== null)) return parts.reduce((sum, p) => sum + Number(p), 0);
      this.loading[what] ??= (async () => {
        try {
          while (this.inFlight[what] > 0) await new Promise<void>((resolve) => this.drained[what].push(resolve));
          const value = await load();
          // A partial lost on its own (a failover that lost a write) makes the sum wrong: the
          // count starts over from the store's, in partial 0, the others at 0.
          await Promise.all(SHARDS.map((shard) => this.redis.set(counterOf(what, shard), shard === 0 ? value : 0)));
          return value;
        } finally {
          this.loading[what] = null;
        }
      })();
      return this.loading[what];
    })();
  }

  /** Drops the counters (rows were loaded into the store directly); the next read loads them from its counts. */
  async forget(): Promise<void> {
    await Promise.all((['post', 'user'] as const).flatMap((what) => SHARDS.map((shard) => this.redis.del(counterOf(what, shard)))));
  }

  async get(): Promise<Stats> {
    const [postsCount, usersCount] = await Promise.all([this.read('post', () => this.documents.countPosts()), this.read('user', () => this.documents.countUsers())]);
    return { postsCount, usersCount };
  }

  /**
   * Runs a creation's store insert, then, when it created something, raises the counter if it is
   * loaded (else the next read loads it), once per creation (R8: the increment carries an
   * operation id).
   */
  async created(what: What, insert: () => Promise<boolean>, opId = newOpId()): Promise<boolean> {
    while (this.loading[what]) await this.loading[what].catch(() => undefined);
    this.inFlight[what]++;
    try {
      const result = await insert();
      const key = counterOf(what, shardOfOp(opId));
      if (result) await runScript(this.redis, 'incrIfExists', [key, keys.opLog(key)], [1, opId, TTL.ops]);
      return result;
    } finally {
      if (--this.inFlight[what] === 0) this.drained[what].splice(0).forEach((resolve) => resolve());
    }
  }
}
