/**
 * L2: writes like counters back to the document store.
 * - After each like/unlike, the post is marked dirty; a background flush writes its current
 *   counter (coalesced per post, batched) and who liked it. The queue is bounded: when full,
 *   notify() waits for the flush (backpressure) instead of growing without end.
 * - Every `intervalMs` (default 5 min) and on sync.now, a full pass SCANs every master for
 *   `{post:*}:likes:count` (a cluster SCAN must visit each master), reads each page of counters
 *   that are not settled in one script on their master, compares them and their like sets with
 *   the store (one read per page) and writes what differs (R8): the queue lives in this process
 *   only, so an engine killed before its flush would otherwise leave acknowledged likes out of
 *   the store for good.
 * Writes set values, never add, so a pass cut off half-way and run again double-counts nothing.
 * A flush and a pass's page never write at once: a page's snapshot written after a newer flush
 * would undo it.
 * R2, bounded memory: every like raises its post's dirty number and takes the TTL off its keys.
 * Once a post is written back, nothing changed since (the dirty number is the one read before
 * the write, no like of it is on its way, none is queued) and it has been quiet for 2 s,
 * likes_settle.lua gives its keys the TTL, so volatile-lru may evict them; a read rebuilds them
 * from the store. The full pass skips settled posts: the store has them.
 */
import type { Cluster, Redis } from 'ioredis';
import type { SyncStatus } from '../../../shared/types';
import type { EventBus } from '../events';
import { LikeCache } from '../cache/likes';
import { keySuffixes, perMaster } from '../cache/post-groups';
import { keys, LIKE_COUNT_PATTERN, postIdOfLikeCountKey, postTag } from '../keys';
import { runScript } from '../lua/scripts';
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

/**
 * Wraps an async job so that a call made while it runs waits for that run and then for one more,
 * started after it: what the caller did before calling may have come after the running one last
 * looked. Callers that arrive meanwhile share that next run.
 */
function runAgainAfterInFlight(job: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let next: Promise<void> | null = null;
  const start = (): Promise<void> =>
    (running = job().finally(() => {
      running = null;
    }));
  return () => {
    if (!running) return start();
    next ??= running
      .catch(() => undefined)
      .then(() => {
        next = null;
        return running ?? start();
      });
    return next;
  };
}

/** How long a written-back post must go without a change before its keys get their TTL. */
const SETTLE_IDLE_MS = 2000;

/** Like sets up to this size are read whole (SMEMBERS); larger ones with SSCAN. */
const SMALL_SET = 1000;

/** Posts per likes_settle_many.lua call (a script blocks its master while it runs). */
const SETTLE_GROUP = 500;

/** A post of a full pass's page that is not settled: what Redis has of it. */
interface PageEntry {
  postId: string;
  /** Its dirty number (null for none), read before its like set. */
  seen: string | null;
  count: number;
  usernames: string[];
}

/** What makes a post's like records (`stored`, no repeats) the like set (`wanted`): nothing when they hold the same names. */
function likerChanges(postId: string, stored: readonly string[], wanted: readonly string[], at: number): LikeChange[] {
  const had = new Set(stored);
  const changes: LikeChange[] = [];
  for (const username of wanted) if (!had.delete(username)) changes.push({ postId, username, liked: true, at });
  for (const username of had) changes.push({ postId, username, liked: false });
  return changes;
}

export interface SyncOptions {
  intervalMs: number;
  batchSize?: number;
  maxPending?: number;
  flushDelayMs?: number;
  /** R2: TTL of a post's like keys once written back and unchanged since. */
  likesTtlSeconds?: number;
}

export class SyncEngine {
  private readonly changes = new Map<string, LikeChange>();
  private readonly dirty = new Set<string>();
  private flushTimer: NodeJS.Timeout | null = null;
  private periodic: NodeJS.Timeout | null = null;
  private settler: NodeJS.Timeout | null = null;
  private fullPassRunning = false;
  private lastRunAt: number | null = null;
  private lastSynced = 0;
  private lastError: string | null = null;
  private readonly batchSize: number;
  private readonly maxPending: number;
  private readonly flushDelayMs: number;
  /** The store-write turn: flush batches and pass pages take it one at a time. */
  private storeTurn: Promise<void> = Promise.resolve();
  /** Posts with a like or unlike between its script and its notify(): not settled meanwhile. */
  private readonly holds = new Map<string, number>();
  private stopped = false;
  /** Counters the current full pass had to write (the others were settled already). */
  private passWritten = 0;

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
    this.settler = setInterval(() => void runInTraceScopes([], () => this.settleWritten(SETTLE_IDLE_MS)).catch(() => undefined), 1000);
    this.settler.unref();
  }

  /**
   * A change of `postId` is on its way (call before its script runs, release after notify): until
   * then the post is not settled, since its change may be in Redis but not yet queued here.
   */
  hold(postId: string): () => void {
    this.holds.set(postId, (this.holds.get(postId) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.holds.get(postId) ?? 1) - 1;
      if (left > 0) this.holds.set(postId, left);
      else this.holds.delete(postId);
    };
  }

  /**
   * Written back, not changed since (the dirty number read before the write, and when), waiting
   * to be settled. A post is settled once it has been quiet for SETTLE_IDLE_MS: settling a post
   * that is being liked right now would be undone by its next like (which takes the TTL off again),
   * at the cost of a script and five replicated commands per like.
   */
  private readonly written = new Map<string, { seen: string | null; at: number }>();
  /** Posts whose settle script is on its way (taken out of `written`, not answered yet). */
  private readonly settling = new Set<string>();

  /**
   * Gives the like keys of written-back posts quiet for `idleMs` their TTL, each only when its
   * dirty number is still the one read before its write (likes_settle.lua). A post changed since
   * is marked dirty again: written once more, then settled. Runs every second; flush() callers
   * that want the TTLs now (tests, stop) call it with 0.
   */
  async settleWritten(idleMs = 0): Promise<number> {
    const now = Date.now();
    // `written` is in the order the posts were written back (an entry is only ever added anew), so
    // the walk stops at the first one not quiet long enough: a full pass calls this after each of
    // its pages, with up to every counter of the cluster waiting here.
    const ready: [string, { seen: string | null; at: number }][] = [];
    for (const entry of this.written) {
      if (now - entry[1].at < idleMs) break;
      if (!this.holds.has(entry[0]) && !this.dirty.has(entry[0])) ready.push(entry);
    }
    for (const [p] of ready) {
      this.written.delete(p);
      this.settling.add(p);
    }
    const done = await this.settle(ready.map(([p, w]) => [p, w.seen ?? '']));
    for (const [p] of ready) this.settling.delete(p);
    const again = ready.filter((_, i) => done[i] === 0).map(([p]) => p);
    if (again.length > 0) this.markDirty(again);
    return done.filter((d) => d === 1).length;
  }

  /**
   * likes_settle.lua for each [post, dirty number seen] (1 settled, 0 changed since, -1 gone, 0
   * too when it could not run): one likes_settle_many.lua per master for up to SETTLE_GROUP
   * posts, post by post for a group whose script fails (a slot moved since the client's table).
   */
  private async settle(posts: [string, string][]): Promise<number[]> {
    const ttl = this.opts.likesTtlSeconds ?? 86_400;
    const done = new Array<number>(posts.length).fill(0);
    await perMaster(
      this.redis,
      posts.map(([p]) => p),
      SETTLE_GROUP,
      async (i) => {
        done[i] = await this.settleOne(posts[i]![0], posts[i]![1], ttl);
      },
      async (group) => {
        const first = posts[group[0]!]![0];
        const args: (string | number)[] = [ttl, ...keySuffixes(first, LikeCache.keysOf(first))];
        for (const i of group) args.push(postTag(posts[i]![0]), posts[i]![1]);
        const answers = await runScript<number[]>(this.redis, 'likesSettleMany', [keys.likesCount(first)], args);
        group.forEach((i, k) => (done[i] = Number(answers[k] ?? 0)));
      },
    );
    return done;
  }

  /** settle's way for one post (and when a group's script fails): likes_settle.lua on its slot. */
  private settleOne(postId: string, seen: string, ttl: number): Promise<number> {
    return runScript<number>(this.redis, 'likesSettle', LikeCache.keysOf(postId), [seen, ttl]).catch(() => 0);
  }

  /** Posts to settle again later: written back, but held or changed when the batch ended. */
  private readonly retry = new Set<string>();

  private markDirty(postIds: string[]): void {
    for (const p of postIds) this.retry.add(p);
    // Only settling is left to do for these: it does not keep a stopping process alive.
    if (!this.stopped) this.scheduleFlush()?.unref();
  }

  /** Arms the background flush unless it is armed already; returns the new timer, if any. */
  private scheduleFlush(): NodeJS.Timeout | null {
    if (this.flushTimer) return null;
    // Background work for many likes: not part of the trace of the one that started the timer.
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      void runInTraceScopes([], () => this.flushSome()).catch(() => undefined);
    }, this.flushDelayMs);
    return this.flushTimer;
  }

  /** Records a like change for the background write; waits only when the queue is full. */
  async notify(change: LikeChange): Promise<void> {
    this.written.delete(change.postId);
    this.changes.set(`${change.postId}|${change.username}`, change);
    this.dirty.add(change.postId);
    if (this.changes.size >= this.maxPending) {
      // The like itself is done in Redis; a failed write is retried, not reported to the liker.
      await this.flush().catch(() => undefined);
    } else {
      this.scheduleFlush();
    }
  }

  get pending(): number {
    return this.changes.size + this.dirty.size;
  }

  /**
   * Writes every change notified before the call, and every post whose write was held back until
   * its like was done: a call made while a flush runs waits for it and for one more after it.
   */
  readonly flush: () => Promise<void> = runAgainAfterInFlight(() => this.flushOnce(true));

  /**
   * The timer's flush: one batch, and more only while a whole batch is waiting; what is left goes
   * with the next tick of the timer. Run back to back, the batches of a busy engine were small
   * (~75 likes each at 3,500 likes/s), and each rewrote the counts of every hot post.
   */
  private readonly flushSome: () => Promise<void> = shareInFlight(() => this.flushOnce(false));

  /** Like changes one batch takes at most (a batch writes up to batchSize posts). */
  private get changesPerBatch(): number {
    return this.batchSize * 4;
  }

  private fullBatchWaiting(): boolean {
    return this.dirty.size >= this.batchSize || this.changes.size >= this.changesPerBatch;
  }

  /**
   * Redis is out of memory (R2): writes back what is dirty and settles every written-back post at
   * once, quiet or not, so their keys get the TTL and volatile-lru can evict them. Callers that
   * were refused for memory share one run.
   */
  readonly relieveMemory: () => Promise<void> = shareInFlight(async () => {
    this.reliefs++;
    await this.flush().catch(() => undefined);
    await this.settleWritten(0).catch(() => undefined);
  });

  /** How many times memory was relieved (for the status and the tests). */
  reliefs = 0;

  private exclusive<T>(job: () => Promise<T>): Promise<T> {
    const run = this.storeTurn.then(job);
    this.storeTurn = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async flushOnce(drain: boolean): Promise<void> {
    const queued = () => this.changes.size > 0 || this.dirty.size > 0;
    for (let round = 0; ; round++) {
      do {
        for (let batch = 0; queued() && (drain || batch === 0 || this.fullBatchWaiting()); batch++) {
          await this.exclusive(() => this.flushBatch());
        }
        // A batch of the timer's flush may still be writing what it took out of the queues (so the
        // loop above did not see it): a drain waits for the store turn to come round, then looks again.
        if (drain) await this.exclusive(() => Promise.resolve());
      } while (drain && queued());
      // Posts to settle again: those whose like is no longer on its way, a few rounds at most
      // (the others wait for the timer markDirty set).
      const ready = [...this.retry].filter((p) => !this.holds.has(p));
      if (!drain && queued()) {
        // Busy: they go with the next tick's batch (they would wait for a quiet moment otherwise).
        for (const p of ready) {
          this.retry.delete(p);
          this.dirty.add(p);
        }
        if (!this.stopped) this.scheduleFlush();
        return;
      }
      if (ready.length === 0 || round >= 3) break;
      for (const p of ready) {
        this.retry.delete(p);
        this.dirty.add(p);
      }
    }
  }

  private async flushBatch(): Promise<void> {
    const posts = [...this.dirty].slice(0, this.batchSize);
    // Each post's counter and dirty number, read before its changes are taken: a change made
    // after this read raises the number, so the settle below leaves the post alone.
    const read = await this.readCounters(posts);
    const held = new Set(posts.filter((p) => this.holds.has(p)));
    const changes = [...this.changes.values()].slice(0, this.changesPerBatch);
    for (const c of changes) this.changes.delete(`${c.postId}|${c.username}`);
    for (const p of posts) this.dirty.delete(p);
    try {
      if (changes.length > 0) await this.documents.recordLikes(changes);
      const counts = posts.flatMap((postId, i) => ((read[i]?.[0] ?? null) === null ? [] : [{ postId, count: Number(read[i]![0]) }]));
      if (counts.length > 0) await this.documents.setLikeCounts(counts);
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
    // Changes of a post left in the queue (the batch took only some) are not in the store yet.
    const queued = this.changes.size === 0 ? new Set<string>() : new Set([...this.changes.values()].map((c) => c.postId));
    // Held at the read or with changes still queued: written again by a later batch.
    const later = posts.filter((p) => held.has(p) || queued.has(p));
    if (later.length > 0) this.markDirty(later);
    const at = Date.now();
    posts.forEach((postId, i) => {
      if (!held.has(postId) && !queued.has(postId) && (read[i]?.[0] ?? null) !== null && !this.dirty.has(postId)) {
        // Deleted first, so the entry goes to the end: `written` stays in the order of writing.
        this.written.delete(postId);
        this.written.set(postId, { seen: read[i]![1] ?? null, at });
      }
    });
  }

  /**
   * [counter, dirty number] of each post: one get_many.lua per master for up to SETTLE_GROUP
   * posts, one MGET per post (both keys share its slot) for a group whose script fails.
   */
  private async readCounters(posts: string[]): Promise<(string | null)[][]> {
    const read = new Array<(string | null)[]>(posts.length);
    await perMaster(
      this.redis,
      posts,
      SETTLE_GROUP,
      async (i) => {
        read[i] = await this.redis.mget(keys.likesCount(posts[i]!), keys.likesDirty(posts[i]!));
      },
      async (group) => {
        const wanted = group.flatMap((i) => [keys.likesCount(posts[i]!), keys.likesDirty(posts[i]!)]);
        const values = await runScript<(string | null)[]>(this.redis, 'getMany', [wanted[0]!], wanted);
        group.forEach((i, k) => (read[i] = [values[2 * k] ?? null, values[2 * k + 1] ?? null]));
      },
    );
    return read;
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
    this.passWritten = 0;
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
      this.log.info(`sync: ${synced} like counters match the store, ${this.passWritten} of them written now (the others were written back already), in ${Date.now() - began} ms`);
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
      const [next, found] = await node.scan(cursor, 'MATCH', LIKE_COUNT_PATTERN, 'COUNT', 4 * this.batchSize);
      cursor = next;
      if (found.length > 0) {
        written += await this.exclusive(() => this.syncPage(node, found));
        progress(written);
      }
    } while (cursor !== '0');
    return written;
  }

  /**
   * One page of counters: for each post not written back already (settled: a TTL and no dirty
   * number, so the store has it), its dirty number, counter and like set, read from the master
   * (readPage). Those are compared with the store, and only what differs is written: a pass after
   * a crash rewrites nothing the flushes had written before it. Then the posts are settled.
   * Memory is bounded by the page: sets above SMALL_SET are read with SSCAN. Returns how many
   * counters the store now matches (written, or found equal, or settled already).
   */
  private async syncPage(node: Redis, found: string[]): Promise<number> {
    const postIds = found.flatMap((key) => postIdOfLikeCountKey(key) ?? []);
    // Written back already and waiting for (or in) their settle: the pass writes them again but
    // leaves their settle alone. Keeping its own reading as "seen" raced that settle: the pass
    // read the dirty number, the settle deleted it, and a later change that counted the number
    // up from 1 again matched the pass's old reading, so the post was settled with that change
    // never written (ABA; the sync test's kill-and-rerun found it).
    const settling = new Set(postIds.filter((p) => this.written.has(p) || this.settling.has(p)));
    const { counted, present } = await this.readPage(node, postIds);
    const held = new Set(postIds.filter((p) => this.holds.has(p)));
    this.passWritten += present.length;
    if (present.length > 0) {
      const ids = present.map((r) => r.postId);
      const stored = await this.documents.likeStateOf(ids);
      const counts = present.filter((r) => stored.get(r.postId)?.count !== r.count).map((r) => ({ postId: r.postId, count: r.count }));
      // Who liked: the records missing are added with the pass's time, those Redis no longer has
      // are removed, the others keep theirs (R8: the store ends exactly as the like set).
      const at = Date.now();
      const changes = present.flatMap((r) => likerChanges(r.postId, stored.get(r.postId)?.likers ?? [], r.usernames, at));
      if (changes.length > 0) await this.documents.recordLikes(changes);
      if (counts.length > 0) await this.documents.setLikeCounts(counts);
      // The like sets were read after the dirty numbers: a change in between raised the number.
      const writtenAt = Date.now();
      for (const r of present) if (!held.has(r.postId) && !this.dirty.has(r.postId) && !settling.has(r.postId) && !this.written.has(r.postId)) this.written.set(r.postId, { seen: r.seen, at: writtenAt });
      await this.settleWritten(SETTLE_IDLE_MS);
    }
    return counted;
  }

  /**
   * A page's posts as the pass needs them: how many still have a counter (`counted`), and, of
   * those not settled, the dirty number, counter and like set. One likes_page.lua on the master;
   * when it fails (a slot moved since the SCAN), readPageByKeys: reads pipelined on the node, each
   * reply that is an error (MOVED) read again through the cluster client.
   */
  private async readPage(node: Redis, postIds: string[]): Promise<{ counted: number; present: PageEntry[] }> {
    if (postIds.length === 0) return { counted: 0, present: [] };
    const first = postIds[0]!;
    const [countKey, usersKey, , dirtyKey] = LikeCache.keysOf(first);
    let flat: unknown[];
    try {
      flat = await runScript<unknown[]>(this.redis, 'likesPage', [countKey!], [SMALL_SET, ...keySuffixes(first, [countKey!, dirtyKey!, usersKey!]), ...postIds.map(postTag)]);
    } catch {
      return this.readPageByKeys(node, postIds);
    }
    const present: PageEntry[] = [];
    for (let k = 1; k + 3 < flat.length; k += 4) {
      const postId = postIds[Number(flat[k]) - 1]!;
      const members = flat[k + 3] as string[] | null;
      present.push({ postId, seen: (flat[k + 1] as string | null) ?? null, count: Number(flat[k + 2]), usernames: members ?? (await this.readLargeSet(keys.likesUsers(postId))) });
    }
    return { counted: Number(flat[0]) + present.length, present };
  }

  /** readPage's way when its script fails: four reads per post, then SMEMBERS of the posts not settled. */
  private async readPageByKeys(node: Redis, postIds: string[]): Promise<{ counted: number; present: PageEntry[] }> {
    const commands = postIds.flatMap((id) => [['get', keys.likesDirty(id)], ['pttl', keys.likesCount(id)], ['get', keys.likesCount(id)], ['scard', keys.likesUsers(id)]]);
    const replies = (await node.pipeline(commands).exec()) ?? [];
    const reply = async <T>(i: number, fallback: () => Promise<T>): Promise<T> => {
      const [err, value] = replies[i] ?? [new Error('no reply'), null];
      return err ? fallback() : (value as T);
    };
    const read = await Promise.all(
      postIds.map(async (postId, i) => ({
        postId,
        seen: await reply<string | null>(4 * i, () => this.redis.get(keys.likesDirty(postId))),
        ttl: Number(await reply<number>(4 * i + 1, () => this.redis.pttl(keys.likesCount(postId)))),
        count: await reply<string | null>(4 * i + 2, () => this.redis.get(keys.likesCount(postId))),
        size: Number(await reply<number>(4 * i + 3, () => this.redis.scard(keys.likesUsers(postId)))),
      })),
    );
    // A counter deleted since the SCAN has nothing to say about its post; a settled one is in the
    // store already. A counter with no TTL and no dirty number predates R2's TTLs: written, settled.
    const counted = read.filter((r) => r.count !== null);
    const unsettled = counted.filter((r) => !(r.seen === null && r.ttl >= 0));
    const small = unsettled.filter((r) => r.size <= SMALL_SET);
    const members = small.length > 0 ? ((await node.pipeline(small.map((r) => ['smembers', keys.likesUsers(r.postId)])).exec()) ?? []) : [];
    const present = await Promise.all(
      unsettled.map(async (r) => {
        const i = small.indexOf(r);
        const [err, value] = i >= 0 ? (members[i] ?? [new Error('no reply'), null]) : [null, null];
        const usernames = i >= 0 && !err ? (value as string[]) : await this.readLargeSet(keys.likesUsers(r.postId));
        return { postId: r.postId, seen: r.seen, count: Number(r.count), usernames };
      }),
    );
    return { counted: counted.length, present };
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

  /** Counters the last full pass wrote to the store (the others it found were written back already). */
  get lastPassWritten(): number {
    return this.passWritten;
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
    this.stopped = true;
    if (this.periodic) clearInterval(this.periodic);
    if (this.settler) clearInterval(this.settler);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.periodic = null;
    this.flushTimer = null;
    await this.flush().catch((err: unknown) => this.log.warn(`sync: ${this.pending} changes not written on stop: ${(err as Error).message}`));
    // What is written back may be evicted from now on (R2); what is not keeps no TTL.
    await this.settleWritten(0).catch(() => undefined);
  }
}
