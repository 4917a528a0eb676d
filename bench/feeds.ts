/**
 * The bench's fan-out and cold-feed figures (issue 12, items 1 and 2), called from run.ts:
 *
 * - posts.create by an account with no followers, by one with about 3,000 and by the most-followed
 *   one, at the same concurrency; and whether 50 of the 3,000's followers, their feeds cached
 *   before, see its post right after it was made.
 * - How many calls to the stores one cold feed read with a viewer makes (the viewer reading their
 *   own feed, after FLUSHALL on every master), on the embedded store and on the FerretDB + Neo4j
 *   test servers (a small seeded run of its own, when the servers are built).
 *
 * Store calls are counted by patching the adapters' methods in place for the one read
 * (test/helpers/store-calls.ts): nothing in the engine changes.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Config } from '../src/main/core/config';
import { Engine } from '../src/main/core/engine';
import { silentLogger, type Logger } from '../src/main/core/log';
import { seedDemoData, seedSize, usernameOf } from '../src/main/core/seed/demo-data';
import { openStores } from '../src/main/core/stores';
import { flushCluster } from '../test/helpers/flush';
import { startMongoServer, startNeo4jServer, type RunningServer } from '../test/helpers/servers';
import { countStoreCalls } from '../test/helpers/store-calls';

export interface FeedMeasure {
  name: string;
  ops: number;
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}
type MeasureFn = (name: string, op: (i: number) => Promise<unknown>, concurrency?: number, maxOps?: number) => Promise<FeedMeasure>;
type Call = (method: string, input: unknown) => Promise<unknown>;

export interface Target {
  target: string;
  holds: boolean;
  value: string;
}

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/** The seeded account whose follower count is nearest `wanted` among the first `scan` (Zipf: the most followed come first). */
async function accountNear(engine: Engine, wanted: number, users: number, scan = 300): Promise<{ username: string; followers: number }> {
  let best = { username: usernameOf(0), followers: -1 };
  for (let i = 0; i < Math.min(scan, users); i++) {
    const username = usernameOf(i);
    const { followers } = await engine.stores.graph.counts(username);
    if (best.followers < 0 || Math.abs(followers - wanted) < Math.abs(best.followers - wanted)) best = { username, followers };
  }
  return best;
}

/**
 * posts.create by three accounts (4 in flight, at most 200 posts each, as the bench's fan-out
 * figure always ran) and the visibility check. Returns the measures, figures and targets to add.
 */
export async function measurePostCreation(
  engine: Engine,
  call: Call,
  measure: MeasureFn,
  users: number,
  /** The bench's existing figure: posts.create by the most-followed account, 4 in flight, 200 posts. */
  most: FeedMeasure,
  mostFollowers: number,
): Promise<{ results: FeedMeasure[]; figures: Record<string, number>; targets: Target[] }> {
  const nobody = 'bench.nofollowers';
  await call('users.create', { username: nobody, displayName: 'Nobody follows me', password: 'password1' });
  const mid = await accountNear(engine, 3000, users);
  const starFollowers = mostFollowers;
  // An account's first post may enter the large set and drop its followers' pages once (a
  // one-time cost, after a crossing or a wipe): made before the timed posts.
  for (const author of [nobody, mid.username]) await call('posts.create', { author, text: 'warm-up' });
  const none = await measure('posts.create by an account with no followers', () => call('posts.create', { author: nobody, text: 'hello nobody' }), 4, 200);
  const near = await measure(`posts.create by an account with ${mid.followers} followers`, () => call('posts.create', { author: mid.username, text: 'hello followers' }), 4, 200);

  // 50 followers of the ~3,000 account, spread over its follower list, feeds cached first.
  const followers = await engine.stores.graph.followers(mid.username, 100_000);
  const sample = Array.from({ length: Math.min(50, followers.length) }, (_, i) => followers[Math.floor((i * followers.length) / Math.min(50, followers.length))]!);
  for (const f of sample) await call('feeds.get', { username: f, kind: 'following' });
  const { id } = (await call('posts.create', { author: mid.username, text: 'can you all see this?' })) as { id: string };
  let seen = 0;
  for (const f of sample) {
    const feed = (await call('feeds.get', { username: f, kind: 'following' })) as { id: string }[];
    if (feed.some((p) => p.id === id)) seen++;
  }

  const ratioMid = near.p50Ms / Math.max(none.p50Ms, 0.001);
  const ratioMost = most.p50Ms / Math.max(none.p50Ms, 0.001);
  return {
    results: [none, near],
    figures: {
      postsCreateNoFollowersP50Ms: none.p50Ms,
      postsCreateMidFollowers: mid.followers,
      postsCreateMidFollowersP50Ms: near.p50Ms,
      postsCreateMostFollowers: starFollowers,
      postsCreateMostFollowedP50Ms: most.p50Ms,
      fanoutSampledFollowers: sample.length,
      fanoutSampledFollowersSeeingPost: seen,
    },
    targets: [
      { target: `posts.create by an account with ~3,000 followers (${mid.followers}) <= 2.5x one with none (p50)`, holds: ratioMid <= 2.5, value: `${round(ratioMid)}x (${near.p50Ms} vs ${none.p50Ms} ms)` },
      { target: `posts.create by the most-followed account (${starFollowers}) within 2x of one with none (p50)`, holds: ratioMost <= 2, value: `${round(ratioMost)}x (${most.p50Ms} vs ${none.p50Ms} ms)` },
      { target: `${sample.length} sampled followers of the ~3,000 account see its post in their cached following feed right after it`, holds: sample.length === 50 && seen === sample.length, value: `${seen}/${sample.length}` },
    ],
  };
}

/**
 * One cold feed read (FLUSHALL on every master first, pending like write-backs flushed before):
 * `reader`'s all feed with `reader` as the viewer. Counts the calls to both stores.
 */
export async function coldFeedStoreCalls(engine: Engine, reader: string): Promise<{ total: number; calls: Record<string, number>; ms: number; posts: number }> {
  await engine.sync.flush();
  await flushCluster(engine.redis);
  const counter = countStoreCalls({ documents: engine.stores.documents, graph: engine.stores.graph });
  try {
    const began = performance.now();
    const res = await engine.router.dispatch('feeds.get', { username: reader, kind: 'all', viewer: reader });
    const ms = performance.now() - began;
    if (!res.body.ok) throw new Error(`feeds.get: ${res.body.error.message}`);
    return { total: counter.total(), calls: counter.calls(), ms: Math.round(ms), posts: (res.body.data as unknown[]).length };
  } finally {
    counter.restore();
  }
}

export const coldFeedTarget = (where: string, cold: { total: number; calls: Record<string, number> }): Target => ({
  target: `cold feed with a viewer (own all feed, after FLUSHALL) under 10 store calls, ${where}`,
  holds: cold.total < 10,
  value: `${cold.total} (${Object.entries(cold.calls).map(([k, v]) => `${k}${v > 1 ? ` x${v}` : ''}`).join(', ')})`,
});

export function testServersBuilt(): boolean {
  const servers = join(process.cwd(), 'test', 'servers');
  return existsSync(join(servers, 'bin', 'redk-mongo-test-server')) && existsSync(join(servers, 'neo4j', 'target', 'classpath.txt'));
}

/**
 * The same cold read on the FerretDB (MongoDB wire) and Neo4j test servers: both started on
 * loopback, `users` users of demo data seeded into them, an engine on the bench's cluster (the
 * bench's own engine is stopped by then: the usernames are the same), the read counted, and
 * everything started here stopped again.
 */
export async function coldFeedOnTestServers(base: Config, users: number, log: Logger): Promise<{ total: number; calls: Record<string, number>; ms: number; posts: number; seedSeconds: number }> {
  const servers: RunningServer[] = [];
  let engine: Engine | null = null;
  try {
    log.info('starting the FerretDB and Neo4j test servers ...');
    const [mongo, neo4j] = await Promise.all([startMongoServer(), startNeo4jServer()]);
    servers.push(mongo, neo4j);
    const config: Config = {
      ...base,
      stores: { ...base.stores, mongoUrl: mongo.url.replace(/^(mongodb:\/\/[^/?]+)\/?[^?]*/, '$1/redk_bench'), neo4jUrl: neo4j.url, neo4jUser: neo4j.user, neo4jPassword: neo4j.password },
    };
    log.info(`seeding ${users} users into ${config.stores.mongoUrl} + ${neo4j.url} ...`);
    const began = performance.now();
    const stores = await openStores(config, silentLogger);
    try {
      await seedDemoData(stores, seedSize(users), () => undefined);
    } finally {
      await stores.close();
    }
    const seedSeconds = round((performance.now() - began) / 1000, 1);
    engine = await Engine.start(config, { log: silentLogger, shell: 'web' });
    const reader = usernameOf(1);
    // Once warm, so the engine's own start-up reads are not counted; then cold again.
    await engine.router.dispatch('feeds.get', { username: reader, kind: 'all', viewer: reader });
    return { ...(await coldFeedStoreCalls(engine, reader)), seedSeconds };
  } finally {
    await engine?.stop().catch(() => undefined);
    await Promise.all(servers.map((s) => s.stop().catch(() => undefined)));
  }
}
