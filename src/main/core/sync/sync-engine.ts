/**
 * L2: writes like counters back to the document store.
 * - After each like/unlike, the post is marked dirty; a background flush writes its current
 *   counter (coalesced per post, batched) and who liked it. The queue is bounded: when full,
 *   notify() waits for the flush (backpressure) instead of growing without end.
 * - Every `intervalMs` (default 5 min) and on sync.now, a full pass SCANs every master for
 *   `{post:*}:likes:count` (a cluster SCAN must visit each master) and writes all counters and
 *   who liked (R8): the queue lives in this process only, so an engine killed before its flush
 *   would otherwise leave acknowledged likes out of the store for good.
 * Writes set values, never add, so a pass cut off half-way and run again double-counts nothing.
 * A flush and a pass's page never write at once: a page's snapshot written after a newer flush
 * would undo it.
 */
import type { Cluster, Redis } from 'ioredis';
import type { SyncStatus } from '../../../shared/types';
import type { EventBus } from '../events';
import { keys, LIKE_COUNT_PATTERN, postIdOfLikeCountKey } from '../keys';
import type { Logger } from '../log';
import { runInTraceScopes } from '../rpc/redis-trace';
import type { DocumentStore, LikeChange } from '../stores/ports';

/** Wraps an async job so that calls made while it runs share that run instead of starting another. */
function shareInFlight<T>(job: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | null = null;
  return () => {
    running ??= job().finally(() => {
      running = null;
    });
    return running;
  };
}

/** Like sets up to this size are read with one SMEMBERS (pipelined); larger ones with SSCAN. */
const SMALL_SET = 1000;

export interface SyncOptions {
  intervalMs: number;
  batchSize?: number;
  maxPending?: number;
  flushDelayMs?: number;
}

export class SyncEngine {
  private readonly changes = new Map<string, LikeChange>();
  private readonly dirty = new Set<string>();
  private flushTimer: NodeJS.Timeout | null = null;
  private periodic: NodeJS.Timeout | null = null;
  private fullPassRunning = false;
  private lastRunAt: number | null = null;
  private lastSynced = 0;
  private lastError: string | null = null;
  private readonly batchSize: number;
  private readonly maxPending: number;
  private readonly flushDelayMs: number;
  /** The store-write turn: flush batches and pass pages take it one at a time. */
  private storeTurn: Promise<void> = Promise.resolve();

  constructor(
    private readonly redis: Cluster,
    private readonly documents: DocumentStore,
    private readonly events: EventBus,
    private readonly log: Logger,
    private readonly opts: SyncOptions,
  ) {
    this.batchSize = opts.batchSize ?? 500;
    this.maxPending = opts.maxPending ?? 50_000;
    this.flushDelayMs = opts.flushDelayMs ?? 100;
  }

  start(): void {
    this.periodic = setInterval(() => void this.syncAll().catch(() => undefined), this.opts.intervalMs);
    this.periodic.unref();
  }

  /** Records a like change for the background write; waits only when the queue is full. */
  async notify(change: LikeChange): Promise<void> {
    this.changes.set(`${change.postId}|${change.username}`, change);
    this.dirty.add(change.postId);
    if (this.changes.size >= this.maxPending) {
      // The like itself is done in Redis; a failed write is retried, not reported to the liker.
      await this.flush().catch(() => undefined);
    } else if (!this.flushTimer) {
      // Background work for many likes: not part of the trace of the one that started the timer.
      this.flushTimer = setTimeout(() => {
        this.flushTimer = null;
        void runInTraceScopes([], () => this.flush()).catch(() => undefined);
      }, this.flushDelayMs);
    }
  }

  get pending(): number {
    return this.changes.size + this.dirty.size;
  }

  /** Writes every pending change; concurrent callers share one flush. */
  readonly flush: () => Promise<void> = shareInFlight(() => this.flushOnce());

  private exclusive<T>(job: () => Promise<T>): Promise<T> {
    const run = this.storeTurn.then(job);
    this.storeTurn = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async flushOnce(): Promise<void> {
    while (this.changes.size > 0 || this.dirty.size > 0) await this.exclusive(() => this.flushBatch());
  }

  private async flushBatch(): Promise<void> {
    const changes = [...this.changes.values()].slice(0, this.batchSize * 4);
    for (const c of changes) this.changes.delete(`${c.postId}|${c.username}`);
    const posts = [...this.dirty].slice(0, this.batchSize);
    for (const p of posts) this.dirty.delete(p);
    try {
      if (changes.length > 0) await this.documents.recordLikes(changes);
      if (posts.length > 0) await this.writeCounts(posts.map((postId) => keys.likesCount(postId)), (key) => this.redis.get(key));
      this.lastError = null;
    } catch (err) {
      // Nothing is dropped: put back what was taken (newer changes win) and try again later.
      for (const c of changes) {
        const id = `${c.postId}|${c.username}`;
        if (!this.changes.has(id)) this.changes.set(id, c);
      }
      for (const p of posts) this.dirty.add(p);
      this.lastError = (err as Error).message;
      this.log.warn(`sync: background write failed, will retry: ${this.lastError}`);
      this.emitStatus();
      setTimeout(() => void this.flush().catch(() => undefined), 2000).unref();
      throw err;
    }
  }

  /** Reads counters by key and writes them to the store in one bulk call; returns how many were written. */
  private async writeCounts(counterKeys: string[], read: (key: string) => Promise<string | null>): Promise<number> {
    const values = await Promise.all(counterKeys.map((key) => read(key)));
    const counts: { postId: string; count: number }[] = [];
    counterKeys.forEach((key, i) => {
      const postId = postIdOfLikeCountKey(key);
      const value = values[i];
      if (postId && value !== null && value !== undefined) counts.push({ postId, count: Number(value) });
    });
    if (counts.length > 0) await this.documents.setLikeCounts(counts);
    return counts.length;
  }

  /** The full pass (periodic and sync.now); concurrent callers share one pass. */
  readonly syncAll: () => Promise<number> = shareInFlight(async () => {
    this.fullPassRunning = true;
    try {
      return await this.fullPassOnce();
    } finally {
      this.fullPassRunning = false;
    }
  });

  private async fullPassOnce(): Promise<number> {
    const began = Date.now();
    let synced = 0;
    try {
      await this.flush();
      for (const master of this.redis.nodes('master')) {
        synced += await this.syncNode(master, (n) => {
          this.lastSynced = synced + n;
          this.emitStatus(true);
        });
      }
      this.lastSynced = synced;
      this.lastError = null;
      this.log.info(`sync: wrote ${synced} like counters to the store in ${Date.now() - began} ms`);
      return synced;
    } catch (err) {
      this.lastError = (err as Error).message;
      throw err;
    } finally {
      this.lastRunAt = Date.now();
      this.emitStatus();
    }
  }

  /** SCANs one master, page by page. */
  private async syncNode(node: Redis, progress: (n: number) => void): Promise<number> {
    let cursor = '0';
    let written = 0;
    do {
      const [next, found] = await node.scan(cursor, 'MATCH', LIKE_COUNT_PATTERN, 'COUNT', this.batchSize);
      cursor = next;
      if (found.length > 0) {
        written += await this.exclusive(() => this.syncPage(node, found));
        progress(written);
      }
    } while (cursor !== '0');
    return written;
  }

  /**
   * One page of counters: each counter and its like set read from the master (a key whose slot
   * moved meanwhile, MOVED, is read through the cluster client), then the counts and the sets
   * written to the store. Memory is bounded by the page: sets above SMALL_SET are read with SSCAN.
   */
  private async syncPage(node: Redis, found: string[]): Promise<number> {
    const postIds = found.flatMap((key) => postIdOfLikeCountKey(key) ?? []);
    const replies = (await node.pipeline(postIds.flatMap((id) => [['get', keys.likesCount(id)], ['scard', keys.likesUsers(id)]])).exec()) ?? [];
    const reply = async <T>(i: number, fallback: () => Promise<T>): Promise<T> => {
      const [err, value] = replies[i] ?? [new Error('no reply'), null];
      return err ? fallback() : (value as T);
    };
    const read = await Promise.all(
      postIds.map(async (postId, i) => ({
        postId,
        count: await reply<string | null>(2 * i, () => this.redis.get(keys.likesCount(postId))),
        size: Number(await reply<number>(2 * i + 1, () => this.redis.scard(keys.likesUsers(postId)))),
      })),
    );
    // A counter deleted since the SCAN has nothing to say about its post.
    const present = read.filter((r) => r.count !== null);
    const small = present.filter((r) => r.size <= SMALL_SET);
    const members = (await node.pipeline(small.map((r) => ['smembers', keys.likesUsers(r.postId)])).exec()) ?? [];
    const sets = await Promise.all(
      present.map(async (r) => {
        const i = small.indexOf(r);
        const [err, value] = i >= 0 ? (members[i] ?? [new Error('no reply'), null]) : [null, null];
        const usernames = i >= 0 && !err ? (value as string[]) : await this.readLargeSet(keys.likesUsers(r.postId));
        return { postId: r.postId, usernames };
      }),
    );
    if (present.length > 0) {
      await this.documents.setLikeCounts(present.map((r) => ({ postId: r.postId, count: Number(r.count) })));
      await this.documents.replaceLikers(sets, Date.now());
    }
    return present.length;
  }

  private async readLargeSet(key: string): Promise<string[]> {
    const out: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.redis.sscan(key, cursor, 'COUNT', SMALL_SET);
      cursor = next;
      out.push(...batch);
    } while (cursor !== '0');
    return out;
  }

  status(): SyncStatus {
    return {
      running: this.fullPassRunning,
      lastRunAt: this.lastRunAt,
      lastSynced: this.lastSynced,
      lastError: this.lastError,
      pending: this.pending,
      intervalMs: this.opts.intervalMs,
    };
  }

  private emitStatus(running = false): void {
    this.events.emit('sync.progress', { ...this.status(), running: running || this.fullPassRunning });
  }

  async stop(): Promise<void> {
    if (this.periodic) clearInterval(this.periodic);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.periodic = null;
    this.flushTimer = null;
    await this.flush().catch((err: unknown) => this.log.warn(`sync: ${this.pending} changes not written on stop: ${(err as Error).message}`));
  }
}
