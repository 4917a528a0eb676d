/** U7: global counts of users and posts, counters without TTL, loaded from the store when missing. */
import type { Cluster } from 'ioredis';
import type { Stats } from '../../../shared/types';
import type { DocumentStore } from '../stores/ports';
import { newOpId } from '../ids';
import { keys, TTL } from '../keys';
import { runScript } from '../lua/scripts';

type What = 'post' | 'user';
const counterOf = (what: What) => (what === 'post' ? keys.postsCount : keys.usersCount);

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
      const cached = await this.redis.get(counterOf(what));
      if (cached !== null) return Number(cached);
      this.loading[what] ??= (async () => {
        try {
          while (this.inFlight[what] > 0) await new Promise<void>((resolve) => this.drained[what].push(resolve));
          const value = await load();
          await this.redis.set(counterOf(what), value, 'NX');
          return Number((await this.redis.get(counterOf(what))) ?? value);
        } finally {
          this.loading[what] = null;
        }
      })();
      return this.loading[what];
    })();
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
      if (result) await runScript(this.redis, 'incrIfExists', [counterOf(what), keys.opLog(counterOf(what))], [1, opId, TTL.ops]);
      return result;
    } finally {
      if (--this.inFlight[what] === 0) this.drained[what].splice(0).forEach((resolve) => resolve());
    }
  }
}
