/**
 * The store and the cache broken under parallel load, on a cluster of this file's own: the
 * embedded store's worker thread killed (it is started again, calls fail clearly meanwhile),
 * then, after a sync, a full cache wipe (FLUSHALL on every master): every view is rebuilt from
 * the store equal to what it was, and the checker finds nothing missing or double-counted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/main/core/engine';
import type { PgliteWorkerDb } from '../../src/main/core/stores/embedded/pglite-worker-db';
import type { Conversation, Post, Stats, TrendingEntry } from '../../src/shared/types';
import { startOwnEngine, type OwnEngine } from './own-cluster';
import { check, dispatchOk, setupNetwork, startWorkload, type Findings } from './workload';

const found = (f: Findings) => ({
  lostLikes: f.lostLikes, undoneUnlikes: f.undoneUnlikes, countMismatches: f.countMismatches, unreadMismatches: f.unreadMismatches,
  commentMismatches: f.commentMismatches, trendingMismatches: f.trendingMismatches, storeMismatches: f.storeMismatches,
});
const none = { lostLikes: [], undoneUnlikes: [], countMismatches: [], unreadMismatches: [], commentMismatches: [], trendingMismatches: [], storeMismatches: [] };

describe('faults: the store worker killed, then the whole cache wiped', () => {
  let own: OwnEngine;
  let engine: Engine;

  beforeAll(async () => {
    own = await startOwnEngine('redk-store-faults');
    ({ engine } = own);
  });
  afterAll(async () => {
    await own?.stop();
  });

  it('recovers from a dead store worker and rebuilds every view after a wipe, losing nothing', async () => {
    const { users, posts } = await setupNetwork(engine, 5, 20, 's');
    const load = startWorkload(engine, users, posts);
    await new Promise((r) => setTimeout(r, 1500));
    const db = engine.stores.embedded!.db as PgliteWorkerDb;
    await db.killWorker();
    const deadline = Date.now() + 30_000;
    while (db.revived === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(db.revived).toBe(1);
    await new Promise((r) => setTimeout(r, 1500));
    await load.stop();
    const storeErrors = load.calls.filter((c) => c.code === 'store_unavailable').length;
    const unclear = load.calls.filter((c) => !c.ok && c.code !== 'store_unavailable' && c.code !== 'cluster_unavailable');
    expect(unclear).toEqual([]);

    await engine.sync.syncAll();
    const findings = await check(engine, load, { store: true, trending: true });
    expect(found(findings)).toEqual(none);

    // What a user sees, before and after a wipe of every master.
    const views = async () => {
      const [feeds, trending, stats, convs, postViews] = await Promise.all([
        Promise.all(users.map((u) => dispatchOk<Post[]>(engine, 'feeds.get', { username: u, kind: 'following', viewer: u }))),
        Promise.all((['all', '1h', '24h'] as const).map((window) => dispatchOk<TrendingEntry[]>(engine, 'trending.get', { window }))),
        dispatchOk<Stats>(engine, 'stats.get', {}),
        Promise.all(users.map((u) => dispatchOk<Conversation[]>(engine, 'conversations.list', { username: u }))),
        Promise.all(posts.flatMap((id) => users.map((viewer) => dispatchOk<Post>(engine, 'posts.get', { id, viewer })))),
      ]);
      return { feeds, trending, stats, convs, postViews };
    };
    const before = await views();
    await Promise.all(engine.redis.nodes('master').map((n) => n.flushall()));
    const after = await views();
    expect(after.postViews).toEqual(before.postViews);
    expect(after.feeds).toEqual(before.feeds);
    expect(after.stats).toEqual(before.stats);
    expect(after.convs).toEqual(before.convs);
    expect(after.trending).toEqual(before.trending);
    const afterWipe = await check(engine, load, { store: true, trending: true });
    process.stderr.write(`store faults: ${load.calls.length} calls, ${storeErrors} store_unavailable while the worker restarted; findings before the wipe ${JSON.stringify(found(findings))}, after ${JSON.stringify(found(afterWipe))}\n`);
    expect(found(afterWipe)).toEqual(none);
  }, 240_000);
});
